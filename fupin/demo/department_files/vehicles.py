"""车管: vehicles registered to people of the township, a GBK CSV."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, Person, Planted, pick
from fupin.tabular.writers import write_csv

FEED = "vehicles"
FILE = "车管_机动车登记.csv"
LAYOUT = "GBK CSV"
PLATE_CHARS = "0123456789ABCDEFGH"
OTHER_OWNERS = 5


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    adults = [p for p in people if 25 <= p.age <= 60]
    lifted = [p for p in adults if p.lifted_out]
    owners = pick(rng, lifted, PLANTED[FEED]["vehicles_lifted_out"])
    for person in owners:
        planted.add(FEED, "vehicles_lifted_out", name=person.name, id_number=person.id_number)
    owners += pick(rng, [p for p in adults if not p.lifted_out], OTHER_OWNERS)
    rows = []
    for person in owners:
        plate = "渝B" + "".join(rng.choice(PLATE_CHARS) for _ in range(5))
        car = (
            "小型轿车"
            if person.lifted_out
            else rng.choice(("小型轿车", "小型越野客车", "轻型货车"))
        )
        registered = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(900))
        rows.append([person.name, person.id_number, plate, car, registered.isoformat()])
    write_csv(
        folder / FILE,
        ["姓名", "身份证号", "号牌号码", "车辆类型", "初次登记日期"],
        rows,
        encoding="gbk",
    )
