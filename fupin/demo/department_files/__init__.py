"""Department files for the demo township's own people, with known planted problems.

`write_department_files(folder, seed=…)` reads the seeded registry and writes what the eleven
departments would hand the township office — one file per data-hub feed, in that feed's preset
layout and in the formats offices really send (GBK and UTF-8 CSV, xlsx with a title block,
merged group headers, a 合计 line) — plus `planted.json`: every planted problem with the people
involved and what should catch it (the import, or a rule of the standard pack run as of
`SCREENING_DATE`). docs/datahub.md lists the files. Same seed, same files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from fupin.demo.department_files import (
    agriculture,
    business,
    civil_affairs,
    disability,
    education,
    employment,
    housing,
    medical,
    police,
    vehicles,
    water,
)
from fupin.demo.department_files.common import (
    PLANTED,
    PROBLEMS,
    SCREENING_DATE,
    TODAY,
    Planted,
    Problem,
    registry_people,
)

DEFAULT_SEED = 2020
PLANTED_FILE = "planted.json"
# In the order they are drawn (one random stream: a new file goes last, so the others stay).
WRITERS = (
    civil_affairs,
    medical,
    education,
    police,
    vehicles,
    business,
    disability,
    housing,
    water,
    employment,
    agriculture,
)
FILES: dict[str, str] = {writer.FEED: writer.FILE for writer in WRITERS}

__all__ = [
    "DEFAULT_SEED",
    "FILES",
    "PLANTED",
    "PLANTED_FILE",
    "PROBLEMS",
    "SCREENING_DATE",
    "TODAY",
    "Problem",
    "read_planted",
    "write_department_files",
]


def write_department_files(folder: Path, *, seed: int = DEFAULT_SEED) -> dict[str, dict[str, int]]:
    """Write the files into `folder`; answer what was planted, feed ▸ kind ▸ count (the rows
    and people are in planted.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    people = registry_people()
    planted = Planted()
    for writer in WRITERS:
        writer.write(folder, rng, people, planted)
    with open(folder / PLANTED_FILE, "w", encoding="utf-8") as out:
        json.dump(planted.as_json(seed), out, ensure_ascii=False, indent=1)
    return planted.counts()


def read_planted(folder: Path) -> dict[str, Any]:
    """planted.json of a folder the files were written to."""
    with open(folder / PLANTED_FILE, encoding="utf-8") as stream:
        data: dict[str, Any] = json.load(stream)
    return data
