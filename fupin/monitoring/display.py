"""How cases read on a page: step labels, the facts of each timeline row, masked evidence."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.core.masking import mask_id_number, mask_phone
from fupin.monitoring import events
from fupin.monitoring.models import Attachment, CaseEvent, CaseState, Channel, EliminationMode
from fupin.registry import codes

# Digits not next to other digits: a number inside Chinese text or a file name ("张三_5001…")
# has no word boundary before it.
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
DETAIL_LABELS: dict[str, Any] = {
    "officials": _("Officials"),
    "per_capita_income": _("Per-capita net income found (yuan)"),
    "housing_secure": _("Housing secure"),
    "education_secure": _("Schooling secure"),
    "medical_secure": _("Medical care secure"),
    "water_secure": _("Drinking water secure"),
    "risk_types": _("Risk types"),
    "participants": _("Who took part"),
    "votes_for": _("Votes for"),
    "votes_against": _("Votes against"),
    "passed": _("Passed"),
    "proposed_category": _("Proposed monitoring category"),
    "starts_on": _("Posted from"),
    "ends_on": _("Posted until"),
    "working_days": _("Working days"),
    "place": _("Where it is posted"),
    "contact": _("Where to object"),
    "housing_signed_by": _("Housing staff (signed)"),
    "health_signed_by": _("Health staff (signed)"),
    "education_signed_by": _("Education staff (signed)"),
    "water_signed_by": _("Water staff (signed)"),
    "category": _("Monitoring category"),
    "mode": _("Elimination mode"),
    "channel": _("Channel"),
    "reason": _("Reason"),
    "authorised": _("Authorised the check of its economic situation"),
    "filed_by_cadre": _("Filed by a cadre on its behalf"),
    "kind": _("Kind of measure"),
    "name": _("File name"),
    "step": _("Attached to the step"),
    "step_on": _("Date of the step"),
}
HIDDEN_DETAILS = {"findings", "opinion", "clue", "objection", "measure", "attachment", "at",
                  "checks", "reference"}  # fmt: skip


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if key == "officials":
        return "、".join(item["name"] for item in value)
    if key == "risk_types":
        return "、".join(str(dict(codes.RiskType.choices).get(v, v)) for v in value) or "—"
    if key in ("category", "proposed_category"):
        return str(dict(codes.MonitoringCategory.choices).get(value, value))
    if key == "channel":
        return str(dict(Channel.choices).get(value, value))
    if key == "step":
        return events.label(value)
    if key == "mode":
        return str(dict(EliminationMode.choices).get(value, value))
    return "—" if value in (None, "") else str(value)


@dataclass
class FileRow:
    """A case's file as a page shows it: its name and description masked for roles that may
    not see ID numbers and phones, and the form to remove it for those who may."""

    attachment: Attachment
    name: str
    description: str
    remove_form: Any = None


def file_row(attachment: Attachment, *, sensitive: bool, remove_form: Any = None) -> FileRow:
    shown = (lambda text: text) if sensitive else mask_text
    return FileRow(
        attachment, shown(attachment.original_name), shown(attachment.description), remove_form
    )


@dataclass
class TimelineRow:
    event: CaseEvent
    label: str
    to_state: str
    facts: list[tuple[str, str]]
    note: str = ""
    files: list[FileRow] = field(default_factory=list)

    @property
    def attachable(self) -> bool:
        """Whether a file may be attached to this row (a step, not a row about a file)."""
        return self.event.action not in events.FILE_ROWS


def timeline_rows(rows: Any, *, sensitive: bool = True) -> list[TimelineRow]:
    result = []
    for event in rows:
        facts = [
            (str(DETAIL_LABELS.get(key, key)), _value(key, value))
            for key, value in event.details.items()
            if key not in HIDDEN_DETAILS
        ]
        note = event.note
        if not sensitive:  # a file name or a note may carry an ID number or a phone number
            facts = [(label, mask_text(value)) for label, value in facts]
            note = mask_text(note)
        to_state = str(CaseState(event.to_state).label) if event.to_state else ""
        result.append(TimelineRow(event, events.label(event.action), to_state, facts, note))
    return result


def mask_text(text: str) -> str:
    """Text with ID numbers and mobile numbers masked (file names, descriptions)."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


def mask_evidence(value: Any) -> Any:
    """Evidence with ID numbers and mobile numbers masked, for roles that may not see them."""
    if isinstance(value, dict):
        return {key: mask_evidence(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_evidence(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


def evidence_text(evidence: dict[str, Any], *, sensitive: bool) -> str:
    shown = evidence if sensitive else mask_evidence(evidence)
    return json.dumps(shown, ensure_ascii=False, indent=2) if shown else ""
