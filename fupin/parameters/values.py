"""`param(name, on=…, province=…)` with the site's edits: what every app asks.

The shipped values (fupin.policy: parameters.yaml and the site file) are read once per process;
the site's edits (ParameterEdit) are read from the database on each call, so an edit made on
the page counts at once in every process (web, worker, command). Of the shipped entries the
province's own latest wins over the national one (fupin.policy.pick); a site edit in force
wins over that entry unless the shipped one started later (a newer document supersedes it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fupin.parameters.models import ParameterEdit
from fupin.policy import parameters as policy

Number = policy.Number


def as_entry(edit: ParameterEdit, kind: str) -> policy.ParameterValue:
    value: Number = int(edit.value) if kind == "integer" else edit.value.normalize()
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return policy.ParameterValue(
        name=edit.name,
        value=value,
        starts_on=edit.starts_on,
        ends_on=edit.ends_on,
        province="",
        reference=edit.reference,
        uncertain=False,
    )


def site_entries(name: str) -> tuple[policy.ParameterValue, ...]:
    """The site's edits of a parameter, oldest first."""
    parameter = policy.all_parameters().get(name)
    if parameter is None:
        raise policy.ParameterUnknown(name)
    edits = ParameterEdit.objects.filter(name=name).order_by("starts_on", "id")
    return tuple(as_entry(edit, parameter.kind) for edit in edits)


def param_value(name: str, *, on: dt.date, province: str = "") -> policy.ParameterValue:
    """The entry of `name` in force on `on`, the site's edits counted (ParameterUnknown)."""
    shipped = None
    try:
        shipped = policy.param_value(name, on=on, province=province)
    except policy.ParameterUnknown:
        if name not in policy.all_parameters():
            raise
    edited = policy.latest(site_entries(name), on)
    if edited is not None and (shipped is None or edited.starts_on >= shipped.starts_on):
        return edited
    if shipped is None:
        raise policy.ParameterUnknown(name, on)
    return shipped


def param(name: str, *, on: dt.date, province: str = "") -> Number:
    """The value of a policy parameter on a day, the site's edits counted."""
    return param_value(name, on=on, province=province).value
