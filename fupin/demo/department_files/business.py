"""市场监管: people of the township in registered businesses, xlsx with a title block."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from fupin.demo.department_files.common import PLANTED, Person, Planted, pick
from fupin.tabular.writers import write_xlsx

FEED = "business"
FILE = "市场监管_市场主体登记.xlsx"
LAYOUT = "xlsx, title block"
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
OTHER_OWNERS = 4


def write(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    planted.file(FEED, FILE, LAYOUT)
    adults = [p for p in people if 25 <= p.age <= 65]
    lifted = [p for p in adults if p.lifted_out]
    owners = pick(rng, lifted, PLANTED[FEED]["companies_lifted_out"])
    for person in owners:
        planted.add(FEED, "companies_lifted_out", name=person.name, id_number=person.id_number)
    owners += pick(rng, [p for p in adults if not p.lifted_out], OTHER_OWNERS)
    rows = []
    for person in owners:
        code = "92500110" + "".join(rng.choice(CODE_CHARS) for _ in range(10))
        company = f"綦江区关坝镇{person.name}{rng.choice(('种植场', '农家乐', '建材经营部'))}"
        registered = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1200))
        rows.append(
            [person.name, person.id_number, company, code, "经营者", registered.isoformat()]
        )
    write_xlsx(
        folder / FILE,
        sheet_title="市场主体",
        title="关坝镇辖区个体工商户及企业登记信息",
        header_rows=[["姓名", "身份证号", "企业名称", "统一社会信用代码", "职务", "成立日期"]],
        rows=rows,
    )
