"""How registry records read on a page.

Labels come from the models, code values show as their code-list labels, and ID numbers,
phones and health are masked unless the viewer's role may see them (DESIGN non-negotiable 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fupin.accounts.display import ChangeLine, HistoryRow
from fupin.accounts.models import AuditEvent, OrgUnit, User
from fupin.core.masking import mask_id_number, mask_phone, mask_text
from fupin.registry import codes, fieldsets
from fupin.registry.models import (
    Household,
    HouseholdRisk,
    IncomeRecord,
    Member,
    Pairing,
    StatusChange,
)
from fupin.registry.selectors import can_see_sensitive, member_sensitive_values

EMPTY = "—"
INCOME_FORMULA = _(
    "Net household income = wage income + business income + property income + transfer income"
    " − business expenses; per-capita net income = net household income ÷ household size."
)
LIST_SEPARATOR = "、"
SENSITIVE_FIELDS = frozenset({"id_number", "phone", "health"})
PLACE_FIELDS = frozenset({"village", "group"})

ACTION_LABELS = {
    "household.register": _("Registered the household"),
    "household.update": _("Edited the household"),
    "household.change_status": _("Changed the household status"),
    "household.set_risks": _("Set the risk types"),
    "household.record_elimination": _("Recorded the risk elimination"),
    "member.add": _("Added a member"),
    "member.update": _("Edited a member"),
    "member.remove": _("Removed a member"),
    "income.record": _("Recorded income"),
    "pairing.add": _("Paired a helper cadre"),
}
# Keys of audit changes that are not a field of the changed record.
EXTRA_FIELDS: dict[str, tuple[Any, Any]] = {
    # "name" is also the org unit's name in accounts; a person's name reads differently.
    "name": (_("Name"), None),
    "risk_types": (_("Risk types"), codes.RiskType),
    "helper": (_("Helper cadre"), None),
}
MODELS_BY_LABEL: dict[str, type[models.Model]] = {
    model._meta.label_lower: model
    for model in (Household, Member, IncomeRecord, HouseholdRisk, Pairing, StatusChange)
}
MEMBER_INSURANCE_FIELDS = fieldsets.INSURANCE_FIELDS
MEMBER_SUPPORT_FIELDS = fieldsets.SUPPORT_FIELDS
HOUSEHOLD_SECTIONS = (
    (
        _("Basic facts"),
        (
            "national_number",
            "village",
            "group",
            "address",
            "phone",
            "household_type",
            "monitoring_category",
            "monitoring_identified_on",
            "risk_eliminated",
            "elimination_mode",
            "risk_eliminated_on",
            "lifted_out_year",
            "main_cause",
            "second_cause",
            "third_cause",
            "fully_incapable",
            "military_family",
            "status",
        ),
    ),
    (
        _("Housing and living conditions"),
        fieldsets.HOUSING_FIELDS,
    ),
    (
        _("Land"),
        fieldsets.LAND_FIELDS,
    ),
)


def _model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model], name: str) -> str:
    if name in EXTRA_FIELDS:
        return str(EXTRA_FIELDS[name][0])
    db_field = _model_field(model, name)
    if db_field is not None and hasattr(db_field, "verbose_name"):
        return str(capfirst(db_field.verbose_name))
    return name


def value_label(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value as people read it: a code's label, 是/否, or the value itself."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(value_label(model, name, item) for item in value) or EMPTY
    db_field = _model_field(model, name)
    choices = db_field.flatchoices if db_field is not None and db_field.choices else None
    if choices is None and name in EXTRA_FIELDS and EXTRA_FIELDS[name][1] is not None:
        choices = EXTRA_FIELDS[name][1].choices
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _mask(name: str, value: str) -> str:
    if name == "id_number":
        return mask_id_number(value)
    if name == "phone":
        return mask_phone(value)
    return mask_text(value)


def _shown(model: type[models.Model], name: str, value: Any, *, sensitive: bool) -> str:
    """A value for display, masked if it is personal data the viewer may not see."""
    if not sensitive and name in SENSITIVE_FIELDS and value not in (None, ""):
        return _mask(name, str(value))
    return value_label(model, name, value)


# ---- the household list -------------------------------------------------------------------


@dataclass
class HouseholdRow:
    household: Household
    head: Member | None
    head_id_number: str
    causes: str


def household_rows(households: Iterable[Household], *, user: User) -> list[HouseholdRow]:
    """One row per household; expects the active head prefetched into `heads`."""
    rows = []
    for household in households:
        heads = getattr(household, "heads", [])
        head = heads[0] if heads else None
        id_number = member_sensitive_values(user=user, member=head)["id_number"] if head else ""
        causes = [value_label(Household, "main_cause", cause) for cause in household.causes]
        rows.append(HouseholdRow(household, head, id_number, LIST_SEPARATOR.join(causes)))
    return rows


# ---- the household page -------------------------------------------------------------------


@dataclass
class Fact:
    label: str
    value: str


def household_facts(household: Household, *, user: User) -> list[tuple[str, list[Fact]]]:
    sensitive = can_see_sensitive(user)
    sections = []
    for title, names in HOUSEHOLD_SECTIONS:
        facts = []
        for name in names:
            if name in PLACE_FIELDS:
                unit = getattr(household, name)
                value = unit.name if unit else EMPTY
            else:
                value = _shown(Household, name, getattr(household, name), sensitive=sensitive)
            facts.append(Fact(field_label(Household, name), value))
        sections.append((str(title), facts))
    return sections


@dataclass
class MemberRow:
    member: Member
    id_number: str
    phone: str
    health: str
    age: int
    insurance: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)


def member_rows(members: Iterable[Member], *, user: User, today: dt.date) -> list[MemberRow]:
    rows = []
    for member in members:
        values = member_sensitive_values(user=user, member=member)
        rows.append(
            MemberRow(
                member=member,
                id_number=values["id_number"],
                phone=values["phone"],
                health=values["health"],
                age=member.age_on(today),
                insurance=_flags(member, MEMBER_INSURANCE_FIELDS),
                support=_flags(member, MEMBER_SUPPORT_FIELDS),
            )
        )
    return rows


def _flags(member: Member, names: tuple[str, ...]) -> list[str]:
    return [field_label(Member, name) for name in names if getattr(member, name)]


@dataclass
class StatusRow:
    change: StatusChange
    old_type: str
    new_type: str
    old_category: str
    new_category: str


def status_rows(changes: Iterable[StatusChange]) -> list[StatusRow]:
    def label(name: str, value: str) -> str:
        return value_label(Household, name, value)

    return [
        StatusRow(
            change=change,
            old_type=label("household_type", change.old_household_type),
            new_type=label("household_type", change.new_household_type),
            old_category=label("monitoring_category", change.old_monitoring_category),
            new_category=label("monitoring_category", change.new_monitoring_category),
        )
        for change in changes
    ]


def risk_labels(household: Household) -> list[str]:
    return [value_label(HouseholdRisk, "risk_type", r.risk_type) for r in household.risks.all()]


# ---- the audit history --------------------------------------------------------------------


def history_rows(
    events: Iterable[AuditEvent], *, user: User, members: dict[int, Member]
) -> list[HistoryRow]:
    """Who, when, what, old → new and why; personal data masked as for any other display."""
    sensitive = can_see_sensitive(user)
    events = list(events)
    places = _place_names(events)
    rows = []
    for event in events:
        model = MODELS_BY_LABEL.get(event.target_type, Household)
        lines = [
            _change_line(model, name, pair, places=places, sensitive=sensitive)
            for name, pair in event.changes.items()
        ]
        rows.append(
            HistoryRow(
                at=timezone.localtime(event.at),
                actor=str(event.actor) if event.actor else EMPTY,
                action=str(ACTION_LABELS.get(event.action, event.action)),
                target=_target(event, members),
                changes=[line for line in lines if line is not None],
                reason=event.reason,
            )
        )
    return rows


def _change_line(
    model: type[models.Model], name: str, pair: Any, *, places: dict[str, str], sensitive: bool
) -> ChangeLine | None:
    old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
    if old in (None, "") and new in (None, ""):
        return None  # blank → blank on registration says nothing
    if name in PLACE_FIELDS:
        shown = [places.get(str(value), str(value)) if value else EMPTY for value in (old, new)]
    else:
        shown = [_shown(model, name, value, sensitive=sensitive) for value in (old, new)]
    return ChangeLine(field_label(model, name), shown[0], shown[1])


def _target(event: AuditEvent, members: dict[int, Member]) -> str:
    if event.target_type != Member._meta.label_lower:
        return ""
    member = members.get(int(event.target_id)) if event.target_id.isdigit() else None
    return member.name if member else ""


def _place_names(events: list[AuditEvent]) -> dict[str, str]:
    """Names of the villages and groups named by code in the changes, in one query."""
    place_codes = {
        value
        for event in events
        for name, pair in event.changes.items()
        if name in PLACE_FIELDS and isinstance(pair, list)
        for value in pair
        if value
    }
    if not place_codes:
        return {}
    return dict(OrgUnit.objects.filter(code__in=place_codes).values_list("code", "name"))
