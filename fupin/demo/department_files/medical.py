"""医保: a year of settled claims, xlsx with a title block (the header on row 3)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from fupin.demo.department_files.common import (
    PLANTED,
    TODAY,
    Person,
    Planted,
    bad_checksum,
    pick,
)
from fupin.tabular.writers import write_xlsx

FEED = "medical"
FILE = "医保_结算明细_2025年9月至2026年8月.xlsx"
LAYOUT = "xlsx, title block, header on row 3"
HOSPITALS = ("綦江区人民医院", "关坝镇卫生院", "重庆医科大学附属第一医院", "綦江区中医院")
HEADER = [
    "姓名",
    "身份证号",
    "结算编号",
    "住院/门诊",
    "就诊日期",
    "医疗总费用",
    "报销金额",
    "合规自付",
    "就诊医院",
]
# The claims fall in the 12 months up to the demo's day (a rule's `months => 12` window).
FIRST_DAY = TODAY - dt.timedelta(days=364)
RECENT_DAYS = 180  # the planted bills fall in the last six months


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    rows: list[list[Any]] = []

    def claim(person: Person, kind: str, total: int, own: int, day: dt.date) -> list[Any]:
        number = f"JS{day:%Y%m%d}{len(rows) + 1:05d}"
        hospital = rng.choice(HOSPITALS)
        row = [person.name, person.id_number, number, kind, day.isoformat(), total]
        return [*row, total - own, own, hospital]

    def day() -> dt.date:
        return FIRST_DAY + dt.timedelta(days=rng.randrange(365))

    def recent_day() -> dt.date:  # a planted bill stays in a run's window until 2027-02-28
        return TODAY - dt.timedelta(days=rng.randrange(RECENT_DAYS))

    for person in pick(rng, people, max(20, len(people) // 10)):
        total = rng.randint(80, 900)
        rows.append(claim(person, "门诊", total, total // 3, day()))
    lifted = [p for p in people if p.lifted_out]
    others = [p for p in people if not p.lifted_out]
    for person in pick(rng, lifted, plants["big_bills_lifted_out"]):
        own = rng.randint(5000, 15000)
        rows.append(claim(person, "住院", own * 3, own, recent_day()))
        planted.add(
            FEED, "big_bills_lifted_out", name=person.name, id_number=person.id_number, own=own
        )
    for person in pick(rng, others, plants["big_bills_others"]):
        own = rng.randint(20000, 60000)
        rows.append(claim(person, "住院", own * 2, own, recent_day()))
        planted.add(FEED, "big_bills_others", name=person.name, id_number=person.id_number, own=own)
    copy = list(rng.choice(rows))  # a good claim listed twice
    rows.append(copy)
    planted.add(FEED, "duplicate_rows", claim_no=copy[2])
    bad = pick(rng, people, 6)
    for person in bad[: plants["bad_checksum"]]:
        row = claim(person, "门诊", 120, 40, day())
        row[1] = bad_checksum(person.id_number)
        rows.append(row)
        planted.add(FEED, "bad_checksum", claim_no=row[2])
    for person in bad[2 : 2 + plants["bad_dates"]]:
        row = claim(person, "门诊", 120, 40, day())
        row[4] = "2026-02-30"
        rows.append(row)
        planted.add(FEED, "bad_dates", claim_no=row[2])
    for person in bad[4 : 4 + plants["bad_amounts"]]:
        row = claim(person, "门诊", 120, 40, day())
        row[5] = "一百二十元"
        rows.append(row)
        planted.add(FEED, "bad_amounts", claim_no=row[2])
    rng.shuffle(rows)
    write_xlsx(
        folder / FILE,
        sheet_title="结算明细",
        title="关坝镇参保人员医保结算明细（2025年9月—2026年8月）",
        header_rows=[HEADER],
        rows=rows,
        notes="数据来源：綦江区医疗保障局",
    )
