"""Clue intake (线索): a clue opens a case, or joins the household's open case."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.core.errors import DomainError
from fupin.monitoring import events
from fupin.monitoring.actions.common import audit_case, clean_text, forbid, lock_household
from fupin.monitoring.deadlines import decision_due
from fupin.monitoring.models import Case, CaseState, Channel, Clue
from fupin.monitoring.transitions import INTAKE_ROLES
from fupin.registry.models import Household
from fupin.registry.validation import check_choice, check_date

MAX_EVIDENCE_BYTES = 64_000


def _clean_evidence(evidence: Any) -> dict[str, Any]:
    if evidence is None:
        return {}
    if not isinstance(evidence, dict):
        raise DomainError("invalid_evidence", _("Evidence is a JSON object."), field="evidence")
    try:
        size = len(json.dumps(evidence, ensure_ascii=False))
    except (TypeError, ValueError):
        raise DomainError(
            "invalid_evidence", _("Evidence holds only JSON values."), field="evidence"
        ) from None
    if size > MAX_EVIDENCE_BYTES:
        raise DomainError("invalid_evidence", _("The evidence is too large."), field="evidence")
    return evidence


def _open_case(actor: User, household: Household, channel: str, day: dt.date) -> Case:
    case = Case.objects.create(
        household=household,
        state=CaseState.CLUE,
        channel=channel,
        opened_on=day,
        due_on=decision_due(day),
        opened_by=actor,
    )
    audit_case(
        actor, case, "case.open", {"state": [None, CaseState.CLUE], "channel": [None, channel]}
    )
    return case


@transaction.atomic
def clue_receive(
    *,
    actor: User,
    household: Household,
    channel: str,
    received_on: dt.date,
    description: str = "",
    evidence: dict[str, Any] | None = None,
    reference: str = "",
) -> Clue:
    """Receive a clue (线索) from any channel; it joins the household's open case or opens one.

    A clue with a reference already received for the household is not received twice.
    """
    forbid(actor, INTAKE_ROLES)
    household = lock_household(actor, household)
    channel = check_choice("channel", channel, Channel, blank=False)
    received_on = check_date("received_on", received_on)
    description = clean_text("description", description, optional=True)
    reference = clean_text("reference", reference, limit=128, optional=True)
    evidence = _clean_evidence(evidence)
    if reference:
        known = Clue.objects.filter(
            case__household=household, channel=channel, reference=reference
        ).first()
        if known is not None:
            return known
    case = Case.objects.open().select_for_update().filter(household=household).first()
    if case is None:
        case = _open_case(actor, household, channel, received_on)
    clue = Clue.objects.create(
        case=case,
        channel=channel,
        received_on=received_on,
        description=description,
        evidence=evidence,
        reference=reference,
        received_by=actor,
    )
    events.record_event(
        case=case,
        action=events.CLUE,
        on=received_on,
        actor=actor,
        details={"channel": channel, "reference": reference, "clue": clue.pk},
        note=description,
    )
    audit_case(actor, case, "case.clue", {"channel": [None, channel]}, reason=description)
    return clue


def clue_from_finding(
    *,
    actor: User,
    household: Household,
    evidence: dict[str, Any],
    reference: str = "",
    received_on: dt.date | None = None,
    description: str = "",
) -> Clue:
    """Hand a screening finding over as a clue (部门筛查预警) with its evidence: the rule, its
    version, the parameter and field values that triggered it. `reference` names the finding,
    so handing it over twice receives it once."""
    return clue_receive(
        actor=actor,
        household=household,
        channel=Channel.SCREENING,
        received_on=received_on or timezone.localdate(),
        description=description,
        evidence=evidence,
        reference=reference,
    )
