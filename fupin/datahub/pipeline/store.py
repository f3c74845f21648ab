"""The staged rows of a batch: one Parquet file per batch, typed like the department table.

While a file is read, the rows to promote are appended to a Parquet file a chunk at a time, in
a work folder of the batch's own (`staging/work-<id>/`, with DuckDB's spill files); once every
row is checked the file is moved to `storage.staging_path(batch_id)` in one step, so a staged
file is always complete. A process killed while reading leaves only the work folder, which
`discard` removes. Nothing grows in memory with the file: DuckDB's working tables are bounded
by its memory limit and spill past it.

Every connection given out here sees the staged rows as the view `s.rows` (source row, natural
key, the stored columns, the row hash, in the order of the file). While the file is read, the
tables `k.seen` (the natural keys met so far, with their first row) and `k.members` (the
registry's active members of the batch's unit by ID number) sit beside it in a work database.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.db import models

from fupin.datahub import storage
from fupin.datahub.feeds import Feed
from fupin.datahub.pipeline.tables import stored_columns

MEMORY_LIMIT = "128MB"  # DuckDB spills to the work folder past this: memory stays flat
ALIAS = "s"
KEYS = "k"  # the work database of duplicate keys and members while a file is read
Connection = duckdb.DuckDBPyConnection


def duck_type(feed: Feed, name: str) -> str:
    """The DuckDB type of a stored column, from its model field."""
    if name == "person_id":
        return "BIGINT"
    if name in ("period_year", "period_month"):
        return "INTEGER"
    field = feed.model._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        return f"DECIMAL({field.max_digits}, {field.decimal_places})"
    if isinstance(field, models.DateField):
        return "DATE"
    if isinstance(field, models.BooleanField):
        return "BOOLEAN"
    if isinstance(field, models.IntegerField):
        return "INTEGER"
    return "VARCHAR"


def column_types(feed: Feed) -> list[tuple[str, str]]:
    """(stored column, DuckDB type), in `tables.stored_columns` order."""
    return [(name, duck_type(feed, name)) for name in stored_columns(feed)]


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def staged_form(expression: str, kind: str) -> str:
    """SQL rendering a typed value as a staged value is in Python: dates ISO, amounts as text
    with their two decimals (what the database takes as it is, see `tables`)."""
    if kind == "DATE" or kind.startswith("DECIMAL"):
        return f"CAST({expression} AS VARCHAR)"
    return expression


def select_staged(feed: Feed, table: str) -> str:
    """The columns of a staged row as Python sees it: source row, natural key, stored values."""
    values = [staged_form(quoted(name), kind) for name, kind in column_types(feed)]
    return f"SELECT source_row, natural_key, {', '.join(values)} FROM {table}"


# The row hash of a staged row (`hash_sql`) is DuckDB's `hash` of its typed values, which DuckDB
# does not promise to keep across versions. So it is trusted only while DuckDB hashes this row
# as it did when the constant was taken; otherwise stored hashes are ignored (rows compared
# value by value) and none are written. A DuckDB that hashes otherwise fails a test: then set
# the constant anew in a migration that sets every stored row_hash to NULL.
CANARY = (
    "SELECT CAST(hash('甲', CAST(1 AS BIGINT), DATE '2020-01-02', CAST(1.5 AS DECIMAL(12, 2)), "
    "TRUE, CAST(NULL AS VARCHAR), CAST(3 AS INTEGER)) >> 1 AS BIGINT)"
)
CANARY_HASH = 4583749683879789431


def hash_sql(feed: Feed, prefix: str = "") -> str:
    """The row hash of a staged row: 63 bits of DuckDB's hash of its stored values, each typed
    as staged (so the same values hash the same wherever they come from)."""
    values = ", ".join(
        f"CAST({prefix}{quoted(name)} AS {kind})" for name, kind in column_types(feed)
    )
    return f"CAST(hash({values}) >> 1 AS BIGINT)"


@functools.cache
def hashes_trusted() -> bool:
    """Whether this DuckDB hashes rows as the stored row hashes were made (see `CANARY`)."""
    with duckdb.connect() as connection:
        found = connection.execute(CANARY).fetchone()
    return found is not None and found[0] == CANARY_HASH


def connect(memory_dir: Path | None = None) -> Connection:
    # One thread a connection: a chunk's statements are too small for DuckDB to share them
    # out (they ran slower on two threads than on one); the pipeline keeps the second core
    # busy itself, with a statement of the next chunk (`stage.Reader.read`, `compare.parts`).
    config: dict[str, Any] = {
        "memory_limit": MEMORY_LIMIT,
        "preserve_insertion_order": True,
        "threads": 1,
    }
    if memory_dir is not None:
        config["temp_directory"] = str(memory_dir)
    return duckdb.connect(config=config)


def work_folder(batch_id: int) -> Path:
    return storage.folder(storage.STAGING) / f"work-{batch_id}"


class Staging:
    """The staged rows being written: `append` a chunk (an Arrow table from `select_typed`)."""

    def __init__(self, connection: Connection, feed: Feed, path: Path) -> None:
        self.connection, self.path = connection, path
        self.schema = connection.sql(select_typed(feed) + " LIMIT 0").to_arrow_table().schema
        self.writer: pq.ParquetWriter | None = None
        self.start()

    def start(self) -> None:
        """(Again) from nothing."""
        self.close()
        self.writer = pq.ParquetWriter(self.path, self.schema, compression="snappy")

    def append(self, rows: pa.Table) -> None:
        assert self.writer is not None
        if rows.num_rows:
            self.writer.write_table(rows.cast(self.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def view(self) -> None:
        """`s.rows` on what is written so far (the writer is closed)."""
        self.close()
        create_view(self.connection, self.path)


def select_typed(feed: Feed) -> str:
    """A typed empty row of the staged table (for its schema)."""
    columns = ", ".join(
        f"CAST(NULL AS {kind}) AS {quoted(name)}" for name, kind in column_types(feed)
    )
    key = "CAST(NULL AS VARCHAR) AS natural_key"
    hashed = "CAST(NULL AS BIGINT) AS row_hash"
    return f"SELECT CAST(NULL AS BIGINT) AS source_row, {key}, {columns}, {hashed}"


def create_view(connection: Connection, path: Path) -> None:
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {ALIAS}")
    connection.execute(
        f"CREATE OR REPLACE VIEW {ALIAS}.rows AS SELECT * FROM read_parquet({sql_text(str(path))})"
    )


@contextmanager
def create(feed: Feed, batch_id: int) -> Iterator[Staging]:
    """New staged rows for the batch; moved into place when the block ends without an error
    (the caller's work is then complete), dropped otherwise."""
    discard(batch_id)
    folder = work_folder(batch_id)
    (folder / "spill").mkdir(parents=True)
    connection = connect(folder / "spill")
    staging: Staging | None = None
    try:
        # only while reading, in a database file of the work folder: DuckDB keeps of it in
        # memory what its limit allows (a million keys would otherwise stay in memory)
        connection.execute(f"ATTACH {sql_text(str(folder / 'keys.duckdb'))} AS {KEYS}")
        connection.execute(f"CREATE TABLE {KEYS}.seen (natural_key VARCHAR, row BIGINT)")
        connection.execute(f"CREATE TABLE {KEYS}.members (id_number VARCHAR, person_id BIGINT)")
        staging = Staging(connection, feed, folder / "staged.parquet")
        yield staging
        staging.close()
    except BaseException:
        if staging is not None:
            staging.close()
        connection.close()
        discard(batch_id)
        raise
    connection.close()
    os.replace(folder / "staged.parquet", storage.staging_path(batch_id))
    discard(batch_id)


def discard(batch_id: int) -> None:
    """Remove what an unfinished staging left behind."""
    shutil.rmtree(work_folder(batch_id), ignore_errors=True)


@contextmanager
def attached(batch_id: int) -> Iterator[Connection]:
    """The staged rows of a batch as `s.rows`, on a connection of its own (with room for the
    caller's temporary tables). FileNotFoundError if there is none."""
    path = storage.staging_path(batch_id)
    if not path.is_file():
        raise FileNotFoundError(path)
    folder = work_folder(batch_id).with_name(f"read-{batch_id}-{os.getpid()}")
    connection = connect(folder)
    try:
        create_view(connection, path)
        yield connection
    finally:
        connection.close()
        shutil.rmtree(folder, ignore_errors=True)
