"""Staged rows against the department table, a part at a time: which are new, which would
update a stored row (and what that row holds now), which are the same as stored.

The part's natural keys are looked up in the database in one statement; the rows found are
put next to the part in DuckDB, typed like the staged rows, and compared column by column
(`IS DISTINCT FROM`, so NULL equals NULL). The preview and promotion both use this, so what the
preview says is what promotion does (promotion compares again, under its lock, with the table
as it then is).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from fupin.datahub.feeds import Feed
from fupin.datahub.pipeline import tables
from fupin.datahub.pipeline.store import ALIAS, Connection, column_types, quoted, staged_form

PART = 50_000  # staged rows compared (and promoted) at a time


@dataclass
class Part:
    """One part of the staged rows, compared. Rows are in staged form (see `tables`)."""

    size: int = 0
    new: list[tuple[Any, ...]] = field(default_factory=list)
    # (row id, staged row, the stored row's values as `ReplacedRow.values` keeps them)
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


def register_existing(connection: Connection, feed: Feed, rows: list[tuple[Any, ...]]) -> None:
    """The stored rows as temporary table `existing`, typed like the staged rows."""
    names = tables.existing_columns(feed)
    columns = list(zip(*rows, strict=True))
    raw = pa.table(
        {name: arrow_column(list(column)) for name, column in zip(names, columns, strict=True)}
    )
    connection.register("existing_raw", raw)
    try:
        typed = ", ".join(
            f"CAST({quoted(name)} AS {kind}) AS {quoted(name)}" for name, kind in column_types(feed)
        )
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE existing AS SELECT "
            "CAST(natural_key AS VARCHAR) AS natural_key, "
            "CAST(id AS BIGINT) AS id, CAST(batch_id AS BIGINT) AS batch_id, "
            f"CAST(source_row AS BIGINT) AS source_row, {typed} FROM existing_raw"
        )
    finally:
        connection.unregister("existing_raw")


def parts(connection: Connection, feed: Feed, *, with_rows: bool) -> Iterator[Part]:
    """The staged rows (`s.rows`, in the order staged) a part at a time, compared with the table.
    With `with_rows`, each part carries its new rows and its updated rows (for promotion).

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
    worker = connection.cursor()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fupin-compare") as pool:
        pending: Future[Part] | None = None
        for batch in reader:
            found = tables.existing(feed, batch.column("natural_key").to_pylist())
            comparing = pool.submit(compare_part, worker, feed, batch, found, with_rows=with_rows)
            if pending is not None:
                yield pending.result()
            pending = comparing
        if pending is not None:
            yield pending.result()


def compare_part(
    connection: Connection,
    feed: Feed,
    batch: pa.RecordBatch,
    found: list[tuple[Any, ...]],
    *,
    with_rows: bool,
) -> Part:
    """One part (`batch`) against the rows `found` in the table for its keys."""
    connection.register("part", pa.Table.from_batches([batch]))
    try:
        return classify(connection, feed, batch.num_rows, found, with_rows=with_rows)
    finally:
        connection.unregister("part")


def classify(
    connection: Connection,
    feed: Feed,
    size: int,
    found: list[tuple[Any, ...]],
    *,
    with_rows: bool,
) -> Part:
    part = Part(size=size)
    types = column_types(feed)
    values = ", ".join(staged_form("p." + quoted(name), kind) for name, kind in types)
    staged = f"SELECT p.source_row, p.natural_key, {values}"
    if not found:
        part.new_count = part.size
        if with_rows:
            part.new = connection.execute(f"{staged} FROM part p ORDER BY source_row").fetchall()
        return part
    register_existing(connection, feed, found)
    differs = " OR ".join(
        f"p.{quoted(name)} IS DISTINCT FROM e.{quoted(name)}" for name, _kind in types
    )
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE compared AS SELECT p.source_row, e.id AS row_id, "
        f"CASE WHEN e.id IS NULL THEN 'new' WHEN {differs} THEN 'updated' ELSE 'same' END "
        "AS outcome "
        "FROM part p LEFT JOIN existing e ON e.natural_key = p.natural_key"
    )
    counts = dict(
        connection.execute("SELECT outcome, count(*) FROM compared GROUP BY outcome").fetchall()
    )
    part.new_count, part.updated_count = counts.get("new", 0), counts.get("updated", 0)
    if with_rows:
        part.new = connection.execute(
            f"{staged} FROM part p JOIN compared c USING (source_row) "
            "WHERE c.outcome = 'new' ORDER BY p.source_row"
        ).fetchall()
        part.updated = updated_rows(connection, feed, staged)
    return part


def updated_rows(
    connection: Connection, feed: Feed, staged: str
) -> list[tuple[int, tuple[Any, ...], dict[str, Any]]]:
    types = column_types(feed)
    previous = ", ".join(staged_form("e." + quoted(name), kind) for name, kind in types)
    found = connection.execute(
        f"{staged}, c.row_id, e.batch_id, e.source_row, {previous} FROM part p "
        "JOIN compared c USING (source_row) JOIN existing e ON e.id = c.row_id "
        "WHERE c.outcome = 'updated' ORDER BY p.source_row"
    ).fetchall()
    width = 2 + len(types)
    names = [name for name, _kind in types]
    rows = []
    for record in found:
        row, (row_id, batch_id, source_row, *values) = record[:width], record[width:]
        old = {
            "batch_id": batch_id,
            "source_row": source_row,
            **dict(zip(names, values, strict=True)),
        }
        rows.append((row_id, tuple(row), old))
    return rows
