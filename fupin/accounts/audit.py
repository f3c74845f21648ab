"""Writing audit events. Every action that changes personal data or a status calls `record`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from fupin.accounts.models import AuditEvent, OrgUnit, User


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        field: [_plain(before.get(field)), _plain(after.get(field))]
        for field in after
        if _plain(before.get(field)) != _plain(after.get(field))
    }


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    subject: models.Model | None = None,
    org_unit: OrgUnit | None = None,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    subject = subject or target
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        org_unit=org_unit,
        changes=changes or {},
        reason=reason,
    )
