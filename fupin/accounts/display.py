"""What the account pages show: user rows and an account's history, in the reader's words,
with phones masked unless the reader's role may see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fupin.accounts.models import AuditEvent, OrgUnit, User
from fupin.accounts.roles import Role
from fupin.accounts.selectors import can_see_phone, phone_for
from fupin.core.masking import mask_phone

EMPTY = "—"
ACTION_LABELS = {
    "user.add": _("Account created"),
    "user.update": _("Account details changed"),
    "user.deactivate": _("Account deactivated"),
    "user.reactivate": _("Account reactivated"),
    "user.password_reset": _("Password reset by a manager"),
    "user.password_change": _("Own password changed"),
    "token.create": _("API token created"),
    "token.revoke": _("API tokens revoked"),
}
FIELD_LABELS = {
    "display_name": _("Real name"),
    "phone": _("Phone"),
    "role": _("Role"),
    "org_unit": _("Unit"),
    "is_active": _("Status"),
    "active_tokens": _("Live API tokens"),
    "password_generated": _("Password generated"),
}


@dataclass
class UserRow:
    user: User
    phone: str


@dataclass
class ChangeLine:
    """One field of an audit event: its label, old → new, as the reader may see them."""

    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    """One audit event as the history table (accounts/_history.html) shows it."""

    at: dt.datetime
    actor: str
    action: str
    changes: list[ChangeLine]
    reason: str
    target: str = ""  # which record of a file it is about, where a file has several


def user_rows(users: Iterable[User], *, viewer: User) -> list[UserRow]:
    return [UserRow(user=user, phone=phone_for(viewer, user)) for user in users]


def history_rows(events: Iterable[AuditEvent], *, viewer: User) -> list[HistoryRow]:
    """Who, when, what, old → new and why."""
    events = list(events)
    units = _unit_names(events)
    masked = not can_see_phone(viewer)
    return [
        HistoryRow(
            at=timezone.localtime(event.at),
            actor=str(event.actor) if event.actor else str(_("System")),
            action=str(ACTION_LABELS.get(event.action, event.action)),
            changes=[
                _line(name, pair, units=units, masked=masked)
                for name, pair in event.changes.items()
                if isinstance(pair, list) and len(pair) == 2
            ],
            reason=event.reason,
        )
        for event in events
    ]


def _line(name: str, pair: list[Any], *, units: dict[str, str], masked: bool) -> ChangeLine:
    shown = [_value(name, value, units=units, masked=masked) for value in pair]
    return ChangeLine(str(FIELD_LABELS.get(name, name)), shown[0], shown[1])


def _value(name: str, value: Any, *, units: dict[str, str], masked: bool) -> str:
    if value is None or value == "":
        return EMPTY
    if name == "role":
        return str(Role(value).label) if value in Role.values else str(value)
    if name == "org_unit":
        return units.get(str(value), str(value))
    if name == "is_active":
        return str(pgettext_lazy("account", "Active") if value else _("Deactivated"))
    if name == "password_generated":
        return str(_("Yes") if value else _("No"))
    if name == "phone" and masked:
        return mask_phone(str(value))
    return str(value)


def _unit_names(events: list[AuditEvent]) -> dict[str, str]:
    """Names of the units named by code in the changes, in one query."""
    codes = {str(value) for event in events for value in event.changes.get("org_unit", []) if value}
    if not codes:
        return {}
    return dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name"))
