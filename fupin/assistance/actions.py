"""Writes of assistance measures: atomic, scoped, validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import User
from fupin.accounts.roles import Capability
from fupin.assistance.models import Measure, MeasureKind
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.core.money import InvalidAmount, parse_amount
from fupin.registry.errors import invalid_amount, required
from fupin.registry.models import Household
from fupin.registry.selectors import households_visible_to
from fupin.registry.validation import check_choice, check_date


def _clean_text(name: str, value: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise required(name)
    if len(text) > limit:
        raise DomainError(
            "too_long",
            _("Use at most %(limit)s characters.") % {"limit": limit},
            field=name,
        )
    return text


@transaction.atomic
def measure_add(
    *,
    actor: User,
    household: Household,
    kind: str,
    content: str,
    responsible: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    amount: Any = None,
    case: Any = None,
) -> Measure:
    """Record an assistance measure (帮扶措施) for a household, optionally under its case."""
    if not actor.can(Capability.EDIT_HOUSEHOLD):
        raise PermissionDenied()
    if not households_visible_to(actor).filter(pk=household.pk).exists():
        raise NotFound()
    if case is not None and getattr(case, "household_id", None) != household.pk:
        raise DomainError("case_of_another_household", _("The case is of another household."))
    clean: dict[str, Any] = {
        "kind": check_choice("kind", kind, MeasureKind, blank=False),
        "content": _clean_text("content", content, 200),
        "responsible": _clean_text("responsible", responsible, 64),
        "started_on": check_date("started_on", started_on),
        "ended_on": check_date("ended_on", ended_on, not_future=False) if ended_on else None,
        "amount": None,
    }
    if clean["ended_on"] and clean["ended_on"] < clean["started_on"]:
        raise DomainError(
            "invalid_period", _("The end date is before the start date."), field="ended_on"
        )
    if amount not in (None, ""):
        try:
            clean["amount"] = parse_amount(amount)
        except InvalidAmount:
            raise invalid_amount("amount") from None
    measure = Measure.objects.create(household=household, case=case, recorded_by=actor, **clean)
    audit.record(
        actor=actor,
        action="measure.add",
        target=measure,
        subject=household,
        org_unit=household.village,
        changes=audit.diff({}, clean),
    )
    return measure
