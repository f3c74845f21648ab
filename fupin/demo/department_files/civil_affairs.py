"""民政: the 低保 and 特困 paid in March 2026, a GBK CSV as Excel on Windows saves it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, Person, Planted, pick, stranger
from fupin.tabular.writers import write_csv

FEED = "civil_affairs"
FILE = "民政_低保特困发放名单_2026年3月.csv"
LAYOUT = "GBK CSV"


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    rows = []
    for person in people:
        if person.dibao or person.tekun:
            benefit, amount = ("低保", 450) if person.dibao else ("特困人员", 720)
            rows.append([person.name, person.id_number, benefit, amount, "2026-03"])
    unflagged = [p for p in people if not p.dibao and not p.tekun and p.age >= 18]
    for person in pick(rng, unflagged, plants["dibao_not_flagged"]):
        rows.append([person.name, person.id_number, "低保", 450, "2026-03"])
        planted.add(FEED, "dibao_not_flagged", name=person.name, id_number=person.id_number)
    known = {p.id_number for p in people}
    namesake = rng.choice(people)  # a stranger with the name and birth date of a member
    strangers = [
        (namesake.name, namesake.birth_date),
        ("赵无名", dt.date(1958, 4, 2)),
        ("钱不详", dt.date(1971, 12, 9)),
    ]
    for name, birth in strangers[: plants["not_in_registry"]]:
        number = stranger(rng, known, birth)
        rows.append([name, number, "低保", 450, "2026-03"])
        planted.add(FEED, "not_in_registry", name=name, id_number=number)
    rng.shuffle(rows)
    numbered = [[n, *row] for n, row in enumerate(rows, start=1)]
    write_csv(
        folder / FILE,
        ["序号", "姓名", "身份证号", "救助类别", "发放金额", "所属期"],
        numbered,
        encoding="gbk",
    )
