"""A household's facts ▸ one row per person in layout (a), every value as text.

The registry export and the 监测对象台账 (fupin.monitoring) both write through here: they differ
only in the households they take and in what they know beyond the registry (the ledger adds the
household's monitoring case and its assistance measures). ID numbers, phones and health are
masked unless the caller says the reader may see them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils import translation

from fupin.accounts.models import OrgUnit
from fupin.core.masking import mask_id_number, mask_phone, mask_text
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member
from fupin.registry.national.layout import (
    COLUMNS,
    HEADERS,
    INCOME_YEAR_NOTE,
    Kind,
    NationalColumn,
)
from fupin.tabular.writers import write_xlsx

YES, NO = "是", "否"


@dataclass
class HouseholdFacts:
    """What a household's rows show. The four monitoring facts are given apart from the
    household because the ledger takes them from the monitoring case when there is one."""

    household: Household
    members: list[Member]  # active members, the head first
    income: IncomeRecord | None  # of the year the file is for
    risks: list[str]
    identified_on: dt.date | None
    eliminated: bool | None  # None: not monitored, the cell stays empty
    elimination_mode: str = ""
    eliminated_on: dt.date | None = None
    measures: dict[str, list[str]] = field(default_factory=dict)  # kind ▸ contents
    development: bool | None = None  # 实施开发式帮扶措施情况; None: not known here

    @classmethod
    def of_registry(
        cls, household: Household, members: list[Member], income: IncomeRecord | None
    ) -> HouseholdFacts:
        monitored = bool(household.monitoring_category) or household.risk_eliminated
        return cls(
            household=household,
            members=head_first(members),
            income=income,
            risks=sorted(risk.risk_type for risk in household.risks.all()),
            identified_on=household.monitoring_identified_on,
            eliminated=household.risk_eliminated if monitored else None,
            elimination_mode=household.elimination_mode,
            eliminated_on=household.risk_eliminated_on,
        )


def head_first(members: Iterable[Member]) -> list[Member]:
    """The order of the national form: the head, then by birth date."""
    return sorted(
        members, key=lambda m: (m.relation != codes.Relation.HEAD, m.birth_date, m.pk or 0)
    )


Getter = Callable[[HouseholdFacts, Member], Any]


def yes_no(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def risk_name(code: str) -> str:
    """The national name of a risk (因病, 洪涝 …): its label without the code in front."""
    label = str(dict(codes.RiskType.choices).get(code, code))
    head, _blank, rest = label.partition(" ")
    return rest if rest and head.isdigit() else label


def _place(level: int) -> Getter:
    def get(facts: HouseholdFacts, member: Member) -> str:
        unit: OrgUnit | None = facts.household.village
        for _step in range(level):
            unit = unit.parent if unit is not None else None
        return unit.name if unit is not None else ""

    return get


def _value(column: NationalColumn, sensitive: bool) -> Getter:
    """A registry field of the household, the member or the income."""
    name, kind = column.field, column.kind

    def raw(facts: HouseholdFacts, member: Member) -> Any:
        if column.scope == "member":
            return getattr(member, name)
        if column.scope == "income":
            return getattr(facts.income, name) if facts.income is not None else None
        return getattr(facts.household, name)

    mask = _mask(column) if column.sensitive and not sensitive else None

    def get(facts: HouseholdFacts, member: Member) -> Any:
        value = raw(facts, member)
        if kind is Kind.FLAG:
            return yes_no(value)
        if kind is Kind.DATE:
            return day(value)
        if kind is Kind.SEX:
            return str(dict(codes.Sex.choices).get(value, value or ""))
        if mask is not None:
            return mask(value)
        return "" if value is None else value

    return get


def _mask(column: NationalColumn) -> Callable[[Any], str]:
    if column.kind is Kind.ID_NUMBER:
        return mask_id_number
    if column.kind is Kind.PHONE:
        return mask_phone
    return mask_text


FACTS_TARGETS: dict[str, Getter] = {
    "household.monitoring_identified_on": lambda facts, member: day(facts.identified_on),
    "household.risk_eliminated": lambda facts, member: yes_no(facts.eliminated),
    "household.elimination_mode": lambda facts, member: (
        facts.elimination_mode if facts.eliminated else ""
    ),
    "household.risk_eliminated_on": lambda facts, member: (
        day(facts.eliminated_on) if facts.eliminated else ""
    ),
}


def _unsafe_house(facts: HouseholdFacts, member: Member) -> str:
    grade = facts.household.housing_grade
    return yes_no(grade in codes.UNSAFE_GRADES) if grade else ""


def _dropout(facts: HouseholdFacts, member: Member) -> str:
    return yes_no(any(m.school_status == codes.SchoolStatus.DROPPED_OUT for m in facts.members))


def _uninsured(facts: HouseholdFacts, member: Member) -> str:
    return yes_no(
        any(
            not (m.resident_medical_insurance or m.employee_medical_insurance)
            for m in facts.members
        )
    )


def _development(facts: HouseholdFacts, member: Member) -> str:
    if facts.development is None:
        return ""
    return "已实施" if facts.development else "未实施"


DERIVED: dict[str, Getter] = {
    "derived.dropout": _dropout,
    "derived.uninsured": _uninsured,
    "derived.development": _development,
}


def _risk(index: int) -> Getter:
    def get(facts: HouseholdFacts, member: Member) -> str:
        return risk_name(facts.risks[index]) if index < len(facts.risks) else ""

    return get


def _measures(kind: str) -> Getter:
    return lambda facts, member: ",".join(facts.measures.get(kind, []))


def _blank(facts: HouseholdFacts, member: Member) -> str:
    return ""


def getter(column: NationalColumn, *, sensitive: bool) -> Getter:
    """How a column's cell is filled, decided once per file."""
    if column.kind is Kind.UNUSED:
        return _blank
    if column.target in FACTS_TARGETS:
        return FACTS_TARGETS[column.target]
    if column.target in DERIVED:
        return DERIVED[column.target]
    if column.kind is Kind.UNSAFE_HOUSE:
        return _unsafe_house
    if column.scope == "place":
        return _place({"village": 0, "township": 1, "county": 2}[column.field])
    if column.kind is Kind.RISK:
        return _risk(int(column.field) - 1)
    if column.kind is Kind.MEASURES:
        return _measures(column.field)
    return _value(column, sensitive)


def person_rows(facts: Iterable[HouseholdFacts], *, sensitive: bool) -> Iterator[list[Any]]:
    """One row per person, in the order of COLUMNS (labels in Chinese)."""
    with translation.override("zh-hans"):
        getters = [getter(column, sensitive=sensitive) for column in COLUMNS]
        for household in facts:
            for member in household.members:
                yield [get(household, member) for get in getters]


def write_national(
    target: str | BinaryIO,
    facts: Iterable[HouseholdFacts],
    *,
    sensitive: bool,
    title: str,
    income_year: int | None = None,
) -> int:
    """The workbook: title on row 1, the income year (if any) on row 2, the header on row 3."""
    notes = INCOME_YEAR_NOTE.format(year=income_year) if income_year is not None else None
    return write_xlsx(
        target,
        sheet_title=title,
        title=title,
        header_rows=[HEADERS],
        rows=person_rows(facts, sensitive=sensitive),
        notes=notes,
    )
