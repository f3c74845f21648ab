"""How cases read on a page: step labels, the facts of each timeline row, masked evidence."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.core.masking import mask_id_number, mask_phone
from fupin.monitoring import events
from fupin.monitoring.models import CaseEvent, CaseState, Channel, EliminationMode
from fupin.registry import codes

ID_NUMBER = re.compile(r"\b\d{17}[\dXx]\b")
MOBILE = re.compile(r"\b1[3-9]\d{9}\b")
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
    if key == "mode":
        return str(dict(EliminationMode.choices).get(value, value))
    return "—" if value in (None, "") else str(value)


@dataclass
class TimelineRow:
    event: CaseEvent
    label: str
    to_state: str
    facts: list[tuple[str, str]]


def timeline_rows(rows: Any) -> list[TimelineRow]:
    result = []
    for event in rows:
        facts = [
            (str(DETAIL_LABELS.get(key, key)), _value(key, value))
            for key, value in event.details.items()
            if key not in HIDDEN_DETAILS
        ]
        to_state = str(CaseState(event.to_state).label) if event.to_state else ""
        result.append(TimelineRow(event, events.label(event.action), to_state, facts))
    return result


def mask_evidence(value: Any) -> Any:
    """Evidence with ID numbers and mobile numbers masked, for roles that may not see them."""
    if isinstance(value, dict):
        return {key: mask_evidence(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_evidence(item) for item in value]
    if isinstance(value, str):
        value = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), value)
        return MOBILE.sub(lambda m: mask_phone(m.group(0)), value)
    return value


def evidence_text(evidence: dict[str, Any], *, sensitive: bool) -> str:
    shown = evidence if sensitive else mask_evidence(evidence)
    return json.dumps(shown, ensure_ascii=False, indent=2) if shown else ""
