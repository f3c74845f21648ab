"""PostgreSQL: in-database screening for a county server.

With a snapshot, the tables are copied into temporary tables inside one transaction that
is rolled back at the end (nothing is left behind). Without one, the rules read tables of
the same names in `schema` (kept up to date by the integrator).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg import sql

from fupin.rules.catalog import MONEY_PRECISION, MONEY_SCALE, Kind, Table
from fupin.rules.engines.base import Engine, Execute, load_dialect
from fupin.rules.language.typed import Type
from fupin.rules.snapshot import Snapshot

POSTGRES_TYPES = {
    Kind.TEXT: "text",
    Kind.CODE: "text",
    Kind.INTEGER: "bigint",
    Kind.DECIMAL: f"numeric({MONEY_PRECISION}, {MONEY_SCALE})",
    Kind.BOOLEAN: "boolean",
    Kind.DATE: "date",
}
COPY_BATCH_ROWS = 50_000
# Result columns read from CSV: booleans (t/f) and dates typed; the rest as text.
CSV_TYPES = {Kind.BOOLEAN: pa.bool_(), Kind.DATE: pa.date32()}


class PostgresEngine(Engine):
    name = "postgres"
    dialect = "postgres"

    def __init__(
        self,
        conninfo: str = "",
        *,
        connection: psycopg.Connection[Any] | None = None,
        schema: str | None = None,
    ) -> None:
        load_dialect(self.dialect)
        self.conninfo = conninfo
        self.connection = connection
        self.schema = schema

    @contextmanager
    def session(
        self, snapshot: Snapshot | None, tables: frozenset[str]
    ) -> Iterator[tuple[Execute, Mapping[str, str]]]:
        connection = self.connection or psycopg.connect(self.conninfo)
        try:
            with connection.transaction(force_rollback=True), connection.cursor() as cursor:
                names = self.table_names(cursor, snapshot, tables)

                def execute(text: str, columns: Mapping[str, Type]) -> pa.Table:
                    return fetch_arrow(cursor, text, columns)

                yield execute, names
        finally:
            if self.connection is None:
                connection.close()

    def table_names(
        self, cursor: psycopg.Cursor[Any], snapshot: Snapshot | None, tables: frozenset[str]
    ) -> dict[str, str]:
        if snapshot is not None:
            load_snapshot(cursor, snapshot, tables)
            return {name: f"pg_temp.{name}" for name in tables}
        if self.schema:
            return {name: f"{self.schema}.{name}" for name in tables}
        return {}


def fetch_arrow(cursor: psycopg.Cursor[Any], text: str, columns: Mapping[str, Type]) -> pa.Table:
    """Runs a query as `COPY (…) TO STDOUT` in CSV, which Arrow parses: no Python object per
    value. Booleans and dates are typed here; numbers stay exact text (as PostgreSQL wrote
    them) for the evidence writer (`hits.json_texts`)."""
    buffer = io.BytesIO()
    statement = f"COPY ({text}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    with cursor.copy(statement.encode()) as copy:
        for data in copy:
            buffer.write(data)
    buffer.seek(0)
    types = {name: CSV_TYPES.get(kind.kind, pa.string()) for name, kind in columns.items()}
    types["subject_id"] = pa.int64()
    options = pa_csv.ConvertOptions(
        column_types=types,
        true_values=["t"],
        false_values=["f"],
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return pa_csv.read_csv(buffer, convert_options=options)


def load_snapshot(
    cursor: psycopg.Cursor[Any],
    snapshot: Snapshot,
    tables: frozenset[str] | None = None,
    *,
    schema: str | None = None,
) -> None:
    """Copies snapshot tables (all, or `tables`) into tables of the same names: temporary
    ones by default, or in `schema` (which must exist) for a county server."""
    for name, definition in snapshot.catalog.snapshot_tables.items():
        if tables is not None and name not in tables:
            continue
        target = sql.Identifier(schema or "pg_temp", name)
        create_table(cursor, definition, name, target, temporary=schema is None)
        copy_rows(cursor, definition, snapshot.read_table(name), target)
        cursor.execute(sql.SQL("ANALYZE {}").format(target))


def create_table(
    cursor: psycopg.Cursor[Any],
    definition: Table,
    name: str,
    target: sql.Identifier,
    *,
    temporary: bool,
) -> None:
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(column.name), sql.SQL(POSTGRES_TYPES[column.kind]))
        for column in definition.columns.values()
    )
    kind = sql.SQL("TEMPORARY TABLE" if temporary else "TABLE")
    created = sql.Identifier(name) if temporary else target
    cursor.execute(sql.SQL("CREATE {} {} ({})").format(kind, created, columns))


def copy_rows(
    cursor: psycopg.Cursor[Any], definition: Table, data: pa.Table, target: sql.Identifier
) -> None:
    """COPY in CSV written by Arrow (no Python object per value): an unquoted empty field is
    NULL; the snapshot holds no empty strings (they are stored as NULL)."""
    names = list(definition.columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        target, sql.SQL(", ").join(map(sql.Identifier, names))
    )
    options = pa_csv.WriteOptions(include_header=False, batch_size=COPY_BATCH_ROWS)
    with cursor.copy(statement) as copy:
        for batch in data.select(names).to_batches(max_chunksize=COPY_BATCH_ROWS):
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, write_options=options)
            copy.write(buffer.getvalue())
