"""Parameters as pages and the API show them: the value on a day and every dated entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from fupin.accounts.models import User
from fupin.parameters import values
from fupin.parameters.actions import parameter_get
from fupin.parameters.models import ParameterEdit
from fupin.policy import parameters as policy


@dataclass(frozen=True)
class ParameterRow:
    """One parameter: its value on a day (None: none in force) and where that value came from."""

    name: str
    label: str
    kind: str
    minimum: Decimal
    maximum: Decimal | None
    value: policy.ParameterValue | None
    edited: bool  # the value in force is the site's own


def province_for(user: User) -> str:
    unit = getattr(user, "org_unit", None)
    return policy.province_of(unit.code) if unit is not None else ""


def row(parameter: policy.Parameter, *, on: dt.date, province: str) -> ParameterRow:
    try:
        value = values.param_value(parameter.name, on=on, province=province)
    except policy.ParameterUnknown:
        value = None
    return ParameterRow(
        name=parameter.name,
        label=parameter.label,
        kind=parameter.kind,
        minimum=parameter.minimum,
        maximum=parameter.maximum,
        value=value,
        edited=value is not None and not any(value is entry for entry in parameter.values),
    )


def parameter_rows(
    *, on: dt.date, province: str, names: Iterable[str] | None = None
) -> list[ParameterRow]:
    """Every parameter (or those of `names`, in that order) with its value on the day."""
    known = policy.all_parameters()
    chosen = list(known) if names is None else [name for name in names if name in known]
    return [row(known[name], on=on, province=province) for name in chosen]


def parameter_edits(name: str) -> QuerySet[ParameterEdit]:
    """The site's values of a parameter, newest first, with who set them."""
    parameter_get(name)
    return (
        ParameterEdit.objects.filter(name=name)
        .select_related("created_by")
        .order_by("-starts_on", "-id")
    )
