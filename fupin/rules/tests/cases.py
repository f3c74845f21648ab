"""Loads the YAML rule cases (cases/*.yaml) a policy expert can read and extend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fupin.rules.catalog import default_catalog
from fupin.rules.language import RuleSource, Scope
from fupin.rules.snapshot import Snapshot

CASES_DIR = Path(__file__).with_name("cases")
DEFAULTS: dict[str, Any] = yaml.safe_load((CASES_DIR / "_defaults.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class ExpectedHit:
    subject: int
    evidence: Mapping[str, Any] | None


@dataclass(frozen=True)
class RuleCase:
    file: str
    rule: RuleSource
    name: str
    screening_date: dt.date
    income_year: int | None
    params: Mapping[str, Any]
    scope: Scope
    rows: Mapping[str, list[dict[str, Any]]]
    hits: list[ExpectedHit] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.rule.code}: {self.name}"


def load_rule_files() -> list[dict[str, Any]]:
    files = sorted(p for p in CASES_DIR.glob("*.yaml") if not p.name.startswith("_"))
    return [{"file": p.name, **yaml.safe_load(p.read_text("utf-8"))} for p in files]


def load_cases() -> list[RuleCase]:
    cases = []
    for spec in load_rule_files():
        rule = spec["rule"]
        source = RuleSource(rule["code"], rule["subject"], rule["text"])
        cases += [_case(spec["file"], source, case) for case in spec["cases"]]
    return cases


def _case(file: str, source: RuleSource, spec: dict[str, Any]) -> RuleCase:
    scope = spec.get("scope", DEFAULTS["scope"])
    return RuleCase(
        file=file,
        rule=source,
        name=spec["name"],
        screening_date=spec.get("screening_date", DEFAULTS["screening_date"]),
        income_year=spec.get("income_year"),
        params=spec.get("params", {}),
        scope=Scope(
            village_codes=frozenset(scope.get("villages", [])),
            code_prefixes=tuple(scope.get("prefixes", [])),
        ),
        rows=spec.get("rows", {}),
        hits=[ExpectedHit(hit["subject"], hit.get("evidence")) for hit in spec.get("hits", [])],
    )


def with_defaults(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A fixture row completed with _defaults.yaml and the default ID numbers."""
    complete = {**DEFAULTS["rows"].get(table, {}), **row}
    columns = default_catalog().snapshot_tables[table].columns
    if "id_number" in columns and complete.get("id_number") is None and complete.get("person_id"):
        complete["id_number"] = f"ID{complete['person_id']:06d}"
    return complete


def write_snapshot(path: Path, rows: Mapping[str, list[dict[str, Any]]]) -> Snapshot:
    """A snapshot of the case's rows (`persons__outside`: people beyond the run's area who
    share an ID number or phone with someone in it; no defaults are added to those)."""
    snapshot = Snapshot.create(path)
    for table, table_rows in rows.items():
        snapshot.write_rows(table, [with_defaults(table, row) for row in table_rows])
    return snapshot
