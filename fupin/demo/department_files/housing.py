"""住建/规建: house safety appraisals of the households the departments follow (脱贫户 and
households under monitoring), a UTF-8 CSV without BOM as a web system exports it, with the
grades and dates written the way the appraisers write them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, TODAY, Person, Planted, day_between, pick
from fupin.tabular.writers import write_csv

FEED = "housing"
FILE = "住建_农村房屋安全性鉴定结果_2025至2026年.csv"
LAYOUT = "UTF-8 CSV without BOM"
WRITTEN = {"A": "A级", "B": "B级", "C": "C级危房", "D": "D级危房"}
APPRAISERS = ("綦江区房屋安全鉴定站", "重庆市建设工程质量检测中心")
FIRST_DAY = dt.date(2025, 10, 8)
HEADER = ["序号", "村（社区）", "姓名", "身份证号码", "危房等级", "鉴定时间", "鉴定单位"]


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    heads = [p for p in people if p.head and p.key_household and p.housing_grade]
    safe = [p for p in heads if p.housing_grade in ("A", "B")]
    chosen = pick(rng, safe, plants["unsafe_house_registered_safe"] + plants["bad_dates"])
    unsafe = chosen[: plants["unsafe_house_registered_safe"]]
    misdated = chosen[plants["unsafe_house_registered_safe"] :]
    rows = []
    for person in heads:
        grade = person.housing_grade
        day = chinese_date(day_between(rng, FIRST_DAY, TODAY))
        if person in unsafe:
            grade = rng.choice(("C", "D"))
            planted.add(
                FEED,
                "unsafe_house_registered_safe",
                name=person.name,
                id_number=person.id_number,
                registry_grade=person.housing_grade,
                appraised_grade=grade,
            )
        elif person in misdated:
            day = "2026年2月30日"
            planted.add(FEED, "bad_dates", name=person.name, id_number=person.id_number)
        appraiser = rng.choice(APPRAISERS)
        rows.append([person.village, person.name, person.id_number, WRITTEN[grade], day, appraiser])
    write_csv(
        folder / FILE,
        HEADER,
        [[n, *row] for n, row in enumerate(rows, start=1)],
        encoding="utf-8",
    )
