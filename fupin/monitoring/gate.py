"""The risk-elimination gate (风险消除, POLICY.md §1): may this household's risk be eliminated?

Income stably above that year's line, 三保障 and drinking water secure, every open risk
remedied by a matching measure, a 开发式 measure where someone can work — and a household
without working capacity is never eliminated (it stays monitored with social security).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.assistance.models import DEVELOPMENT_KINDS, Measure, MeasureKind
from fupin.core.errors import DomainError
from fupin.monitoring.deadlines import province
from fupin.monitoring.models import Case, EliminationMode
from fupin.parameters.values import param
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member, MemberStatus

RT, MK = codes.RiskType, MeasureKind
# 风险类型 ▸ the measure that remedies it (POLICY.md §4, the offices' consistency checks).
REMEDIES: dict[str, frozenset[str]] = {
    RT.ILLNESS: frozenset({MK.HEALTH}),
    RT.SCHOOLING: frozenset({MK.EDUCATION}),
    RT.DISABILITY: frozenset({MK.SOCIAL_SECURITY}),
    RT.HOUSING_UNSAFE: frozenset({MK.HOUSING, MK.RELOCATION}),
    RT.WATER_UNSAFE: frozenset({MK.WATER}),
}


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    message: Any


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def _members(household: Household) -> list[Member]:
    return list(household.members.filter(status=MemberStatus.ACTIVE))


def _capacity(members: list[Member]) -> Check:
    able = any(m.labour_skill in codes.WORKING_CAPACITY for m in members)
    return Check(
        "no_working_capacity",
        able,
        _(
            "No one in the household can work: it is not marked eliminated but stays monitored "
            "with social-security measures."
        ),
    )


def _stability(case: Case, household: Household, on: dt.date) -> Check:
    months = int(param("elimination_income_stable_months", on=on))
    since = case.decided_on or household.monitoring_identified_on or on
    return Check(
        "not_stable_long_enough",
        _months_between(since, on) >= months,
        _("The household has been monitored for less than %(months)s months.") % {"months": months},
    )


def _income(household: Household, on: dt.date) -> Check:
    record = (
        IncomeRecord.objects.filter(household=household, year__in=(on.year, on.year - 1))
        .order_by("-year")
        .first()
    )
    if record is None:
        return Check(
            "income_not_recorded",
            False,
            _("Record the household's income of %(year)s or %(last)s first.")
            % {"year": on.year, "last": on.year - 1},
        )
    line = param(
        "monitoring_income_line", on=dt.date(record.year, 12, 31), province=province(household)
    )
    return Check(
        "income_below_line",
        record.per_capita_net_income > line,
        _("Per-capita net income of %(year)s (%(income)s yuan) is not above the line (%(line)s).")
        % {"year": record.year, "income": record.per_capita_net_income, "line": line},
    )


def _housing_and_water(household: Household) -> list[Check]:
    return [
        Check(
            "housing_unsafe",
            household.housing_grade not in codes.UNSAFE_GRADES,
            _("The house is appraised unsafe (grade C or D)."),
        ),
        Check(
            "water_unsafe",
            household.water_safe is True,
            _("Safe drinking water is not confirmed."),
        ),
    ]


def _schooling_and_insurance(members: list[Member], on: dt.date) -> list[Check]:
    youngest = int(param("compulsory_school_age_from", on=on))
    oldest = int(param("compulsory_school_age_to", on=on))
    dropped = [
        m
        for m in members
        if youngest <= m.age_on(on) <= oldest and m.school_status == codes.SchoolStatus.DROPPED_OUT
    ]
    uninsured = [
        m for m in members if not (m.resident_medical_insurance or m.employee_medical_insurance)
    ]
    return [
        Check(
            "school_dropout", not dropped, _("A child of compulsory-school age is out of school.")
        ),
        Check(
            "member_uninsured",
            not uninsured,
            _("A member has no basic medical insurance."),
        ),
    ]


def _measures(household: Household, able: bool, mode: str) -> list[Check]:
    kinds = set(Measure.objects.filter(household=household).values_list("kind", flat=True))
    risks = set(household.risks.values_list("risk_type", flat=True))
    unremedied = sorted(risk for risk in risks if risk in REMEDIES and not REMEDIES[risk] & kinds)
    labels = "、".join(str(dict(codes.RiskType.choices)[risk]) for risk in unremedied)
    return [
        Check(
            "risk_without_measure",
            not unremedied,
            _("No matching measure for the risk: %(risks)s.") % {"risks": labels},
        ),
        Check(
            "no_development_measure",
            not able or bool(kinds & DEVELOPMENT_KINDS),
            _("A household that can work needs at least one development measure (开发式帮扶)."),
        ),
        Check(
            "no_measures",
            mode != EliminationMode.ASSISTED or bool(kinds),
            _("Elimination through assistance needs at least one recorded measure."),
        ),
    ]


def elimination_checks(*, case: Case, on: dt.date, mode: str = "") -> list[Check]:
    """Every condition of the gate, passed or not, in the order they are reported."""
    household = case.household
    members = _members(household)
    capacity = _capacity(members)
    return [
        capacity,
        _stability(case, household, on),
        _income(household, on),
        *_housing_and_water(household),
        *_schooling_and_insurance(members, on),
        *_measures(household, capacity.passed, mode),
    ]


def require_gate(*, case: Case, on: dt.date, mode: str) -> list[Check]:
    """Refuse with the first failed condition's code; the message lists every failure."""
    checks = elimination_checks(case=case, on=on, mode=mode)
    failed = [check for check in checks if not check.passed]
    if failed:
        message = " ".join(str(check.message) for check in failed)
        raise DomainError(failed[0].code, message, field="gate")
    return checks
