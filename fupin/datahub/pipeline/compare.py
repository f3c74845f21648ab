"""Staged rows against the department table, a part at a time: which are new, which would
update a stored row (and what that row holds now), which are the same as stored.

Each staged row gets a hash of its stored values (`hash_sql`, in DuckDB), which promotion
writes with the row (`row_hash`). Comparing a part then looks up only the natural key, id and
hash of the rows stored under its keys, in one statement: a row is the same when the hashes
are equal, updated when they differ. Whole stored rows are read only where needed: for the rows
an update replaces (their values are kept for a rollback), and for stored rows without a hash
(written otherwise), which are compared column by column (`IS DISTINCT FROM`, NULL equal to
NULL). The preview and promotion both use this, so what the preview says is what promotion does
(promotion compares again, under its lock, with the table as it then is).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from fupin.datahub.feeds import Feed
from fupin.datahub.pipeline import tables
from fupin.datahub.pipeline.store import (
    ALIAS,
    Connection,
    column_types,
    hash_sql,
    hashes_trusted,
    quoted,
    staged_form,
)

PART = 50_000  # staged rows compared (and promoted) at a time


@dataclass
class Part:
    """One part of the staged rows, compared. Rows are written rows (see `tables`)."""

    size: int = 0
    new: pa.Table | None = None  # written rows of the new keys (with `promote_as`)
    # (row id, written row, the stored row's values as `ReplacedRow.values` keeps them)
    updated: list[tuple[int, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    new_count: int = 0
    updated_count: int = 0

    @property
    def unchanged(self) -> int:
        return self.size - self.new_count - self.updated_count


def arrow_column(values: list[Any]) -> pa.Array:
    """A column of database values; text when the driver's types do not make one column."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if value is None else str(value) for value in values], pa.string())


def register_found(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """(natural key, id, row hash) of the stored rows as temporary table `found`."""
    raw = pa.table(
        {
            "natural_key": pa.array([row[0] for row in rows], pa.string()),
            "id": pa.array([row[1] for row in rows], pa.int64()),
            "row_hash": pa.array([row[2] for row in rows], pa.int64()),
        }
    )
    connection.register("found_raw", raw)
    try:
        connection.execute("CREATE OR REPLACE TEMP TABLE found AS SELECT * FROM found_raw")
    finally:
        connection.unregister("found_raw")


def register_stored(connection: Connection, feed: Feed, rows: list[tuple[Any, ...]]) -> None:
    """Whole stored rows (`tables.stored`) as temporary table `stored`, typed like the staged
    rows."""
    names = tables.stored_row_columns(feed)
    raw = pa.table(
        {name: arrow_column([row[index] for row in rows]) for index, name in enumerate(names)}
    )
    connection.register("stored_raw", raw)
    try:
        typed = ", ".join(
            f"CAST({quoted(name)} AS {kind}) AS {quoted(name)}" for name, kind in column_types(feed)
        )
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE stored AS SELECT "
            "CAST(id AS BIGINT) AS id, CAST(batch_id AS BIGINT) AS batch_id, "
            f"CAST(source_row AS BIGINT) AS source_row, {typed}, "
            "CAST(row_hash AS BIGINT) AS row_hash FROM stored_raw"
        )
    finally:
        connection.unregister("stored_raw")


def parts(connection: Connection, feed: Feed, *, promote_as: int | None = None) -> Iterator[Part]:
    """The staged rows (`s.rows`, in the order staged) a part at a time, compared with the table.
    With `promote_as` (a batch id), each part carries its new rows and its updated rows, written
    as that batch's (for promotion).

    The database look-ups stay on the caller's thread (its connection, its transaction); the
    comparison in DuckDB runs on a second thread on a cursor of its own, so that it overlaps
    with what the caller does with the part before (SQLite and DuckDB both let go of the GIL
    while they work): both cores are busy while a batch is promoted.
    """
    reader = (
        connection.cursor()
        .sql(f"SELECT * FROM {ALIAS}.rows")  # in the order staged: the file's
        .to_arrow_reader(PART)
    )
    # two cursors, a part's own: a part is finished on the caller's thread while the next one
    # is compared on the worker's
    cursors = (connection.cursor(), connection.cursor())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fupin-compare") as pool:
        pending: tuple[Future[Compared], Connection] | None = None
        for number, batch in enumerate(reader):
            found = tables.existing(feed, batch.column("natural_key").to_pylist())
            cursor = cursors[number % 2]
            comparing = pool.submit(compare_part, cursor, feed, batch, found, promote_as)
            if pending is not None:
                yield settle(pending[0].result(), feed, pending[1], promote_as)
            pending = (comparing, cursor)
        if pending is not None:
            yield settle(pending[0].result(), feed, pending[1], promote_as)


@dataclass
class Compared:
    """A part compared by hash, before the stored rows it needs are read (on the caller's
    thread): `ids` of the stored rows to read whole; `done` when nothing of it is stored."""

    part: Part
    ids: list[int]
    done: bool = False


def compare_part(
    connection: Connection,
    feed: Feed,
    batch: pa.RecordBatch,
    found: list[tuple[Any, ...]],
    promote_as: int | None,
) -> Compared:
    """One part (`batch`) against the (key, id, hash) `found` in the table for its keys."""
    part = Part(size=batch.num_rows)
    staged = pa.Table.from_batches([batch])
    if "row_hash" not in staged.column_names:  # staged before rows had a hash
        connection.register("part_raw", staged)
        try:
            staged = connection.sql(
                f"SELECT *, {hash_sql(feed)} AS row_hash FROM part_raw"
            ).to_arrow_table()
        finally:
            connection.unregister("part_raw")
    connection.unregister("part")
    connection.register("part", staged)
    if not found:
        part.new_count = part.size
        if promote_as is not None:
            part.new = connection.sql(
                f"{written(feed, promote_as)} FROM part p ORDER BY p.source_row"
            ).to_arrow_table()
        return Compared(part, [], done=True)
    register_found(connection, found)
    untrusted = "FALSE" if hashes_trusted() else "TRUE"
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE compared AS SELECT p.source_row, e.id AS row_id, "
        f"CASE WHEN e.id IS NULL THEN 'new' WHEN e.row_hash IS NULL OR {untrusted} THEN 'unknown' "
        "WHEN e.row_hash = p.row_hash THEN 'same' ELSE 'updated' END AS outcome "
        "FROM part p LEFT JOIN found e ON e.natural_key = p.natural_key"
    )
    wanted = "('unknown', 'updated')" if promote_as is not None else "('unknown')"
    ids = [
        row_id
        for (row_id,) in connection.execute(
            f"SELECT row_id FROM compared WHERE outcome IN {wanted} ORDER BY row_id"
        ).fetchall()
    ]
    return Compared(part, ids)


def settle(compared: Compared, feed: Feed, connection: Connection, promote_as: int | None) -> Part:
    """Finish comparing a part: the stored rows it needs (read on the caller's thread, in its
    transaction), the unknown ones compared value by value, the rows to write."""
    part = compared.part
    if compared.done:
        return part
    if compared.ids:
        register_stored(connection, feed, tables.stored(feed, compared.ids))
        differs = " OR ".join(
            f"p.{quoted(name)} IS DISTINCT FROM e.{quoted(name)}"
            for name, _kind in column_types(feed)
        )
        connection.execute(
            "UPDATE compared SET outcome = CASE WHEN differs THEN 'updated' ELSE 'same' END "
            f"FROM (SELECT p.source_row AS stored_row, ({differs}) AS differs "
            "FROM part p JOIN compared c USING (source_row) JOIN stored e ON e.id = c.row_id "
            "WHERE c.outcome = 'unknown') WHERE compared.source_row = stored_row"
        )
    counts = dict(
        connection.execute("SELECT outcome, count(*) FROM compared GROUP BY outcome").fetchall()
    )
    part.new_count, part.updated_count = counts.get("new", 0), counts.get("updated", 0)
    if promote_as is not None:
        part.new = connection.sql(
            f"{written(feed, promote_as)} FROM part p JOIN compared c USING (source_row) "
            "WHERE c.outcome = 'new' ORDER BY p.source_row"
        ).to_arrow_table()
        if part.updated_count:
            part.updated = updated_rows(connection, feed, promote_as)
    return part


def written(feed: Feed, batch_id: int) -> str:
    """SELECT of the written rows (`tables.written_columns`) of part `p` as this batch's."""
    values = ", ".join(staged_form("p." + quoted(name), kind) for name, kind in column_types(feed))
    hashed = "p.row_hash" if hashes_trusted() else "CAST(NULL AS BIGINT)"
    return f"SELECT {int(batch_id)}, p.source_row, p.natural_key, {values}, {hashed}"


def updated_rows(
    connection: Connection, feed: Feed, batch_id: int
) -> list[tuple[int, tuple[Any, ...], dict[str, Any]]]:
    types = column_types(feed)
    previous = ", ".join(staged_form("e." + quoted(name), kind) for name, kind in types)
    found = connection.execute(
        f"{written(feed, batch_id)}, c.row_id, e.batch_id, e.source_row, {previous}, "
        "e.row_hash FROM part p JOIN compared c USING (source_row) "
        "JOIN stored e ON e.id = c.row_id WHERE c.outcome = 'updated' ORDER BY p.source_row"
    ).fetchall()
    width = len(tables.written_columns(feed))
    names = ["batch_id", "source_row", *(name for name, _kind in types), tables.HASH]
    rows = []
    for record in found:
        row, (row_id, *values) = record[:width], record[width:]
        rows.append((row_id, tuple(row), dict(zip(names, values, strict=True))))
    return rows
