"""One row of a national file, as the registry takes it: the person's identity checked, the
member's and the household's fields cleaned by the registry's own rules.

A row holds only the columns the file has (`values`: target ▸ parsed cell, None for an empty
cell): a column the file has sets its field, an empty cell included; a column it lacks leaves
the field as it is (or at the model's default for a new record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.core import ids
from fupin.core.errors import DomainError
from fupin.registry import codes, errors
from fupin.registry.national.layout import IMPORTED
from fupin.registry.validation import check_phone

LABELS = {column.target: column.header for column in IMPORTED}
MEMBER_TEXT = {"education": "", "school_status": "", "labour_skill": ""}
MEMBER_FREE_TEXT = ("work_place", "public_job")
MEMBER_FLAGS = (
    "resident_medical_insurance",
    "employee_medical_insurance",
    "critical_illness_insurance",
    "medical_assistance",
    "resident_pension",
    "employee_pension",
    "dibao",
    "tekun",
)
HOUSEHOLD_FLAGS = ("water_safe", "electricity", "sanitary_toilet", "road_hardened")
HOUSEHOLD_DECIMALS = (
    "distance_to_road_km",
    "house_area",
    "arable_land_mu",
    "forest_land_mu",
    "returned_farmland_mu",
    "orchard_mu",
    "pasture_mu",
    "water_surface_mu",
)
INCOME_PARTS = ("wage", "business", "property", "transfer", "business_expense")


@dataclass(frozen=True)
class Problem:
    """Why a row is refused: a stable code, the column (its header) and a Chinese message."""

    code: str
    label: str
    message: Any

    def text(self) -> str:
        return f"{self.label}：{self.message}" if self.label else str(self.message)


class Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def refuse(code: str, target: str, message: Any) -> Refused:
    return Refused(Problem(code, LABELS.get(target, ""), message))


@dataclass
class PersonRow:
    """A row that passed the cell checks: its source row number, the household it belongs to
    (户编号, or the row of its head when the file gives no number) and its values."""

    row: int
    key: str
    values: dict[str, Any]

    def has(self, target: str) -> bool:
        return target in self.values

    def get(self, target: str) -> Any:
        return self.values.get(target)

    @property
    def is_head(self) -> bool:
        return self.values.get("member.relation") == codes.Relation.HEAD

    @property
    def id_number(self) -> str:
        return str(self.values.get("member.id_number") or "")

    @property
    def name(self) -> str:
        return str(self.values.get("member.name") or "")

    def as_json(self) -> list[Any]:
        return [self.row, self.key, self.values]

    @classmethod
    def from_json(cls, item: list[Any]) -> PersonRow:
        return cls(int(item[0]), str(item[1]), dict(item[2]))


def check_identity(values: dict[str, Any], *, today: dt.date) -> None:
    """Normalise the ID number in place (15 digits upgraded) and refuse a birth date or sex
    that contradicts it, or a relation that does not fit the sex."""
    id_type = values.get("member.id_type") or codes.IdType.RESIDENT_ID
    parse = (
        ids.parse_disability_certificate if id_type == codes.IdType.DISABILITY_CERT else ids.parse
    )
    try:
        facts = parse(str(values["member.id_number"]), today=today)
    except ids.InvalidIdNumber as problem:
        message = errors.ID_MESSAGES.get(problem.code, errors.ID_MESSAGES["id_format"])
        raise refuse(problem.code, "member.id_number", message) from None
    birth = values.get("member.birth_date")
    if birth and birth != facts.birth_date.isoformat():
        raise refuse(
            "birth_date_mismatch",
            "member.birth_date",
            _("The birth date does not match the one in the ID number (%(date)s).")
            % {"date": facts.birth_date.isoformat()},
        )
    sex = values.get("member.sex")
    if sex and sex != facts.sex:
        raise refuse("sex_mismatch", "member.sex", _("The sex does not match the ID number."))
    relation = values.get("member.relation")
    if relation in codes.FEMALE_ONLY_RELATIONS and facts.sex == codes.Sex.MALE:
        raise refuse(
            "relation_sex_mismatch",
            "member.relation",
            _("This relation is for a woman, but the ID number is a man's."),
        )
    if relation in codes.MALE_ONLY_RELATIONS and facts.sex == codes.Sex.FEMALE:
        raise refuse(
            "relation_sex_mismatch",
            "member.relation",
            _("This relation is for a man, but the ID number is a woman's."),
        )
    values["member.id_type"] = id_type
    values["member.id_number"] = facts.number
    values["member.birth_date"] = facts.birth_date.isoformat()
    values["member.sex"] = facts.sex


def _phone(row: PersonRow, target: str) -> str:
    try:
        return check_phone(target, row.get(target) or "")
    except DomainError as problem:
        raise refuse(problem.code, target, problem.message) from None


def check_phones(row: PersonRow) -> None:
    """Phones must be a mobile or landline number (checked on every row that has them)."""
    for target in ("member.phone", "household.phone"):
        if row.has(target):
            row.values[target] = _phone(row, target)


def member_fields(row: PersonRow, *, new: bool) -> dict[str, Any]:
    """The member fields this row sets (identity as checked by `check_identity`)."""
    get = row.get
    fields: dict[str, Any] = {
        "name": get("member.name"),
        "id_type": get("member.id_type"),
        "id_number": get("member.id_number"),
        "birth_date": dt.date.fromisoformat(get("member.birth_date")),
        "sex": get("member.sex"),
        "relation": get("member.relation"),
    }
    for name, default in (("ethnicity", "汉族"), ("health", codes.Health.HEALTHY)):
        if get(f"member.{name}"):
            fields[name] = get(f"member.{name}")
        elif new:
            fields[name] = default
    for name, empty in MEMBER_TEXT.items():
        if row.has(f"member.{name}"):
            fields[name] = get(f"member.{name}") or empty
    for name in MEMBER_FREE_TEXT:
        if row.has(f"member.{name}"):
            fields[name] = get(f"member.{name}") or ""
    if row.has("member.public_job_months"):
        fields["public_job_months"] = get("member.public_job_months")
    for name in MEMBER_FLAGS:
        if row.has(f"member.{name}"):
            fields[name] = bool(get(f"member.{name}"))
    if row.has("member.phone"):
        fields["phone"] = get("member.phone") or ""
    return fields


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def housing_grade(row: PersonRow, current: str) -> str | None:
    """危房等级 if the file gives it; else what 是否危房户 says of the current grade: 是 keeps a
    C or D (or makes it C, the lesser unsafe grade), 否 keeps an A or B (or makes it B), an
    empty cell clears it. None: the file says nothing of housing."""
    unsafe = row.get("household.unsafe_house")
    if row.get("household.housing_grade"):
        grade = str(row.get("household.housing_grade"))
        if unsafe is not None and unsafe != (grade in codes.UNSAFE_GRADES):
            raise refuse(
                "housing_mismatch",
                "household.unsafe_house",
                _("是否危房户 does not agree with 危房等级 %(grade)s.") % {"grade": grade},
            )
        return grade
    if row.has("household.unsafe_house"):
        if unsafe is None:
            return ""
        if unsafe:
            return current if current in codes.UNSAFE_GRADES else codes.HousingGrade.C
        return current if current and current not in codes.UNSAFE_GRADES else codes.HousingGrade.B
    if row.has("household.housing_grade"):
        return ""
    return None


def household_fields(row: PersonRow, *, current_grade: str) -> dict[str, Any]:
    """The household fields the head's row sets (village and status are handled apart)."""
    get = row.get
    fields: dict[str, Any] = {}
    if row.has("household.phone"):
        fields["phone"] = get("household.phone") or ""
    if row.has("household.monitoring_identified_on"):
        fields["monitoring_identified_on"] = _date(get("household.monitoring_identified_on"))
    if row.has("household.risk_eliminated"):
        eliminated = bool(get("household.risk_eliminated"))
        fields["risk_eliminated"] = eliminated
        fields["elimination_mode"] = (get("household.elimination_mode") or "") if eliminated else ""
        fields["risk_eliminated_on"] = (
            _date(get("household.risk_eliminated_on")) if eliminated else None
        )
    if row.has("household.fully_incapable"):
        fields["fully_incapable"] = bool(get("household.fully_incapable"))
    grade = housing_grade(row, current_grade)
    if grade is not None:
        fields["housing_grade"] = grade
    for name in HOUSEHOLD_FLAGS:
        if row.has(f"household.{name}"):
            value = get(f"household.{name}")
            fields[name] = None if value is None else bool(value)
    for name in HOUSEHOLD_DECIMALS:
        if row.has(f"household.{name}"):
            fields[name] = _decimal(get(f"household.{name}"))
    return fields


def status_fields(row: PersonRow, *, new: bool) -> dict[str, str]:
    """户类型 and 监测对象类别 as the head's row gives them (a new household needs a type)."""
    fields: dict[str, str] = {}
    if row.get("household.household_type"):
        fields["household_type"] = row.get("household.household_type")
    elif new:
        raise refuse(
            "household_type_missing",
            "household.household_type",
            _("The cell is empty; a new household needs its 户类型."),
        )
    if row.has("household.monitoring_category"):
        fields["monitoring_category"] = row.get("household.monitoring_category") or ""
    return fields


def risk_codes(row: PersonRow) -> set[str] | None:
    """The household's risks (致贫/返贫风险1–5), or None when the file has no risk column."""
    targets = [f"risk.{n}" for n in range(1, 6)]
    if not any(row.has(target) for target in targets):
        return None
    return {row.get(target) for target in targets if row.get(target)}


def income_amounts(row: PersonRow, size: int) -> tuple[dict[str, Decimal], bool] | None:
    """The income parts of the year from the head's row, and whether 财产性收入 or 生产经营性支出
    was worked out from 人均纯收入; None when the row gives no income at all.

    Layout (a) gives 人均纯收入 and three of the parts: what 人均纯收入 × household size leaves
    over the parts given is 财产性收入 (or, if negative, 生产经营性支出) unless the file has that
    column, so the household's 人均纯收入 is the file's.
    """
    targets = [f"income.{name}" for name in (*INCOME_PARTS, "compliant_out_of_pocket")]
    per_capita = _decimal(row.get("income.per_capita_net_income"))
    if per_capita is None and not any(row.get(target) for target in targets):
        return None
    amounts = {
        name: _decimal(row.get(f"income.{name}")) or Decimal("0.00")
        for name in (*INCOME_PARTS, "compliant_out_of_pocket")
    }
    if per_capita is None:
        return amounts, False
    net = amounts["wage"] + amounts["business"] + amounts["property"] + amounts["transfer"]
    rest = per_capita * size - (net - amounts["business_expense"])
    if rest > 0 and not row.has("income.property"):
        amounts["property"] += rest
        return amounts, True
    if rest < 0 and not row.has("income.business_expense"):
        amounts["business_expense"] -= rest
        return amounts, True
    return amounts, False
