"""The screening catalog: the tables, fields, code lists and parameters a rule may use.

Loaded from `catalog.yaml` (written once; the snapshot schema, the checker and the docs all
read it). Pure Python: no Django, no database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")


class Kind(StrEnum):
    """Value kinds of the rule language; `NULL` is only the type of the NULL literal."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    CODE = "code"
    NULL = "null"


class Link(StrEnum):
    """How a table's rows relate to a rule's subject (see catalog.yaml)."""

    HOUSEHOLD = "household"
    MEMBER = "member"
    PERSON = "person"


class Subject(StrEnum):
    HOUSEHOLD = "household"
    PERSON = "person"


PERIOD_WINDOW = "period"
# A table with tallies has a companion in the snapshot, `<table>__outside`: the rows beyond a
# run's area that share a tally key with a row inside it (only the columns tallies read).
OUTSIDE_SUFFIX = "__outside"
MONEY_PRECISION = 12
MONEY_SCALE = 2


@dataclass(frozen=True)
class CodeList:
    name: str
    values: tuple[str, ...]
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Column:
    """A physical column of a snapshot table."""

    name: str
    kind: Kind
    label: str
    codes: str | None = None
    sensitive: bool = False


@dataclass(frozen=True)
class DerivedField:
    """A field computed from its table's columns, written in the rule language (`expr`)."""

    name: str
    kind: Kind
    label: str
    expr: str
    codes: str | None = None
    sensitive: bool = False


@dataclass(frozen=True)
class TallyField:
    """Rows of the whole table that share this row's `key` (e.g. holders of one ID number)."""

    name: str
    kind: Kind
    label: str
    key: str
    count_distinct: str | None = None
    where: str | None = None
    codes: str | None = None
    sensitive: bool = False


Field = Column | DerivedField | TallyField


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    link: Link
    columns: Mapping[str, Column]
    fields: Mapping[str, DerivedField | TallyField]
    key: str | None = None
    window: str | None = None

    def field(self, name: str) -> Field | None:
        return self.columns.get(name) or self.fields.get(name)

    def all_fields(self) -> list[Field]:
        return [*self.columns.values(), *self.fields.values()]

    @property
    def tallies(self) -> list[TallyField]:
        return [item for item in self.fields.values() if isinstance(item, TallyField)]

    def tally_columns(self) -> tuple[str, ...]:
        """The columns the table's tallies read: keys, counted columns and those their
        conditions name — all that `<table>__outside` needs to hold."""
        names = {name for tally in self.tallies for name in self.tally_reads(tally)}
        return tuple(name for name in self.columns if name in names)

    def tally_reads(self, tally: TallyField) -> set[str]:
        named = re.findall(rf"\b{self.name}\.([a-z_]+)\b", tally.where or "")
        return {tally.key, *filter(None, [tally.count_distinct]), *named}


@dataclass(frozen=True)
class Qualifier:
    """How a rule names one row of the subject: `household`, `person`, `income`, …"""

    name: str
    table: str
    label: str
    subject: Subject | None = None  # only usable in rules of this subject
    year_offset: int | None = None  # income rows: screening income year + offset


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: Kind
    label: str
    codes: str | None = None


@dataclass(frozen=True)
class Catalog:
    version: int
    code_lists: Mapping[str, CodeList]
    tables: Mapping[str, Table]
    qualifiers: Mapping[str, Qualifier]
    parameters: Mapping[str, Parameter] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    def codes(self, name: str) -> CodeList:
        return self.code_lists[name]

    @property
    def outside_tables(self) -> dict[str, Table]:
        """`<table>__outside` ▸ its table, for every table with tallies (see OUTSIDE_SUFFIX)."""
        return {t.name + OUTSIDE_SUFFIX: t for t in self.tables.values() if t.tallies}

    @property
    def snapshot_tables(self) -> dict[str, Table]:
        """Every file of a snapshot by name: the catalog's tables and their outside companions.
        Rules name only the catalog's tables; the companions are read by tallies alone."""
        return {**self.tables, **self.outside_tables}

    def with_parameters(self, extra: Mapping[str, Parameter]) -> Catalog:
        """A copy that also declares `extra` parameters (e.g. ones added by an administrator)."""
        return replace(self, parameters={**self.parameters, **extra})


@functools.cache
def default_catalog() -> Catalog:
    return load_catalog(CATALOG_PATH)


def load_catalog(path: Path) -> Catalog:
    with path.open(encoding="utf-8") as stream:
        data: dict[str, Any] = yaml.safe_load(stream)
    code_lists = {name: _code_list(name, spec) for name, spec in data["code_lists"].items()}
    tables = {name: _table(name, spec) for name, spec in data["tables"].items()}
    catalog = Catalog(
        version=int(data["version"]),
        code_lists=code_lists,
        tables=tables,
        qualifiers={name: _qualifier(name, spec) for name, spec in data["qualifiers"].items()},
        parameters={name: _parameter(name, spec) for name, spec in data["parameters"].items()},
    )
    _validate(catalog)
    return catalog


def _code_list(name: str, spec: Any) -> CodeList:
    if isinstance(spec, list):
        values = tuple(str(value) for value in spec)
        return CodeList(name, values, {value: value for value in values})
    values = tuple(str(value) for value in spec["values"])
    labels = {str(key): str(label) for key, label in spec.get("labels", {}).items()}
    return CodeList(name, values, {value: labels.get(value, value) for value in values})


def _table(name: str, spec: dict[str, Any]) -> Table:
    columns = {key: _column(key, value) for key, value in spec["columns"].items()}
    fields = {key: _derived(key, value) for key, value in spec.get("fields", {}).items()}
    return Table(
        name=name,
        label=spec["label"],
        link=Link(spec["link"]),
        columns=columns,
        fields=fields,
        key=spec.get("key"),
        window=spec.get("window"),
    )


def _column(name: str, spec: dict[str, Any]) -> Column:
    return Column(
        name=name,
        kind=Kind(spec["type"]),
        label=spec["label"],
        codes=spec.get("codes"),
        sensitive=bool(spec.get("sensitive", False)),
    )


def _derived(name: str, spec: dict[str, Any]) -> DerivedField | TallyField:
    kind, label = Kind(spec["type"]), spec["label"]
    if "tally" in spec:
        tally = spec["tally"]
        return TallyField(
            name=name,
            kind=kind,
            label=label,
            key=tally["key"],
            count_distinct=tally.get("count_distinct"),
            where=tally.get("where"),
        )
    return DerivedField(
        name=name, kind=kind, label=label, expr=spec["expr"], codes=spec.get("codes")
    )


def _qualifier(name: str, spec: dict[str, Any]) -> Qualifier:
    subject = spec.get("subject")
    return Qualifier(
        name=name,
        table=spec["table"],
        label=spec["label"],
        subject=Subject(subject) if subject else None,
        year_offset=spec.get("year_offset"),
    )


def _parameter(name: str, spec: dict[str, Any]) -> Parameter:
    return Parameter(
        name=name, kind=Kind(spec["type"]), label=spec["label"], codes=spec.get("codes")
    )


def _validate(catalog: Catalog) -> None:
    """Catches mistakes in catalog.yaml at load time rather than in a rule run."""
    for table in catalog.tables.values():
        for item in table.all_fields():
            if item.kind is Kind.CODE and item.codes not in catalog.code_lists:
                raise ValueError(f"{table.name}.{item.name}: unknown code list {item.codes!r}")
        if table.window not in (None, PERIOD_WINDOW) and table.window not in table.columns:
            raise ValueError(f"{table.name}: window column {table.window!r} is not a column")
        if table.link is Link.PERSON and not {"id_number", "person_id"} <= set(table.columns):
            raise ValueError(f"{table.name}: person-linked tables need id_number and person_id")
        for tally in table.tallies:
            if not table.tally_reads(tally) <= set(table.columns):
                raise ValueError(f"{table.name}.{tally.name}: a tally reads columns only")
    for qualifier in catalog.qualifiers.values():
        if qualifier.table not in catalog.tables:
            raise ValueError(f"qualifier {qualifier.name}: unknown table {qualifier.table!r}")


def catalog_markdown(catalog: Catalog) -> str:
    """The catalog as Markdown tables (for docs/rules-language.md)."""
    lines: list[str] = []
    for table in catalog.tables.values():
        names = [q.name for q in catalog.qualifiers.values() if q.table == table.name]
        how = f"qualifiers: {', '.join(f'`{n}`' for n in names)}; " if names else ""
        window = f"; `months =>` filters on `{table.window}`" if table.window else ""
        lines += [f"### `{table.name}` — {table.label}", ""]
        lines += [f"{how}related rows: `{table.link}`{window}.", ""]
        lines += ["| field | type | label | source |", "|---|---|---|---|"]
        lines += [_field_row(catalog, item) for item in table.all_fields()]
        lines.append("")
    lines += ["### Parameters", "", "| name | type | label |", "|---|---|---|"]
    lines += [f"| `{p.name}` | {p.kind} | {p.label} |" for p in catalog.parameters.values()]
    return "\n".join(lines) + "\n"


def _field_row(catalog: Catalog, item: Field) -> str:
    kind = str(item.kind)
    if item.codes:
        kind += ": " + ", ".join(catalog.codes(item.codes).values)
    label = item.label + (" (sensitive)" if item.sensitive else "")
    match item:
        case DerivedField(expr=expr):
            source = f"`{expr}`"
        case TallyField(key=key, count_distinct=distinct, where=where):
            counted = f"distinct {distinct}" if distinct else "rows"
            source = f"count of {counted} with the same `{key}`" + (
                f" where `{where}`" if where else ""
            )
        case _:
            source = "column"
    return f"| `{item.name}` | {kind} | {label} | {source} |"
