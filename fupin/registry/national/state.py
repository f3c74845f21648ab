"""What the registry holds about the households of a national file, read in bulk.

`RegistryState.read` answers, for a chunk of households, in a few queries per 500 values: the
households with these 户编号, the active members with these ID numbers (anywhere: an ID number
is one person in the whole registry), and the active members, income of the year and risks of
the households concerned. `plain` and `diff` put values as the audit trail keeps them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fupin.accounts.models import OrgUnit
from fupin.core.money import quantize
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, Member, MemberStatus
from fupin.registry.national.rows import PersonRow

LOOKUP = 500  # values per IN (...)


class VillageIndex:
    """The villages of the importing unit, by name (and by township name when two share one)."""

    def __init__(self, unit: OrgUnit) -> None:
        self.by_name: dict[str, list[OrgUnit]] = {}
        villages = OrgUnit.objects.subtree_of(unit).villages().select_related("parent")
        for village in villages:
            self.by_name.setdefault(village.name, []).append(village)

    def find(self, township: str | None, village: str | None) -> OrgUnit | None:
        found = self.by_name.get(village or "", [])
        if township:
            found = [v for v in found if v.parent is not None and v.parent.name == township]
        return found[0] if len(found) == 1 else None


@dataclass
class RegistryState:
    """What the registry holds about the households of a chunk, read in a few queries."""

    by_number: dict[str, Household]
    by_id_number: dict[str, Member]  # active members, anywhere
    members_of: dict[int, list[Member]]  # active members of the households concerned
    incomes: dict[int, IncomeRecord]  # of the year
    risks: dict[int, set[str]]

    @classmethod
    def read(cls, groups: list[list[PersonRow]], year: int) -> RegistryState:
        numbers = {r.get("household.national_number") for g in groups for r in g} - {None, ""}
        id_numbers = [r.id_number for g in groups for r in g]
        by_number: dict[str, Household] = {}
        for part in _chunks(sorted(numbers)):
            for household in Household.objects.filter(national_number__in=part).select_related(
                "village"
            ):
                by_number[str(household.national_number)] = household
        by_id: dict[str, Member] = {}
        for part in _chunks(id_numbers):
            found = Member.objects.filter(id_number__in=part, status=MemberStatus.ACTIVE)
            for member in found.select_related("household__village"):
                by_id[member.id_number] = member
        households = {h.pk for h in by_number.values()} | {m.household_id for m in by_id.values()}
        members_of: dict[int, list[Member]] = {}
        incomes: dict[int, IncomeRecord] = {}
        risks: dict[int, set[str]] = {}
        for part in _chunks(sorted(households)):
            active = Member.objects.filter(household_id__in=part, status=MemberStatus.ACTIVE)
            for member in active.order_by("id"):
                members_of.setdefault(member.household_id, []).append(member)
            for income in IncomeRecord.objects.filter(household_id__in=part, year=year):
                incomes[income.household_id] = income
            for risk in HouseholdRisk.objects.filter(household_id__in=part):
                risks.setdefault(risk.household_id, set()).add(risk.risk_type)
        return cls(by_number, by_id, members_of, incomes, risks)


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), LOOKUP):
        yield values[start : start + LOOKUP]


PLAIN_TYPES = frozenset({str, bool, int, type(None)})


def plain(value: Any) -> Any:
    """A value as the audit trail keeps it (amounts and dates as text, a unit by its code)."""
    if type(value) in PLAIN_TYPES:
        return value
    if isinstance(value, Decimal):
        return str(quantize(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, OrgUnit):
        return value.code
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [plain(before.get(name)), plain(value)]
        for name, value in after.items()
        if plain(before.get(name)) != plain(value)
    }
