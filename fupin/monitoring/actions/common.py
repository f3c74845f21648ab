"""What every step shares: lock the case in the actor's scope, check the table, write the
state, the timeline row and the audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import User
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.monitoring import errors
from fupin.monitoring.events import FILE_ROWS, record_event
from fupin.monitoring.models import Case, CaseEvent, CaseState
from fupin.monitoring.transitions import TRANSITIONS, Step
from fupin.registry.models import Household
from fupin.registry.selectors import households_visible_to
from fupin.registry.validation import check_date


def lock_case(actor: User, case: Case) -> Case:
    """Re-read the case under lock, within the actor's scope (NotFound outside it)."""
    locked = (
        Case.objects.select_for_update()
        .filter(pk=case.pk, household__in=households_visible_to(actor))
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def lock_household(actor: User, household: Household) -> Household:
    locked = households_visible_to(actor).select_for_update().filter(pk=household.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def require_role(actor: User, roles: frozenset[str], label: Any) -> None:
    if not actor.is_active or actor.role not in roles:
        raise errors.role_not_allowed(str(label))


def require_step(actor: User, case: Case, step: str) -> str:
    """The state the step leads to; refused if out of order (or twice) or by the wrong role."""
    entry = TRANSITIONS.get((case.state, step))
    label = Step(step).label
    if entry is None:
        raise errors.step_not_allowed(str(label), str(CaseState(case.state).label))
    to_state, roles = entry
    require_role(actor, roles, label)
    return to_state


def last_event_day(case: Case) -> dt.date | None:
    """The day of the case's latest step. Attaching a file is dated the day it is done and
    does not count: a photo attached today does not stop recording yesterday's meeting."""
    latest = case.events.exclude(action__in=FILE_ROWS).order_by("-on").values_list("on", flat=True)
    return latest.first()


def check_step_date(case: Case, field: str, value: Any) -> dt.date:
    """A step's date: a real date, not in the future, not before the case's last step."""
    day = check_date(field, value)
    latest = last_event_day(case)
    if latest is not None and day < latest:
        raise DomainError(
            "date_before_previous_step",
            _("This date is before the case's previous step (%(date)s).")
            % {"date": latest.isoformat()},
            field=field,
        )
    return day


def clean_text(field: str, value: str | None, *, limit: int = 2000, optional: bool = False) -> str:
    text = (value or "").strip()
    if not text and not optional:
        raise errors.required(field)
    if len(text) > limit:
        raise DomainError(
            "too_long", _("Use at most %(limit)s characters.") % {"limit": limit}, field=field
        )
    return text


def audit_case(
    actor: User | None,
    case: Case,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> None:
    household = case.household
    audit.record(
        actor=actor,
        action=action,
        target=case,
        subject=household,
        org_unit=household.village,
        changes=changes or {},
        reason=reason,
    )


def advance(
    *,
    actor: User,
    case: Case,
    step: str,
    to_state: str,
    on: dt.date,
    details: dict[str, Any] | None = None,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> CaseEvent:
    """Move the case to its next state: save, write the timeline row and the audit event."""
    from_state = case.state
    before = {name: getattr(case, name) for name in fields or {}}
    for name, value in (fields or {}).items():
        setattr(case, name, value)
    case.state = to_state
    case.save()
    event = record_event(
        case=case,
        action=step,
        on=on,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        details=details,
        note=note,
    )
    changes = {"state": [from_state, to_state], **audit.diff(before, fields or {})}
    audit_case(actor, case, f"case.{step}", changes, reason=note)
    return event


def forbid(actor: User, roles: frozenset[str]) -> None:
    if not actor.is_active or actor.role not in roles:
        raise PermissionDenied()
