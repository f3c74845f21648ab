"""The 监测对象台账 in the national layout (reference/national-formats.md (a)): one row per
person, header on row 3, every value as text. ID numbers, phones and health are masked unless
the user's role may see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import translation

from fupin.core.masking import mask_id_number, mask_phone, mask_text
from fupin.monitoring.ledger import LedgerEntry
from fupin.registry import codes
from fupin.registry.models import Member
from fupin.tabular.writers import write_xlsx


@dataclass
class PersonRow:
    entry: LedgerEntry
    member: Member
    sensitive: bool


Getter = Callable[[PersonRow], Any]
YES, NO = "是", "否"


def _yes(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def _risk(index: int) -> Getter:
    def get(row: PersonRow) -> str:
        risks = row.entry.risks
        if index >= len(risks):
            return ""
        label = _label(codes.RiskType, risks[index])
        return label.split(" ", 1)[1] if label[:2].isdigit() and " " in label else label

    return get


def _household(name: str) -> Getter:
    return lambda row: getattr(row.entry.household, name)


def _member(name: str) -> Getter:
    return lambda row: getattr(row.member, name)


def _flag(name: str) -> Getter:
    return lambda row: _yes(getattr(row.member, name))


def _income(name: str) -> Getter:
    def get(row: PersonRow) -> Decimal | str:
        income = row.entry.income
        return getattr(income, name) if income else ""

    return get


def _measures(*kinds: str) -> Getter:
    def get(row: PersonRow) -> str:
        items = [m.content for kind in kinds for m in row.entry.measures.get(kind, [])]
        return ",".join(items)

    return get


def _id_number(row: PersonRow) -> str:
    number = row.member.id_number
    return number if row.sensitive else mask_id_number(number)


def _phone(value: str, sensitive: bool) -> str:
    return value if sensitive else mask_phone(value)


def _health(row: PersonRow) -> str:
    return row.member.health if row.sensitive else mask_text(row.member.health)


def _case(name: str) -> Getter:
    def get(row: PersonRow) -> Any:
        case = row.entry.case
        return getattr(case, name) if case is not None and row.entry.eliminated else ""

    return get


def _dropout(row: PersonRow) -> str:
    return _yes(any(m.school_status == codes.SchoolStatus.DROPPED_OUT for m in row.entry.members))


def _uninsured(row: PersonRow) -> str:
    members = row.entry.members
    return _yes(
        any(not (m.resident_medical_insurance or m.employee_medical_insurance) for m in members)
    )


def _development(row: PersonRow) -> str:
    developing = any(m.is_development for ms in row.entry.measures.values() for m in ms)
    return "已实施" if developing else "未实施"


def _place(level: int) -> Getter:
    def get(row: PersonRow) -> str:
        unit = row.entry.household.village
        for _ in range(level):
            unit = unit.parent if unit and unit.parent else unit
        return unit.name if unit else ""

    return get


BLANK: Getter = lambda row: ""  # noqa: E731 — a column of the layout we hold no data for

# (header as in the national export, value) — the order of columns in our file.
COLUMNS: list[tuple[str, Getter]] = [
    ("县", _place(2)),
    ("乡", _place(1)),
    ("村", _place(0)),
    ("户编号", _household("national_number")),
    ("姓名", _member("name")),
    ("证件号码", _id_number),
    ("证件类型", _member("id_type")),
    ("性别", lambda row: _label(codes.Sex, row.member.sex)),
    ("出生日期", lambda row: _date(row.member.birth_date)),
    ("民族", _member("ethnicity")),
    ("与户主关系", _member("relation")),
    ("文化程度", _member("education")),
    ("在校生状况", _member("school_status")),
    ("失学或辍学原因", BLANK),
    ("义务教育阶段未上学原因", BLANK),
    ("健康状况", _health),
    ("劳动技能", _member("labour_skill")),
    ("务工所在地", _member("work_place")),
    ("公益性岗位", _member("public_job")),
    ("公益性岗位(月数)", _member("public_job_months")),
    ("是否参加城乡居民基本医疗保险", _flag("resident_medical_insurance")),
    ("是否参加城镇职工基本医疗保险", _flag("employee_medical_insurance")),
    ("是否参加大病保险", _flag("critical_illness_insurance")),
    ("是否接受医疗救助", _flag("medical_assistance")),
    ("是否参加城乡居民基本养老保险", _flag("resident_pension")),
    ("是否参加城镇职工基本养老保险", _flag("employee_pension")),
    ("享受低保政策情况", _flag("dibao")),
    ("享受特困供养政策情况", _flag("tekun")),
    ("家庭成员联系电话", lambda row: _phone(row.member.phone, row.sensitive)),
    ("户联系电话", lambda row: _phone(row.entry.household.phone, row.sensitive)),
    ("户类型", _household("household_type")),
    ("监测对象类别", _household("monitoring_category")),
    *[(f"致贫/返贫风险{n}", _risk(n - 1)) for n in range(1, 6)],
    ("其他备注", BLANK),
    ("识别监测时间", lambda row: _date(row.entry.identified_on)),
    ("风险是否已消除", lambda row: _yes(row.entry.eliminated)),
    ("风险消除方式", _case("elimination_mode")),
    ("消除监测时间", lambda row: _date(_case("eliminated_on")(row) or None)),
    ("整户无劳动能力兜底保障户", lambda row: _yes(row.entry.household.fully_incapable)),
    ("是否危房户", lambda row: _yes(row.entry.household.housing_grade in codes.UNSAFE_GRADES)),
    ("是否解决安全饮用水", lambda row: _yes(row.entry.household.water_safe)),
    ("是否通生活用电", lambda row: _yes(row.entry.household.electricity)),
    ("是否有卫生厕所", lambda row: _yes(row.entry.household.sanitary_toilet)),
    ("入户道路是否硬化", lambda row: _yes(row.entry.household.road_hardened)),
    ("与村主干路距离", _household("distance_to_road_km")),
    ("住房面积", _household("house_area")),
    ("耕地面积（亩）", _household("arable_land_mu")),
    ("林地面积（亩）", _household("forest_land_mu")),
    ("退耕还林面积（亩）", _household("returned_farmland_mu")),
    ("林果面积（亩）", _household("orchard_mu")),
    ("牧草地面积", _household("pasture_mu")),
    ("水面面积", _household("water_surface_mu")),
    ("人均纯收入（元）", _income("per_capita_net_income")),
    ("工资性收入", _income("wage")),
    ("生产经营性收入", _income("business")),
    ("转移性收入", _income("transfer")),
    ("合规自付支出", _income("compliant_out_of_pocket")),
    ("是否义务教育阶段适龄儿童少年失学辍学", _dropout),
    ("是否有家庭成员未参加城乡居民（职工）基本医疗保险", _uninsured),
    ("风险消除后是否住房损毁", BLANK),
    ("风险消除后是否饮水设施损毁", BLANK),
    ("风险消除后是否义务教育阶段适龄儿童少年失学辍学", BLANK),
    ("实施开发式帮扶措施情况", _development),
    ("产业帮扶", _measures("产业")),
    ("就业帮扶", _measures("就业")),
    ("金融帮扶", _measures("金融")),
    ("公益岗位帮扶", _measures("公益岗位")),
    ("公益性岗位帮扶", BLANK),
    ("公益性岗位帮扶其他备注", BLANK),
    ("健康帮扶", _measures("健康")),
    ("教育帮扶", _measures("教育")),
    ("义务教育保障", BLANK),
    ("住房安全保障", _measures("住房安全")),
    ("饮水安全保障", _measures("饮水安全")),
    ("综合保障", _measures("综合保障")),
    ("社会帮扶", _measures("社会帮扶")),
    ("搬迁", _measures("搬迁")),
    ("基础设施建设", BLANK),
    ("生产生活条件改善", BLANK),
    ("就业渠道（易地搬迁后扶使用）", BLANK),
    ("信息采集人", BLANK),
    ("信息采集人联系电话", BLANK),
    ("其他信息", _measures("防贫保险/其他")),
]
HEADERS = [header for header, _get in COLUMNS]
ELIMINATED_TITLE = "风险消除名单"
LEDGER_TITLE = "（自定义）监测对象信息"


def person_rows(entries: list[LedgerEntry], *, sensitive: bool) -> Iterator[list[Any]]:
    with translation.override("zh-hans"):
        for entry in entries:
            for member in entry.members:
                row = PersonRow(entry, member, sensitive)
                yield [get(row) for _header, get in COLUMNS]


def write_ledger(
    target: BinaryIO, entries: list[LedgerEntry], *, sensitive: bool, title: str
) -> int:
    """Write the ledger workbook: title, a notes row, the national header on row 3."""
    return write_xlsx(
        target,
        sheet_title=title,
        title=title,
        header_rows=[HEADERS],
        rows=person_rows(entries, sensitive=sensitive),
    )
