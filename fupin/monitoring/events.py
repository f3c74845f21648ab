"""Timeline rows of a case: every step, clue, objection, measure and attachment, one row each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.monitoring.models import Case, CaseEvent
from fupin.monitoring.transitions import Step

# Rows that are not transitions of the table.
CLUE = "clue"
OBJECTION = "objection"
OBJECTION_ANSWER = "objection_answer"
MEASURE = "measure"
ATTACHMENT = "attachment"
ATTACHMENT_REMOVED = "attachment_removed"
# Rows about files themselves: a file is attached to a step, never to one of these.
FILE_ROWS = frozenset({ATTACHMENT, ATTACHMENT_REMOVED})

LABELS: dict[str, Any] = {
    **{step.value: step.label for step in Step},
    CLUE: _("Clue received"),
    OBJECTION: _("Objection recorded"),
    OBJECTION_ANSWER: _("Objection answered"),
    MEASURE: _("Assistance measure recorded"),
    ATTACHMENT: _("File attached"),
    ATTACHMENT_REMOVED: _("Attached file removed"),
}


def record_event(
    *,
    case: Case,
    action: str,
    on: dt.date,
    actor: User | None,
    from_state: str = "",
    to_state: str = "",
    details: dict[str, Any] | None = None,
    note: str = "",
) -> CaseEvent:
    """Write one timeline row. `details` holds the step's findings as plain JSON values."""
    return CaseEvent.objects.create(
        case=case,
        action=action,
        on=on,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        details=details or {},
        note=note,
    )


def label(action: str) -> str:
    return str(LABELS.get(action, action))
