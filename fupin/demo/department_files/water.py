"""水利: the drinking-water check of 2026 (饮水安全核查), xlsx with a title block and the four
indicators (ticked √ or ×) and the verdict (是/否) under a merged group header."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, TODAY, Person, Planted, day_between, pick
from fupin.tabular.writers import write_xlsx

FEED = "water"
FILE = "水利_农村饮水安全核查表_2026年.xlsx"
LAYOUT = "xlsx, title block, merged group header, √/× ticks"
INDICATORS = ("水量", "水质", "用水方便程度", "供水保证率")
GROUP = "饮水安全情况"
HEADER = [
    ["序号", "村", "姓名", "身份证号", GROUP, GROUP, GROUP, GROUP, GROUP, "核查日期"],
    ["序号", "村", "姓名", "身份证号", *INDICATORS, "是否饮水安全", "核查日期"],
]
FIRST_DAY = dt.date(2026, 3, 2)


def ticks(rng: random.Random, *, failing: int) -> list[str]:
    """The four indicators, `failing` of them ×."""
    failed = set(rng.sample(range(len(INDICATORS)), failing))
    return ["×" if index in failed else "√" for index in range(len(INDICATORS))]


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    plants = PLANTED[FEED]
    heads = [p for p in people if p.head and (p.key_household or p.water_safe is False)]
    secure = [p for p in heads if p.water_safe]
    chosen = pick(rng, secure, plants["unsafe_water_registered_safe"] + plants["bad_yes_no"])
    unsafe = chosen[: plants["unsafe_water_registered_safe"]]
    unknown = chosen[plants["unsafe_water_registered_safe"] :]
    rows = []
    for person in heads:
        if person.water_safe is False or person in unsafe:
            indicators, verdict = ticks(rng, failing=rng.choice((1, 2))), "否"
        else:
            indicators, verdict = ticks(rng, failing=0), "是"
        if person in unsafe:
            failed = [
                name for name, tick in zip(INDICATORS, indicators, strict=True) if tick == "×"
            ]
            planted.add(
                FEED,
                "unsafe_water_registered_safe",
                name=person.name,
                id_number=person.id_number,
                failed="、".join(failed),
            )
        elif person in unknown:
            verdict = "待查"
            planted.add(FEED, "bad_yes_no", name=person.name, id_number=person.id_number)
        day = day_between(rng, FIRST_DAY, TODAY - dt.timedelta(days=7))
        rows.append(
            [person.village, person.name, person.id_number, *indicators, verdict, f"{day:%Y.%m.%d}"]
        )
    write_xlsx(
        folder / FILE,
        sheet_title="饮水安全核查",
        title="关坝镇农村饮水安全核查表（2026年）",
        header_rows=HEADER,
        rows=[[n, *row] for n, row in enumerate(rows, start=1)],
    )
