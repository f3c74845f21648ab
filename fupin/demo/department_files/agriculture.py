"""农业: industry subsidies (产业补贴) paid to 脱贫户 and monitored households in 2026, xlsx with a
title block, a note line, amounts written with 元 and thousands separators, and the 合计 line
the office adds at the bottom."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from fupin.demo.department_files.common import (
    PLANTED,
    Person,
    Planted,
    day_between,
    near_namesake,
    pick,
)
from fupin.tabular.writers import write_xlsx

FEED = "agriculture"
FILE = "农业_产业发展补贴发放明细_2026年.xlsx"
LAYOUT = "xlsx, title block and note, amounts with 元, a 合计 line"
ITEMS = ("中药材种植补贴", "生猪养殖补贴", "茶叶种植补贴", "肉牛养殖补贴", "柑橘种植补贴")
HEADER = ["序号", "村", "姓名", "身份证号", "补贴项目", "补贴金额", "发放日期"]
SHARE = 0.6  # of the households followed, how many received a subsidy this year


def money(amount: int) -> str:
    """As the office types it: 1,200.00 or 800元 (a refund: -300)."""
    if amount < 0:
        return str(amount)
    return f"{amount:,}.00" if amount >= 1000 else f"{amount}元"


def slash_date(day: dt.date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    heads = [p for p in people if p.head and p.key_household]
    paid: list[list[Any]] = []  # village, name, ID number, item, amount (元), day
    for person in heads:
        if rng.random() < SHARE:
            day = day_between(rng, dt.date(2026, 4, 1), dt.date(2026, 7, 31))
            item, amount = rng.choice(ITEMS), rng.randint(5, 30) * 100
            paid.append([person.village, person.name, person.id_number, item, amount, day])
    rows = list(paid)
    for row in pick(rng, paid, plants["bad_amounts"]):  # the refund of an overpayment
        refund = -rng.randint(2, 6) * 100
        rows.append([*row[:3], f"{row[3]}（退回）", refund, dt.date(2026, 8, 20)])
        planted.add(FEED, "bad_amounts", name=row[1], id_number=row[2], amount=refund)
    known = {p.id_number for p in people}
    for _ in range(plants["not_in_registry"]):
        found = near_namesake(rng, people, known)
        if found is None:
            break
        name, number, member = found
        amount = rng.randint(5, 30) * 100
        rows.append([member.village, name, number, rng.choice(ITEMS), amount, dt.date(2026, 6, 15)])
        planted.add(FEED, "not_in_registry", name=name, id_number=number, candidate=member.name)
    rng.shuffle(rows)
    for row in pick(rng, paid, plants["duplicate_rows"]):  # pasted twice
        rows.insert(rows.index(row) + 1, list(row))
        planted.add(FEED, "duplicate_rows", name=row[1], id_number=row[2], item=row[3])
    total = sum(row[4] for row in rows)
    written = [
        [n, village, name, number, item, money(amount), slash_date(day)]
        for n, (village, name, number, item, amount, day) in enumerate(rows, start=1)
    ]
    written.append(["合计", "", "", "", "", f"{total:,.2f}", ""])
    planted.add(FEED, "total_row", row_of_the_sheet=len(written) + 3)
    write_xlsx(
        folder / FILE,
        sheet_title="补贴发放明细",
        title="关坝镇2026年产业发展补贴发放明细表",
        header_rows=[HEADER],
        rows=written,
        notes="填报单位：关坝镇农业服务中心      金额单位：元",
    )
