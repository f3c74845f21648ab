"""PostgreSQL: in-database screening for a county server.

With a snapshot, the tables are copied into temporary tables inside one transaction that
is rolled back at the end (nothing is left behind). Without one, the rules read tables of
the same names in `schema` (kept up to date by the integrator).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from fupin.rules.catalog import MONEY_PRECISION, MONEY_SCALE, Kind, Table
from fupin.rules.engines.base import Engine, Execute
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

                def execute(text: str) -> list[Any]:
                    cursor.execute(text.encode())
                    return cursor.fetchall()

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


def load_snapshot(
    cursor: psycopg.Cursor[Any],
    snapshot: Snapshot,
    tables: frozenset[str] | None = None,
    *,
    schema: str | None = None,
) -> None:
    """Copies snapshot tables (all, or `tables`) into tables of the same names: temporary
    ones by default, or in `schema` (which must exist) for a county server."""
    for name, definition in snapshot.catalog.tables.items():
        if tables is not None and name not in tables:
            continue
        target = sql.Identifier(schema or "pg_temp", name)
        create_table(cursor, definition, target, temporary=schema is None)
        copy_rows(cursor, definition, snapshot, target)
        cursor.execute(sql.SQL("ANALYZE {}").format(target))


def create_table(
    cursor: psycopg.Cursor[Any], definition: Table, target: sql.Identifier, *, temporary: bool
) -> None:
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(column.name), sql.SQL(POSTGRES_TYPES[column.kind]))
        for column in definition.columns.values()
    )
    kind = sql.SQL("TEMPORARY TABLE" if temporary else "TABLE")
    name = sql.Identifier(definition.name) if temporary else target
    cursor.execute(sql.SQL("CREATE {} {} ({})").format(kind, name, columns))


def copy_rows(
    cursor: psycopg.Cursor[Any], definition: Table, snapshot: Snapshot, target: sql.Identifier
) -> None:
    names = list(definition.columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        target, sql.SQL(", ").join(map(sql.Identifier, names))
    )
    data = snapshot.read_table(definition.name)
    with cursor.copy(statement) as copy:
        for batch in data.to_batches(max_chunksize=COPY_BATCH_ROWS):
            columns = [batch.column(name).to_pylist() for name in names]
            for row in zip(*columns, strict=True):
                copy.write_row(row)
