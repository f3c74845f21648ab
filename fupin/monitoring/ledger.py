"""监测对象台账 (the ledger of monitored households) and the 风险消除名单, within the user's scope.

The registry says who is monitored (监测对象类别); the household's latest decided case says
since when, whether the risk is eliminated, how and when. Households identified before fupin
kept cases (the 2020 ledger) have a category and no case: they are listed all the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from fupin.accounts.models import User
from fupin.assistance.models import Measure
from fupin.monitoring.models import ELIMINATION_STATES, Case, CaseState
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member, MemberStatus
from fupin.registry.selectors import households_visible_to

DECIDED_STATES = ELIMINATION_STATES | {CaseState.MONITORED, CaseState.ELIMINATED}


@dataclass
class LedgerEntry:
    household: Household
    members: list[Member]
    case: Case | None
    income: IncomeRecord | None
    risks: list[str]
    measures: dict[str, list[Measure]] = field(default_factory=dict)

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.relation == "户主"), None)

    @property
    def risk_labels(self) -> str:
        labels = dict(codes.RiskType.choices)
        return "、".join(str(labels.get(risk, risk)) for risk in self.risks)

    @property
    def eliminated(self) -> bool:
        """The latest decided case says; without one, the registry (e.g. a national import)."""
        if self.case is not None:
            return self.case.state == CaseState.ELIMINATED
        return self.household.risk_eliminated

    @property
    def identified_on(self) -> dt.date | None:
        if self.case is not None and self.case.decided_on:
            return self.case.decided_on
        return self.household.monitoring_identified_on


def _prefetches() -> list[Prefetch]:  # type: ignore[type-arg]
    active = Member.objects.filter(status=MemberStatus.ACTIVE).order_by("id")
    decided = Case.objects.filter(state__in=DECIDED_STATES).order_by("-opened_on", "-id")
    return [
        Prefetch("members", queryset=active, to_attr="active_members"),
        Prefetch("cases", queryset=decided, to_attr="decided_cases"),
        Prefetch("incomes", queryset=IncomeRecord.objects.order_by("-year"), to_attr="by_year"),
        Prefetch(
            "measures",
            queryset=Measure.objects.order_by("started_on", "id"),
            to_attr="all_measures",
        ),
        Prefetch("risks"),
    ]


def _entry(household: Household) -> LedgerEntry:
    measures: dict[str, list[Measure]] = {}
    for measure in household.all_measures:  # type: ignore[attr-defined]
        measures.setdefault(measure.kind, []).append(measure)
    cases = household.decided_cases  # type: ignore[attr-defined]
    incomes = household.by_year  # type: ignore[attr-defined]
    return LedgerEntry(
        household=household,
        members=list(household.active_members),  # type: ignore[attr-defined]
        case=cases[0] if cases else None,
        income=incomes[0] if incomes else None,
        risks=sorted(risk.risk_type for risk in household.risks.all()),
        measures=measures,
    )


def ledger(*, user: User, village: str = "", eliminated_only: bool = False) -> list[LedgerEntry]:
    """The monitored households (one entry each) of the user's area or of one village."""
    households = households_visible_to(user).exclude(monitoring_category="").filter(status="active")
    if village:
        households = households.filter(village__code=village)
    households = households.select_related(
        "village", "village__parent", "village__parent__parent", "group"
    ).order_by("village__path", "national_number", "id")
    entries = [_entry(household) for household in households.prefetch_related(*_prefetches())]
    if eliminated_only:
        entries = [entry for entry in entries if entry.eliminated]
    return entries
