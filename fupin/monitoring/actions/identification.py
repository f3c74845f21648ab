"""申请, 县级审定 (纳入监测) and 不予纳入: the steps only identification has."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.core.errors import DomainError
from fupin.monitoring import errors
from fupin.monitoring.actions.common import (
    advance,
    check_step_date,
    clean_text,
    lock_case,
    require_step,
)
from fupin.monitoring.models import Case
from fupin.monitoring.transitions import Step
from fupin.registry import actions as registry_actions
from fupin.registry import codes
from fupin.registry.validation import check_choice


@transaction.atomic
def case_apply(
    *,
    actor: User,
    case: Case,
    applied_on: dt.date,
    authorised: bool,
    filed_by_cadre: bool = False,
    note: str = "",
) -> Case:
    """农户申请: the household's signed application with its authorisation to check its
    economic situation; a cadre may file it on the household's behalf."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.APPLY)
    applied_on = check_step_date(case, "applied_on", applied_on)
    if not authorised:
        raise DomainError(
            "authorisation_required",
            _("The household must authorise the check of its economic situation."),
            field="authorised",
        )
    note = clean_text("note", note, optional=True)
    details = {"authorised": True, "filed_by_cadre": bool(filed_by_cadre)}
    fields = {"applied_on": applied_on, "authorised": True, "filed_by_cadre": bool(filed_by_cadre)}
    advance(
        actor=actor, case=case, step=Step.APPLY, to_state=to_state, on=applied_on,
        details=details, note=note, fields=fields,
    )  # fmt: skip
    return case


def _risk_types(risk_types: list[str]) -> list[str]:
    risks = sorted(
        {check_choice("risk_types", code, codes.RiskType, blank=False) for code in risk_types}
    )
    if not risks:
        raise DomainError(
            "risk_types_required", _("Choose at least one risk type."), field="risk_types"
        )
    return risks


@transaction.atomic
def case_approve_monitoring(
    *,
    actor: User,
    case: Case,
    decided_on: dt.date,
    category: str,
    risk_types: list[str],
    note: str = "",
) -> Case:
    """县级审定 ▸ 纳入监测: the county includes the household with its category and risk types.

    The category and risks are written through the registry's actions, so the household's
    status history and audit stay the one source of who is monitored since when.
    """
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.APPROVE_MONITORING)
    decided_on = check_step_date(case, "decided_on", decided_on)
    category = check_choice("category", category, codes.MonitoringCategory, blank=False)
    if category not in codes.categories_in_force(decided_on.year):
        raise DomainError(
            "category_not_in_force",
            _("This monitoring category is not in use in %(year)s.") % {"year": decided_on.year},
            field="category",
        )
    risks = _risk_types(risk_types)
    note = clean_text("note", note, optional=True)
    household = case.household
    if household.monitoring_category != category:
        registry_actions.household_change_status(
            actor=actor,
            household=household,
            expected_version=None,
            household_type=household.household_type,
            monitoring_category=category,
            effective_on=decided_on,
            reason=str(_("County approval of monitoring case %(case)s") % {"case": case.pk}),
        )
    registry_actions.household_set_risks(
        actor=actor, household=household, expected_version=None, risk_types=risks,
        noted_on=decided_on,
    )  # fmt: skip
    if household.risk_eliminated:  # monitored again after an earlier elimination
        registry_actions.household_record_elimination(
            actor=actor, household=household, eliminated=False,
            reason=str(_("County approval of monitoring case %(case)s") % {"case": case.pk}),
        )  # fmt: skip
    fields = {"category": category, "risk_types": risks, "decided_on": decided_on}
    advance(
        actor=actor, case=case, step=Step.APPROVE_MONITORING, to_state=to_state, on=decided_on,
        details={"category": category, "risk_types": risks}, note=note, fields=fields,
    )  # fmt: skip
    return case


@transaction.atomic
def case_reject(*, actor: User, case: Case, rejected_on: dt.date, reason: str) -> Case:
    """不予纳入: the household is not included, with the reason, at whichever step it stands."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.REJECT)
    rejected_on = check_step_date(case, "rejected_on", rejected_on)
    reason = (reason or "").strip()
    if not reason:
        raise errors.reason_required()
    fields = {
        "rejected_on": rejected_on,
        "rejection_reason": reason,
        "rejected_in_state": case.state,
    }
    advance(
        actor=actor, case=case, step=Step.REJECT, to_state=to_state, on=rejected_on,
        details={"reason": reason, "at": case.state}, note=reason, fields=fields,
    )  # fmt: skip
    return case
