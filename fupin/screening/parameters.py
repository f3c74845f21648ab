"""The policy parameters a run reads: fupin.policy's dated, cited values, plus the screening
parameters that file does not hold yet (rulepack/parameters.yaml). Read-only here: a site
changes a value in its own policy file (FUPIN_POLICY_FILE), never in the database."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fupin.policy import parameters as policy
from fupin.rules.catalog import default_catalog

SCREENING_FILE = Path(__file__).resolve().parent / "rulepack" / "parameters.yaml"
DEFAULT_PROVINCE = "500000"


@dataclass(frozen=True)
class ParameterRow:
    """One parameter as a page shows it: the value on a day and every dated entry."""

    name: str
    label: str
    kind: str
    value: policy.ParameterValue | None
    entries: tuple[policy.ParameterValue, ...]


@cache
def screening_parameters() -> dict[str, policy.Parameter]:
    """The policy file, then ours, then the site's: later files only add values."""
    site = os.environ.get(policy.SITE_FILE_VARIABLE, "")
    paths = (policy.DATA_FILE, SCREENING_FILE, *((Path(site),) if site else ()))
    return policy.load(paths)


def value_on(name: str, *, on: dt.date, province: str = DEFAULT_PROVINCE) -> policy.ParameterValue:
    """The entry of a parameter in force on a day, the province's own first (ParameterUnknown)."""
    parameter = screening_parameters().get(name)
    if parameter is None:
        raise policy.ParameterUnknown(name)
    in_force = [entry for entry in parameter.values if entry.applies_on(on)]
    for reach in (province, ""):
        candidates = [entry for entry in in_force if entry.province == reach]
        if candidates:
            return max(candidates, key=lambda entry: entry.starts_on)
    raise policy.ParameterUnknown(name, on)


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
