"""人社: work (务工), public welfare jobs (公益岗位) and employee insurance (社保参保) of the
township's people in 2026, a GBK CSV with some of the department's own headers."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from fupin.demo.department_files.common import PLANTED, Person, Planted, day_between, pick
from fupin.demo.people import LOCAL_PLACES
from fupin.tabular.writers import write_csv

FEED = "employment"
FILE = "人社_就业和公益岗位台账_2026年.csv"
LAYOUT = "GBK CSV"
HEADER = ["序号", "姓名", "身份证号", "就业类型", "工作单位", "开始日期", "结束日期", "月收入"]
FIRMS = (
    "宏达建筑劳务有限公司",
    "鑫源电子厂",
    "顺通物流有限公司",
    "福满楼餐饮店",
    "绿野农业开发有限公司",
)
OUT_OF_RANGE_WAGES = (80, 38000)  # typed in hundreds; a year's pay typed as a month's


def id_as_excel_number(number: str) -> str:
    """How Excel shows an 18-digit number it has stored as a number: 5.00110E+17."""
    return f"{number[0]}.{number[1:6]}E+17"


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    rows = [*work_rows(rng, people, planted), *public_job_rows(rng, people)]
    rows += insurance_rows(rng, people)
    write_csv(
        folder / FILE,
        HEADER,
        [[n, *row] for n, row in enumerate(rows, start=1)],
        encoding="gbk",
    )


def work_rows(rng: random.Random, people: list[Person], planted: Planted) -> list[list[Any]]:
    """务工 of everyone the registry records as working, with the planted wages and numbers."""
    plants = PLANTED[FEED]
    workers = [p for p in people if p.work_place]
    count = plants["wage_out_of_range"] + plants["bad_amounts"] + plants["id_as_number"]
    chosen = pick(rng, workers, count)
    out_of_range = chosen[: plants["wage_out_of_range"]]
    negative = chosen[len(out_of_range) : len(out_of_range) + plants["bad_amounts"]]
    as_number = chosen[len(out_of_range) + len(negative) :]
    rows: list[list[Any]] = []
    for person in workers:
        kind = "本地务工" if person.work_place in LOCAL_PLACES else "外出务工"
        start = day_between(rng, dt.date(2026, 3, 2), dt.date(2026, 6, 30))
        wage = rng.randint(18, 55) * 100
        employer = f"{person.work_place}{rng.choice(FIRMS)}"
        number = person.id_number
        if person in out_of_range:
            wage = OUT_OF_RANGE_WAGES[out_of_range.index(person) % len(OUT_OF_RANGE_WAGES)]
            planted.add(FEED, "wage_out_of_range", name=person.name, id_number=number, wage=wage)
        elif person in negative:
            wage = -wage
            planted.add(FEED, "bad_amounts", name=person.name, id_number=number, wage=wage)
        elif person in as_number:
            number = id_as_excel_number(number)
            planted.add(FEED, "id_as_number", name=person.name, written=number)
        rows.append([person.name, number, kind, employer, start.isoformat(), "", wage])
    return rows


def public_job_rows(rng: random.Random, people: list[Person]) -> list[list[Any]]:
    """公益性岗位 of everyone the registry records with a public welfare job, for 2026."""
    rows: list[list[Any]] = []
    for person in (p for p in people if p.public_job):
        wage = rng.choice((500, 600, 700, 800))
        job = ["公益性岗位", "关坝镇人民政府", "2026-01-01", "2026-12-31", wage]
        rows.append([person.name, person.id_number, *job])
    return rows


def insurance_rows(rng: random.Random, people: list[Person]) -> list[list[Any]]:
    """养老保险参保 of everyone the registry records with employee pension insurance."""
    rows: list[list[Any]] = []
    for person in (p for p in people if p.employee_pension):
        start = day_between(rng, dt.date(2015, 1, 1), dt.date(2025, 12, 31))
        employer = f"{rng.choice(('綦江区', '重庆市'))}{rng.choice(FIRMS)}"
        rows.append(
            [person.name, person.id_number, "养老保险参保", employer, start.isoformat(), "", ""]
        )
    return rows
