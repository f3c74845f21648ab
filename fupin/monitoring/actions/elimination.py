"""帮扶 and 风险消除: measures under the case, the proposal through the gate, the county's
confirmation, or the household kept under monitoring."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.assistance import actions as assistance_actions
from fupin.assistance.models import Measure
from fupin.core.errors import DomainError
from fupin.monitoring import errors, events
from fupin.monitoring.actions.common import (
    advance,
    check_step_date,
    clean_text,
    forbid,
    lock_case,
    require_step,
)
from fupin.monitoring.deadlines import decision_due
from fupin.monitoring.gate import require_gate
from fupin.monitoring.models import ELIMINATION_STATES, Case, CaseState, EliminationMode
from fupin.monitoring.transitions import CASEWORK_ROLES, Step
from fupin.registry import actions as registry_actions
from fupin.registry.validation import check_choice

ASSISTED_STATES = ELIMINATION_STATES | {CaseState.MONITORED}


@transaction.atomic
def case_add_measure(
    *,
    actor: User,
    case: Case,
    kind: str,
    content: str,
    responsible: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    amount: Any = None,
) -> Measure:
    """帮扶: record an assistance measure for a monitored household, under its case."""
    forbid(actor, CASEWORK_ROLES)
    case = lock_case(actor, case)
    if case.state not in ASSISTED_STATES:
        raise DomainError(
            "not_monitored",
            _("Measures are recorded once the household is under monitoring."),
            status=409,
        )
    measure = assistance_actions.measure_add(
        actor=actor, household=case.household, kind=kind, content=content,
        responsible=responsible, started_on=started_on, ended_on=ended_on, amount=amount,
        case=case,
    )  # fmt: skip
    events.record_event(
        case=case, action=events.MEASURE, on=measure.started_on, actor=actor,
        details={"measure": measure.pk, "kind": measure.kind}, note=measure.content,
    )  # fmt: skip
    return measure


@transaction.atomic
def case_propose_elimination(
    *, actor: User, case: Case, proposed_on: dt.date, mode: str, note: str = ""
) -> Case:
    """风险消除 proposal (帮扶消除 or 自然消除), refused unless the household passes the gate."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.PROPOSE_ELIMINATION)
    proposed_on = check_step_date(case, "proposed_on", proposed_on)
    mode = check_choice("mode", mode, EliminationMode, blank=False)
    checks = require_gate(case=case, on=proposed_on, mode=mode)
    fields = {
        "elimination_mode": mode,
        "elimination_proposed_on": proposed_on,
        "due_on": decision_due(proposed_on),
    }
    advance(
        actor=actor, case=case, step=Step.PROPOSE_ELIMINATION, to_state=to_state,
        on=proposed_on, details={"mode": mode, "checks": [c.code for c in checks]},
        note=clean_text("note", note, optional=True), fields=fields,
    )  # fmt: skip
    return case


@transaction.atomic
def case_approve_elimination(
    *, actor: User, case: Case, eliminated_on: dt.date, note: str = ""
) -> Case:
    """县级审定 ▸ 风险已消除: the county confirms; the gate is checked again on that day."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.APPROVE_ELIMINATION)
    eliminated_on = check_step_date(case, "eliminated_on", eliminated_on)
    require_gate(case=case, on=eliminated_on, mode=case.elimination_mode)
    registry_actions.household_record_elimination(
        actor=actor, household=case.household, eliminated=True, mode=case.elimination_mode,
        eliminated_on=eliminated_on,
        reason=str(_("County approval of risk elimination, case %(case)s") % {"case": case.pk}),
    )  # fmt: skip
    advance(
        actor=actor, case=case, step=Step.APPROVE_ELIMINATION, to_state=to_state,
        on=eliminated_on, details={"mode": case.elimination_mode},
        note=clean_text("note", note, optional=True), fields={"eliminated_on": eliminated_on},
    )  # fmt: skip
    return case


@transaction.atomic
def case_keep_monitoring(*, actor: User, case: Case, on: dt.date, reason: str) -> Case:
    """An elimination not borne out at a step: the household stays under monitoring."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.KEEP_MONITORING)
    on = check_step_date(case, "on", on)
    reason = (reason or "").strip()
    if not reason:
        raise errors.reason_required()
    fields = {"elimination_mode": "", "elimination_proposed_on": None}
    advance(
        actor=actor, case=case, step=Step.KEEP_MONITORING, to_state=to_state, on=on,
        details={"reason": reason}, note=reason, fields=fields,
    )  # fmt: skip
    return case
