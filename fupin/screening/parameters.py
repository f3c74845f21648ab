"""The policy parameters a run reads, by name and by date, from one place: fupin.policy's dated,
cited values (fupin/policy/data/parameters.yaml, then the site's FUPIN_POLICY_FILE; ADR 0014)
with the values the site set on the 政策参数 page (fupin.parameters; ADR 0022)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fupin.parameters import values as site_values
from fupin.policy import parameters as policy
from fupin.rules.catalog import default_catalog

DEFAULT_PROVINCE = "500000"


@dataclass(frozen=True)
class ParameterRow:
    """One parameter as a page shows it: the value on a day and every dated entry."""

    name: str
    label: str
    kind: str
    value: policy.ParameterValue | None
    entries: tuple[policy.ParameterValue, ...]


def screening_parameters() -> dict[str, policy.Parameter]:
    """Every policy parameter (fupin.policy reads its files once per process)."""
    return policy.all_parameters()


def value_on(name: str, *, on: dt.date, province: str = DEFAULT_PROVINCE) -> policy.ParameterValue:
    """The entry of a parameter in force on a day, the province's own first (ParameterUnknown)."""
    return site_values.param_value(name, on=on, province=province)


def run_parameters(*, on: dt.date, province: str = DEFAULT_PROVINCE) -> dict[str, object]:
    """Every catalog parameter that has a value on the day, for an engine's `params`."""
    values: dict[str, object] = {}
    for name in default_catalog().parameters:
        try:
            values[name] = value_on(name, on=on, province=province).value
        except policy.ParameterUnknown:
            continue
    return values


def parameter_rows(*, on: dt.date, province: str = DEFAULT_PROVINCE) -> list[ParameterRow]:
    """The catalog's parameters with their value on the day and all dated entries."""
    known = screening_parameters()
    rows = []
    for name, declared in default_catalog().parameters.items():
        parameter = known.get(name)
        try:
            value = value_on(name, on=on, province=province)
        except policy.ParameterUnknown:
            value = None
        rows.append(
            ParameterRow(
                name=name,
                label=parameter.label if parameter else declared.label,
                kind=parameter.kind if parameter else str(declared.kind),
                value=value,
                entries=parameter.values if parameter else (),
            )
        )
    return rows
