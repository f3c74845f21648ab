"""残联: the township's certified disabled people (持证残疾人花名册), xlsx with a title block and a
merged group header over the certificate's columns."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import (
    PLANTED,
    TODAY,
    Person,
    Planted,
    bad_checksum,
    day_between,
    near_namesake,
    pick,
)
from fupin.registry import codes
from fupin.tabular.writers import write_xlsx

FEED = "disability"
FILE = "残联_持证残疾人花名册_2026年8月.xlsx"
LAYOUT = "xlsx, title block, merged group header (header on row 3)"
# 残疾类别 as the certificate numbers them (the 19th character), with rough frequencies.
KINDS = (("视力", 1, 12), ("听力", 2, 15), ("言语", 3, 2), ("肢体", 4, 50), ("智力", 5, 8),
         ("精神", 6, 8), ("多重", 7, 5))  # fmt: skip
GRADES = "一二三四"
GROUP = "残疾人证信息"
HEADER = [
    ["序号", "所在村", "姓名", "性别", "身份证号", GROUP, GROUP, GROUP, GROUP],
    ["序号", "所在村", "姓名", "性别", "身份证号", "残疾证号", "残疾类别", "残疾等级", "发证日期"],
]


def certificate(rng: random.Random, person: Person, grade: int, issued: dt.date) -> list[object]:
    """The row of one certificate: its number is the ID number, the kind and the grade."""
    kind, digit = rng.choices([(k, d) for k, d, _w in KINDS], weights=[w for *_kd, w in KINDS])[0]
    number = f"{person.id_number}{digit}{grade}"
    sex = "男" if person.sex == codes.Sex.MALE else "女"
    return [
        person.village,
        person.name,
        sex,
        person.id_number,
        number,
        f"{kind}残疾",
        f"{GRADES[grade - 1]}级",
        issued.isoformat(),
    ]


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    rows = []
    for person in people:
        if person.health == codes.Health.DISABLED:
            grade = person.disability_grade or rng.randint(1, 4)
            issued = day_between(rng, dt.date(2010, 1, 1), dt.date(2025, 12, 31))
            rows.append(certificate(rng, person, grade, issued))
    # certified this year; the registry still records them as healthy or ill, not disabled
    recordless = [p for p in people if p.age >= 18 and p.health != codes.Health.DISABLED]
    chosen = pick(rng, recordless, plants["disability_not_recorded"] + plants["bad_checksum"])
    for person in chosen[: plants["disability_not_recorded"]]:
        grade = rng.choice((3, 4))
        rows.append(certificate(rng, person, grade, day_between(rng, dt.date(2026, 1, 5), TODAY)))
        planted.add(
            FEED,
            "disability_not_recorded",
            name=person.name,
            id_number=person.id_number,
            health=person.health,
            grade=grade,
        )
    for person in chosen[plants["disability_not_recorded"] :]:
        row = certificate(rng, person, 4, day_between(rng, dt.date(2026, 1, 5), TODAY))
        row[3] = bad_checksum(person.id_number)
        rows.append(row)
        planted.add(FEED, "bad_checksum", name=person.name, written=row[3])
    known = {p.id_number for p in people}
    for _ in range(plants["not_in_registry"]):
        found = near_namesake(rng, people, known)
        if found is None:
            break
        name, number, member = found
        stranger = Person(**{**vars(member), "name": name, "id_number": number})
        rows.append(certificate(rng, stranger, 2, dt.date(2019, 6, 18)))
        planted.add(FEED, "not_in_registry", name=name, id_number=number, candidate=member.name)
    rng.shuffle(rows)
    write_xlsx(
        folder / FILE,
        sheet_title="持证残疾人",
        title="关坝镇持证残疾人花名册（截至2026年8月）",
        header_rows=HEADER,
        rows=[[n, *row] for n, row in enumerate(rows, start=1)],
    )
