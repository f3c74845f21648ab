"""A screening snapshot: one Parquet file per catalog table, typed by the catalog.

The integrator writes the registry and department data into a fresh snapshot folder; every
engine reads the same files, so a run is reproducible and records exactly what it saw.
Empty strings in text and code columns are stored as NULL (Django stores "no value" as '').

A table with tallies (`persons`) also has its `<table>__outside` file: rows beyond the run's
area that share a tally key (an ID number, a phone) with a row inside it, holding only the
columns the tallies read — so a count is whole-registry while subjects stay in the area.
Large tables are streamed with `Snapshot.writer(name)`, one Arrow batch at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fupin.rules.catalog import (
    MONEY_PRECISION,
    MONEY_SCALE,
    Catalog,
    Kind,
    Table,
    default_catalog,
)

ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TEXT: pa.string(),
    Kind.CODE: pa.string(),
    Kind.INTEGER: pa.int64(),
    Kind.DECIMAL: pa.decimal128(MONEY_PRECISION, MONEY_SCALE),
    Kind.BOOLEAN: pa.bool_(),
    Kind.DATE: pa.date32(),
}
MANIFEST = "manifest.json"


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a catalog table's physical columns, in catalog order."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.kind]) for c in table.columns.values()])


class Snapshot:
    """A folder of Parquet files, one per catalog table (missing tables are written empty)."""

    def __init__(self, path: Path | str, catalog: Catalog | None = None) -> None:
        self.path = Path(path)
        self.catalog = catalog or default_catalog()

    @classmethod
    def create(cls, path: Path | str, catalog: Catalog | None = None) -> Snapshot:
        """A new snapshot with every table (and outside companion) present and empty."""
        snapshot = cls(path, catalog)
        snapshot.path.mkdir(parents=True, exist_ok=True)
        for name in snapshot.catalog.snapshot_tables:
            snapshot.write_table(name, snapshot.empty(name))
        return snapshot

    def table_path(self, name: str) -> Path:
        self._table(name)
        return self.path / f"{name}.parquet"

    def empty(self, name: str) -> pa.Table:
        return arrow_schema(self._table(name)).empty_table()

    def write_table(self, name: str, data: pa.Table) -> None:
        """Writes a table, cast to the catalog schema; missing columns become NULL."""
        with self.writer(name) as write:
            write(data)

    @contextmanager
    def writer(self, name: str) -> Iterator[TableWriter]:
        """Streams a table: `write(arrow_table)` as often as needed (each part cast to the
        catalog schema); the file replaces the table's and the manifest is updated when the
        block ends without an error."""
        writer = TableWriter(self, name)
        try:
            yield writer
        except BaseException:
            writer.abandon()
            raise
        writer.close()

    def write_rows(self, name: str, rows: Iterable[Mapping[str, object]]) -> None:
        """Writes Python rows (dicts); decimals may be given as int/str, dates as ISO text."""
        definition = self._table(name)
        columns = definition.columns
        unknown = {key for row in rows for key in row} - set(columns) if rows else set()
        if unknown:
            raise ValueError(f"{name}: unknown columns {sorted(unknown)}")
        prepared = [
            {col: _python_value(columns[col].kind, row.get(col)) for col in columns} for row in rows
        ]
        self.write_table(name, pa.Table.from_pylist(prepared, schema=arrow_schema(definition)))

    def read_table(self, name: str) -> pa.Table:
        return pq.read_table(self.table_path(name))

    def manifest(self) -> dict[str, object]:
        path = self.path / MANIFEST
        loaded: dict[str, object] = json.loads(path.read_text("utf-8")) if path.exists() else {}
        return loaded

    def _update_manifest(self, name: str, rows: int) -> None:
        manifest = self.manifest()
        previous = manifest.get("rows")
        counts = dict(previous) if isinstance(previous, dict) else {}
        counts[name] = rows
        manifest.update(catalog_version=self.catalog.version, rows=counts)
        manifest["written_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        (self.path / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
        )

    def _table(self, name: str) -> Table:
        table = self.catalog.snapshot_tables.get(name)
        if table is None:
            raise ValueError(f"{name!r} is not a table of the catalog")
        return table


class TableWriter:
    """Writes one snapshot table in parts (see `Snapshot.writer`): a temporary file first,
    renamed over the table's file on `close`, so a failed write leaves the old file."""

    def __init__(self, snapshot: Snapshot, name: str) -> None:
        self.snapshot = snapshot
        self.name = name
        self.definition = snapshot._table(name)
        self.path = snapshot.table_path(name)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.rows = 0
        self._out = pq.ParquetWriter(
            self.partial, arrow_schema(self.definition), compression="zstd"
        )

    def __call__(self, data: pa.Table | pa.RecordBatch) -> None:
        table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
        self._out.write_table(conform(self.definition, table))
        self.rows += table.num_rows

    def close(self) -> None:
        self._out.close()
        self.partial.replace(self.path)
        self.snapshot._update_manifest(self.name, self.rows)

    def abandon(self) -> None:
        self._out.close()
        self.partial.unlink(missing_ok=True)


def conform(definition: Table, data: pa.Table) -> pa.Table:
    """Casts `data` to the catalog schema of `definition` (unknown columns are an error)."""
    schema = arrow_schema(definition)
    unknown = set(data.column_names) - set(schema.names)
    if unknown:
        raise ValueError(f"{definition.name}: unknown columns {sorted(unknown)}")
    arrays = []
    for target in schema:
        if target.name in data.column_names:
            column = data.column(target.name).cast(target.type)
            if pa.types.is_string(target.type):
                column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
            arrays.append(column)
        else:
            arrays.append(pa.nulls(data.num_rows, target.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _python_value(kind: Kind, value: object) -> object:
    if value is None:
        return None
    if kind is Kind.DECIMAL and isinstance(value, int | float | str):
        return Decimal(str(value))
    if kind is Kind.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind in (Kind.TEXT, Kind.CODE) and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value
