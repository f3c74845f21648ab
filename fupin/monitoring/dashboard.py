"""The township dashboard's numbers, within the user's scope (one selector, exact counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth

from fupin.accounts.models import User
from fupin.monitoring.ledger import ledger
from fupin.monitoring.models import CaseState, Clue
from fupin.monitoring.selectors import cases_visible_to, overdue_q
from fupin.parameters.values import param
from fupin.registry import codes
from fupin.registry.models import Member, MemberStatus
from fupin.registry.selectors import households_visible_to

Tally = dict[str, int]  # {"households": n, "people": n}


@dataclass
class VillageNumbers:
    code: str
    name: str
    households: int = 0
    people: int = 0
    by_category: dict[str, Tally] = field(default_factory=dict)
    by_risk: dict[str, Tally] = field(default_factory=dict)


@dataclass
class Dashboard:
    villages: list[VillageNumbers]
    cases_by_state: dict[str, int]
    overdue: int
    clues_by_month: dict[str, dict[str, int]]
    eliminations_by_month: dict[str, int]
    monitored_households: int
    monitored_people: int
    registered_poor_people: int
    population: int
    share: Decimal | None
    guide: Decimal
    ceiling: Decimal


def _add(tallies: dict[str, Tally], key: str, people: int) -> None:
    tally = tallies.setdefault(key, {"households": 0, "people": 0})
    tally["households"] += 1
    tally["people"] += people


def _villages(user: User) -> list[VillageNumbers]:
    """Households under monitoring now (category set, risk not eliminated) per village."""
    villages: dict[str, VillageNumbers] = {}
    for entry in ledger(user=user):
        if entry.eliminated:
            continue
        village = entry.household.village
        numbers = villages.setdefault(village.code, VillageNumbers(village.code, village.name))
        people = len(entry.members)
        numbers.households += 1
        numbers.people += people
        _add(numbers.by_category, entry.household.monitoring_category, people)
        for risk in entry.risks:
            _add(numbers.by_risk, risk, people)
    return [villages[code] for code in sorted(villages)]


def _month(value: dt.date | dt.datetime) -> str:
    return value.strftime("%Y-%m")


def _clues_by_month(user: User) -> dict[str, dict[str, int]]:
    rows = (
        Clue.objects.filter(case__in=cases_visible_to(user))
        .annotate(month=TruncMonth("received_on"))
        .values("month", "channel")
        .annotate(n=Count("id"))
        .order_by("month", "channel")
    )
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        result.setdefault(_month(row["month"]), {})[row["channel"]] = row["n"]
    return result


def _eliminations_by_month(user: User) -> dict[str, int]:
    rows = (
        cases_visible_to(user)
        .filter(state=CaseState.ELIMINATED)
        .annotate(month=TruncMonth("eliminated_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return {_month(row["month"]): row["n"] for row in rows}


def dashboard(*, user: User, today: dt.date) -> Dashboard:
    """Monitored households and people by category and risk per village, cases by step,
    overdue cases, clues by channel per month, eliminations per month, and the share of the
    registered poor population under monitoring against the ~5% guide."""
    villages = _villages(user)
    counted = cases_visible_to(user).values("state").annotate(n=Count("id")).order_by()
    members = Member.objects.filter(
        status=MemberStatus.ACTIVE, household__in=households_visible_to(user)
    ).filter(household__status="active")
    registered = members.filter(
        household__household_type__in=(codes.HouseholdType.POOR, codes.HouseholdType.LIFTED_OUT)
    ).count()
    monitored_people = sum(v.people for v in villages)
    share = (
        (Decimal(monitored_people) / registered).quantize(Decimal("0.0001")) if registered else None
    )
    return Dashboard(
        villages=villages,
        cases_by_state={row["state"]: row["n"] for row in counted},
        overdue=cases_visible_to(user).filter(overdue_q(today)).count(),
        clues_by_month=_clues_by_month(user),
        eliminations_by_month=_eliminations_by_month(user),
        monitored_households=sum(v.households for v in villages),
        monitored_people=monitored_people,
        registered_poor_people=registered,
        population=members.count(),
        share=share,
        guide=Decimal(param("monitoring_share_guide", on=today)),
        ceiling=Decimal(param("monitoring_share_ceiling", on=today)),
    )
