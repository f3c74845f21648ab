"""Department files for the demo township's own people, with known planted problems.

`write_department_files(folder, seed=…)` reads the seeded registry and writes what the
departments would hand the township office (CSV in GBK and UTF-8, xlsx with a title block),
plus `planted.json`: every planted problem with the ID numbers involved, so a screening has a
known right answer. docs/datahub.md lists the files and the counts. Same seed, same files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fupin.core import ids
from fupin.registry import codes
from fupin.registry.models import Member, MemberStatus
from fupin.tabular.writers import write_csv, write_xlsx

DEFAULT_SEED = 2020
TODAY = dt.date(2026, 9, 1)  # the demo's "now" (fupin.demo.people.REFERENCE_DAY)
# How many of each problem are planted (when the township has enough people to plant them).
PLANTED = {
    "deaths": 5,  # 公安: deaths of active members (first 3 in 脱贫户)
    "moves_out": 2,  # 公安: active members moved out of the household register
    "big_bills_lifted_out": 8,  # 医保: inpatient 合规自付 ≥ 5,000 for members of 脱贫户
    "big_bills_others": 3,  # 医保: inpatient 合规自付 ≥ 20,000 for members of other households
    "dropouts": 4,  # 教育: children aged 6–15 who dropped out (辍学)
    "vehicles_lifted_out": 1,  # 车管: a vehicle registered to a member of a 脱贫户
    "companies_lifted_out": 1,  # 市场监管: a company registered to a member of a 脱贫户
    "dibao_not_flagged": 6,  # 民政: 低保 paid to people the registry does not flag as 低保
    "not_in_registry": 3,  # 民政: ID numbers nobody in the registry has
    "bad_checksum": 2,  # 医保: rows whose ID number has a wrong check character
    "bad_dates": 2,  # 医保: rows with an impossible visit date
    "bad_amounts": 2,  # 医保: rows whose total is not an amount
    "duplicate_rows": 1,  # 医保: a claim listed twice
}
CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
HOSPITALS = ("綦江区人民医院", "关坝镇卫生院", "重庆医科大学附属第一医院", "綦江区中医院")


@dataclass
class Person:
    name: str
    id_number: str
    birth_date: dt.date
    lifted_out: bool
    dibao: bool
    tekun: bool
    school_status: str

    @property
    def age(self) -> int:
        before = (TODAY.month, TODAY.day) < (self.birth_date.month, self.birth_date.day)
        return TODAY.year - self.birth_date.year - int(before)


@dataclass
class Planted:
    problems: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, kind: str, **facts: Any) -> None:
        self.problems.setdefault(kind, []).append(facts)


def registry_people() -> list[Person]:
    members = (
        Member.objects.filter(status=MemberStatus.ACTIVE)
        .select_related("household")
        .order_by("id_number")
    )
    return [
        Person(
            m.name,
            m.id_number,
            m.birth_date,
            m.household.household_type == codes.HouseholdType.LIFTED_OUT,
            m.dibao,
            m.tekun,
            m.school_status,
        )
        for m in members
    ]


def write_department_files(folder: Path, *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Write the files into `folder`; return what was planted (also in planted.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    people = registry_people()
    planted = Planted()
    civil_affairs(folder, rng, people, planted)
    medical(folder, rng, people, planted)
    education(folder, rng, people, planted)
    police(folder, rng, people, planted)
    vehicles(folder, rng, people, planted)
    businesses(folder, rng, people, planted)
    summary = {kind: len(found) for kind, found in planted.problems.items()}
    with open(folder / "planted.json", "w", encoding="utf-8") as out:
        json.dump(
            {"counts": summary, "problems": planted.problems}, out, ensure_ascii=False, indent=1
        )
    return summary


def _pick(rng: random.Random, pool: list[Person], count: int) -> list[Person]:
    return rng.sample(pool, min(count, len(pool)))


def _stranger(rng: random.Random, known: set[str], birth: dt.date) -> str:
    while True:
        number = ids.make("500110", birth, rng.randint(500, 999))
        if number not in known:
            return number


def _bad_checksum(number: str) -> str:
    wrong = next(c for c in "0123456789" if c != number[17])
    return number[:17] + wrong


# ---- the files ----------------------------------------------------------------------------


def civil_affairs(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    """民政: the 低保 and 特困 paid in March 2026, GBK CSV as Excel on Windows saves it."""
    rows = []
    for person in people:
        if person.dibao or person.tekun:
            benefit, amount = ("低保", 450) if person.dibao else ("特困人员", 720)
            rows.append([person.name, person.id_number, benefit, amount, "2026-03"])
    unflagged = [p for p in people if not p.dibao and not p.tekun and p.age >= 18]
    for person in _pick(rng, unflagged, PLANTED["dibao_not_flagged"]):
        rows.append([person.name, person.id_number, "低保", 450, "2026-03"])
        planted.add("dibao_not_flagged", name=person.name, id_number=person.id_number)
    known = {p.id_number for p in people}
    namesake = rng.choice(people)  # a stranger with the name and birth date of a member
    strangers = [
        (namesake.name, namesake.birth_date),
        ("赵无名", dt.date(1958, 4, 2)),
        ("钱不详", dt.date(1971, 12, 9)),
    ]
    for name, birth in strangers[: PLANTED["not_in_registry"]]:
        number = _stranger(rng, known, birth)
        rows.append([name, number, "低保", 450, "2026-03"])
        planted.add("not_in_registry", name=name, id_number=number)
    rng.shuffle(rows)
    numbered = [[n, *row] for n, row in enumerate(rows, start=1)]
    write_csv(
        folder / "民政_低保特困发放名单_2026年3月.csv",
        ["序号", "姓名", "身份证号", "救助类别", "发放金额", "所属期"],
        numbered,
        encoding="gbk",
    )


def medical(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    """医保: a year of settled claims, xlsx with a title block (header on row 3)."""
    rows: list[list[Any]] = []

    def claim(person: Person, kind: str, total: int, own: int, day: dt.date) -> list[Any]:
        number = f"JS{day:%Y%m%d}{len(rows) + 1:05d}"
        hospital = rng.choice(HOSPITALS)
        row = [person.name, person.id_number, number, kind, day.isoformat(), total]
        return [*row, total - own, own, hospital]

    def day() -> dt.date:
        return dt.date(2025, 9, 1) + dt.timedelta(days=rng.randrange(365))

    for person in _pick(rng, people, max(20, len(people) // 10)):
        total = rng.randint(80, 900)
        rows.append(claim(person, "门诊", total, total // 3, day()))
    lifted = [p for p in people if p.lifted_out]
    others = [p for p in people if not p.lifted_out]
    for person in _pick(rng, lifted, PLANTED["big_bills_lifted_out"]):
        own = rng.randint(5000, 15000)
        rows.append(claim(person, "住院", own * 3, own, day()))
        planted.add("big_bills_lifted_out", name=person.name, id_number=person.id_number, own=own)
    for person in _pick(rng, others, PLANTED["big_bills_others"]):
        own = rng.randint(20000, 60000)
        rows.append(claim(person, "住院", own * 2, own, day()))
        planted.add("big_bills_others", name=person.name, id_number=person.id_number, own=own)
    copy = list(rng.choice(rows))  # a good claim listed twice
    rows.append(copy)
    planted.add("duplicate_rows", row_claim=copy[2])
    bad = _pick(rng, people, 6)
    for person in bad[:2]:
        row = claim(person, "门诊", 120, 40, day())
        row[1] = _bad_checksum(person.id_number)
        rows.append(row)
        planted.add("bad_checksum", row_claim=row[2])
    for person in bad[2:4]:
        row = claim(person, "门诊", 120, 40, day())
        row[4] = "2026-02-30"
        rows.append(row)
        planted.add("bad_dates", row_claim=row[2])
    for person in bad[4:6]:
        row = claim(person, "门诊", 120, 40, day())
        row[5] = "一百二十元"
        rows.append(row)
        planted.add("bad_amounts", row_claim=row[2])
    rng.shuffle(rows)
    write_xlsx(
        folder / "医保_结算明细_2025年9月至2026年8月.xlsx",
        sheet_title="结算明细",
        title="关坝镇参保人员医保结算明细（2025年9月—2026年8月）",
        header_rows=[
            [
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
        ],
        rows=rows,
        notes="数据来源：綦江区医疗保障局",
    )


def education(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    """教育: the autumn 2026 roll of children of compulsory-school age (6–15), UTF-8 CSV."""
    pupils = [p for p in people if 6 <= p.age <= 15]
    dropouts = {p.id_number for p in _pick(rng, pupils, PLANTED["dropouts"])}
    rows = []
    for person in pupils:
        stage = "小学" if person.age <= 12 else "初中"
        status = "辍学" if person.id_number in dropouts else "在读"
        if status == "辍学":
            planted.add("dropouts", name=person.name, id_number=person.id_number, age=person.age)
        school = "关坝镇中心小学" if stage == "小学" else "关坝中学"
        aid = 500 if person.lifted_out else ""
        rows.append([person.name, person.id_number, school, stage, status, aid, "2026-09"])
    write_csv(
        folder / "教育_义务教育学籍_2026年秋季.csv",
        ["姓名", "身份证号", "就读学校", "学段", "就学状态", "资助金额", "所属期"],
        rows,
    )


def police(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    """公安: register events of 2026 (deaths, moves), xlsx with a title block."""
    lifted = [p for p in people if p.lifted_out and p.age >= 60]
    elderly = [p for p in people if p.age >= 70 and not p.lifted_out]
    dying = _pick(rng, lifted, 3)
    dying += _pick(rng, [p for p in elderly if p not in dying], PLANTED["deaths"] - len(dying))
    rows = []
    for person in dying:
        when = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(200))
        rows.append([person.name, person.id_number, "死亡注销", when.isoformat()])
        planted.add("deaths", name=person.name, id_number=person.id_number, on=when.isoformat())
    movers = [p for p in people if 20 <= p.age <= 40 and p not in dying]
    for person in _pick(rng, movers, PLANTED["moves_out"]):
        when = dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(120))
        rows.append([person.name, person.id_number, "迁出", when.isoformat()])
        planted.add("moves_out", name=person.name, id_number=person.id_number)
    write_xlsx(
        folder / "公安_户籍变动_2026年.xlsx",
        sheet_title="户籍变动",
        title="关坝派出所户籍变动情况（2026年1—8月）",
        header_rows=[["姓名", "公民身份号码", "变动类型", "变动日期"]],
        rows=rows,
    )


def vehicles(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    """车管: vehicles registered to people of the township, GBK CSV."""
    adults = [p for p in people if 25 <= p.age <= 60]
    lifted = [p for p in adults if p.lifted_out]
    owners = _pick(rng, lifted, PLANTED["vehicles_lifted_out"])
    for person in owners:
        planted.add("vehicles_lifted_out", name=person.name, id_number=person.id_number)
    owners += _pick(rng, [p for p in adults if not p.lifted_out], 5)
    rows = []
    for person in owners:
        plate = "渝B" + "".join(rng.choice(CHARS[:10] + "ABCDEFGH") for _ in range(5))
        car = (
            "小型轿车"
            if person.lifted_out
            else rng.choice(("小型轿车", "小型越野客车", "轻型货车"))
        )
        registered = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(900))
        rows.append([person.name, person.id_number, plate, car, registered.isoformat()])
    write_csv(
        folder / "车管_机动车登记.csv",
        ["姓名", "身份证号", "号牌号码", "车辆类型", "初次登记日期"],
        rows,
        encoding="gbk",
    )


def businesses(folder: Path, rng: random.Random, people: list[Person], planted: Planted) -> None:
    """市场监管: people of the township in registered businesses, xlsx."""
    adults = [p for p in people if 25 <= p.age <= 65]
    owners = _pick(rng, [p for p in adults if p.lifted_out], PLANTED["companies_lifted_out"])
    for person in owners:
        planted.add("companies_lifted_out", name=person.name, id_number=person.id_number)
    owners += _pick(rng, [p for p in adults if not p.lifted_out], 4)
    rows = []
    for person in owners:
        code = "92500110" + "".join(rng.choice(CHARS) for _ in range(10))
        company = f"綦江区关坝镇{person.name}{rng.choice(('种植场', '农家乐', '建材经营部'))}"
        registered = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1200))
        rows.append(
            [person.name, person.id_number, company, code, "经营者", registered.isoformat()]
        )
    write_xlsx(
        folder / "市场监管_市场主体登记.xlsx",
        sheet_title="市场主体",
        title="关坝镇辖区个体工商户及企业登记信息",
        header_rows=[["姓名", "身份证号", "企业名称", "统一社会信用代码", "职务", "成立日期"]],
        rows=rows,
    )
