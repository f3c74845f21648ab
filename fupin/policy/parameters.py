"""`param(name, on=day, province=…)`: a policy number as it stood on a day, with its source.

The values live in `data/parameters.yaml` (and, for a site's own changes, the file named by
FUPIN_POLICY_FILE). A province's own entry wins over the national one; among entries of the
same reach, the one that started last wins. Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "parameters.yaml"
SITE_FILE_VARIABLE = "FUPIN_POLICY_FILE"
Number = Decimal | int


class ParameterUnknown(LookupError):
    """No such parameter, or no value of it in force on the day asked."""

    def __init__(self, name: str, on: dt.date | None = None) -> None:
        detail = f" on {on.isoformat()}" if on else ""
        super().__init__(f"policy parameter {name!r} has no value{detail}")
        self.name = name
        self.on = on


@dataclass(frozen=True)
class ParameterValue:
    """One dated value of a parameter and the document it cites."""

    name: str
    value: Number
    starts_on: dt.date
    ends_on: dt.date | None
    province: str
    reference: str
    uncertain: bool

    def applies_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    label: str
    values: tuple[ParameterValue, ...]
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None


def province_of(code: str) -> str:
    """The 6-digit province code of a statistical code: 500110103201 → 500000."""
    return f"{code[:2]}0000" if len(code) >= 2 else ""


def _number(kind: str, raw: Any, name: str) -> Number:
    if kind == "integer":
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError(f"{name}: {raw!r} is not an integer")
        return raw
    if kind == "decimal":
        return Decimal(str(raw))
    raise ValueError(f"{name}: unknown type {kind!r}")


def _entry(name: str, kind: str, raw: dict[str, Any]) -> ParameterValue:
    reference = str(raw.get("reference") or "")
    if not reference:
        raise ValueError(f"{name}: every value cites its document (reference:)")
    ends_on = raw.get("until")
    return ParameterValue(
        name=name,
        value=_number(kind, raw["value"], name),
        starts_on=raw["from"],
        ends_on=ends_on,
        province=str(raw.get("province") or ""),
        reference=reference,
        uncertain=bool(raw.get("uncertain", False)),
    )


def _bound(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream) or {}
    found = data.get("parameters") or {}
    if not isinstance(found, dict):
        raise ValueError(f"{path}: `parameters` is a mapping")
    return found


def load(paths: tuple[Path, ...]) -> dict[str, Parameter]:
    """Parse the parameter files; later files add values (and may add parameters)."""
    specs: dict[str, dict[str, Any]] = {}
    for path in paths:
        for name, spec in _read(path).items():
            known = specs.setdefault(name, {**spec, "values": []})
            known["values"] = [*known["values"], *spec.get("values", [])]
    return {
        name: Parameter(
            name=name,
            kind=str(spec["type"]),
            label=str(spec.get("label", name)),
            values=tuple(_entry(name, str(spec["type"]), raw) for raw in spec["values"]),
            minimum=_bound(spec.get("min")) or Decimal(0),
            maximum=_bound(spec.get("max")),
        )
        for name, spec in specs.items()
    }


@cache
def all_parameters() -> dict[str, Parameter]:
    """Every parameter, read once per process (the shipped file, then the site's file)."""
    site = os.environ.get(SITE_FILE_VARIABLE, "")
    paths = (DATA_FILE, Path(site)) if site else (DATA_FILE,)
    return load(paths)


def latest(entries: Iterable[ParameterValue], on: dt.date) -> ParameterValue | None:
    """Of `entries`, the one in force on `on` that started last (the later listed on a tie)."""
    best = None
    for entry in entries:
        if entry.applies_on(on) and (best is None or entry.starts_on >= best.starts_on):
            best = entry
    return best


def pick(entries: Iterable[ParameterValue], *, on: dt.date, province: str = "") -> ParameterValue:
    """The entry in force on `on`: the province's latest, else the national latest."""
    listed = tuple(entries)
    for reach in (province, "") if province else ("",):
        found = latest((entry for entry in listed if entry.province == reach), on)
        if found is not None:
            return found
    name = listed[0].name if listed else "?"
    raise ParameterUnknown(name, on)


def param_value(name: str, *, on: dt.date, province: str = "") -> ParameterValue:
    """The entry of `name` in force on `on`: the province's latest, else the national latest."""
    parameter = all_parameters().get(name)
    if parameter is None:
        raise ParameterUnknown(name)
    try:
        return pick(parameter.values, on=on, province=province)
    except ParameterUnknown:
        raise ParameterUnknown(name, on) from None


def param(name: str, *, on: dt.date, province: str = "") -> Number:
    """The value of a policy parameter on a day (for a province, if it has its own)."""
    return param_value(name, on=on, province=province).value
