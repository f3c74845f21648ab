"""教育: the autumn 2026 roll of children of compulsory-school age (6–15), a UTF-8 CSV."""

from __future__ import annotations

import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, Person, Planted, pick
from fupin.tabular.writers import write_csv

FEED = "education"
FILE = "教育_义务教育学籍_2026年秋季.csv"
LAYOUT = "UTF-8 CSV (with BOM)"


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    pupils = [p for p in people if 6 <= p.age <= 15]
    dropouts = {p.id_number for p in pick(rng, pupils, PLANTED[FEED]["dropouts"])}
    rows = []
    for person in pupils:
        stage = "小学" if person.age <= 12 else "初中"
        status = "辍学" if person.id_number in dropouts else "在读"
        if status == "辍学":
            planted.add(
                FEED, "dropouts", name=person.name, id_number=person.id_number, age=person.age
            )
        school = "关坝镇中心小学" if stage == "小学" else "关坝中学"
        aid = 500 if person.lifted_out else ""
        rows.append([person.name, person.id_number, school, stage, status, aid, "2026-09"])
    write_csv(
        folder / FILE,
        ["姓名", "身份证号", "就读学校", "学段", "就学状态", "资助金额", "所属期"],
        rows,
    )
