"""公安: register events of 2026 (deaths, moves), xlsx with a title block."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, Person, Planted, pick
from fupin.tabular.writers import write_xlsx

FEED = "police"
FILE = "公安_户籍变动_2026年.xlsx"
LAYOUT = "xlsx, title block"
LIFTED_OUT_DEATHS = 3


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    lifted = [p for p in people if p.lifted_out and p.age >= 60]
    elderly = [p for p in people if p.age >= 70 and not p.lifted_out]
    dying = pick(rng, lifted, LIFTED_OUT_DEATHS)
    dying += pick(rng, [p for p in elderly if p not in dying], plants["deaths"] - len(dying))
    rows = []
    for person in dying:
        when = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(200))
        rows.append([person.name, person.id_number, "死亡注销", when.isoformat()])
        planted.add(
            FEED, "deaths", name=person.name, id_number=person.id_number, on=when.isoformat()
        )
    movers = [p for p in people if 20 <= p.age <= 40 and p not in dying]
    for person in pick(rng, movers, plants["moves_out"]):
        when = dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(120))
        rows.append([person.name, person.id_number, "迁出", when.isoformat()])
        planted.add(FEED, "moves_out", name=person.name, id_number=person.id_number)
    write_xlsx(
        folder / FILE,
        sheet_title="户籍变动",
        title="关坝派出所户籍变动情况（2026年1—8月）",
        header_rows=[["姓名", "公民身份号码", "变动类型", "变动日期"]],
        rows=rows,
    )
