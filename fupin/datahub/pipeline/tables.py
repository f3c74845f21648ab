"""Reading and writing a feed's department table in bulk (plain SQL, a statement per chunk).

A staged row is a sequence: source row, natural key, then the stored values in `stored_columns`
order, each as the database takes it (ISO dates, amounts as text, booleans, ints). A written
row (`written_columns`) is the batch id, then a staged row, then its `row_hash`; `compare` makes
them in DuckDB, so no Python touches a row on its way in. Rows are found by natural key (key, id
and hash only) or by id (whole rows), in one statement per chunk (SQLite: `json_each` over one
JSON parameter; PostgreSQL: `= ANY` over one array); new rows are written with `executemany`
(SQLite) or `COPY` of CSV text (PostgreSQL).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
from django.db import connection, models
from pyarrow import csv as pacsv

from fupin.datahub.feeds import Feed

ROWS_PER_STATEMENT = 200  # rows bound into one INSERT on SQLite
MAX_PARAMETERS = 30_000  # below SQLite's limit on the parameters of a statement (32,766)
LOOKUP_CHUNK = 500  # keys per IN (...) on a database with neither json_each nor arrays
BASE_COLUMNS = ("id_number", "name", "person_id", "period_year", "period_month")
HASH = "row_hash"
NEW_ROWS = "fupin_new_rows_of_"  # + the feed's table: a temporary table of the connection
Row = Sequence[Any]


def stored_columns(feed: Feed) -> list[str]:
    return [*BASE_COLUMNS, *feed.value_fields]


def written_columns(feed: Feed) -> list[str]:
    """What `insert` takes of each row, in order."""
    return ["batch_id", "source_row", "natural_key", *stored_columns(feed), HASH]


def _table(feed: Feed) -> str:
    return connection.ops.quote_name(feed.model._meta.db_table)


def _names(columns: Iterable[str]) -> list[str]:
    return [connection.ops.quote_name(name) for name in columns]


def stored_row_columns(feed: Feed) -> list[str]:
    """What `stored` returns of each row, in order."""
    return ["id", "batch_id", "source_row", *stored_columns(feed), HASH]


def existing(feed: Feed, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """(natural key, id, row hash) of the stored rows of these natural keys."""
    names = ", ".join(_names(["natural_key", "id", HASH]))
    return _find(feed, names, "natural_key", keys)


def stored(feed: Feed, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The stored rows of these ids, as the database gives them (`stored_row_columns`)."""
    return _find(feed, ", ".join(_selected(feed)), "id", ids)


def _find(feed: Feed, names: str, column: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    if not values:
        return []
    key = connection.ops.quote_name(column)
    select = f"SELECT {names} FROM {_table(feed)} WHERE "
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                select + f"{key} IN (SELECT value FROM json_each(%s))",
                [json.dumps(list(values), ensure_ascii=False)],
            )
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        if connection.vendor == "postgresql":
            cursor.execute(select + f"{key} = ANY(%s)", [list(values)])
            rows = cursor.fetchall()
            return rows
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(values), LOOKUP_CHUNK):
            chunk = values[start : start + LOOKUP_CHUNK]
            cursor.execute(select + f"{key} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
            found += cursor.fetchall()
        return found


def _selected(feed: Feed) -> list[str]:
    """The columns of `stored`; on SQLite, dates as the text they are stored as (Django's
    converter would make each a date object, to no purpose here)."""
    names = _names(stored_row_columns(feed))
    if connection.vendor != "sqlite":
        return names
    dates = {
        connection.ops.quote_name(field.column)
        for field in feed.model._meta.concrete_fields
        if isinstance(field, models.DateField)
    }
    return [f"CAST({name} AS TEXT) AS {name}" if name in dates else name for name in names]


def insert(feed: Feed, rows: pa.Table) -> None:
    """Insert written rows (an Arrow table of `written_columns`, in that order): COPY on
    PostgreSQL, many rows a statement elsewhere."""
    if not rows.num_rows:
        return
    columns = _names(written_columns(feed))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows as CSV, written by pyarrow (in C): every text quoted, so an empty text
            # ("") stays apart from a missing value (nothing), as PostgreSQL's CSV reads them.
            text = io.BytesIO()
            pacsv.write_csv(rows, text, pacsv.WriteOptions(include_header=False))
            sql = f"COPY {_table(feed)} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            with cursor.cursor.copy(sql) as copy:
                copy.write(text.getbuffer())
            return
        values = [column.to_pylist() for column in rows.columns]
        # Bound into a bare temporary table, then copied in one statement: the table's indexes
        # are then updated by SQLite alone, without Python in between (much faster than binding
        # straight into the indexed table).
        names = ", ".join(columns)
        marks = ", ".join(["%s"] * len(columns))
        # One per feed: feeds differ in columns, and a connection may import several.
        new_rows = connection.ops.quote_name(NEW_ROWS + feed.model._meta.db_table)
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {new_rows} ({names})")
        cursor.execute(f"DELETE FROM {new_rows}")
        # Many rows a statement: binding is what costs here, and Python's sqlite3 binds a
        # statement's parameters for less than it takes to step through a statement per row.
        # The parameters are the columns interleaved (row after row) by slice assignment, and
        # each statement takes a slice of them: no Python loop over rows or values.
        width = len(columns)
        flat: list[Any] = [None] * (rows.num_rows * width)
        for index, column in enumerate(values):
            flat[index::width] = column
        per = max(1, min(ROWS_PER_STATEMENT, MAX_PARAMETERS // width))
        whole = rows.num_rows - rows.num_rows % per
        if whole:
            many = ", ".join([f"({marks})"] * per)
            step = per * width
            cursor.executemany(
                f"INSERT INTO {new_rows} VALUES {many}",
                [flat[start : start + step] for start in range(0, whole * width, step)],
            )
        if whole < rows.num_rows:
            cursor.executemany(
                f"INSERT INTO {new_rows} VALUES ({marks})",
                [flat[start : start + width] for start in range(whole * width, len(flat), width)],
            )
        cursor.execute(f"INSERT INTO {_table(feed)} ({names}) SELECT {names} FROM {new_rows}")
        cursor.execute(f"DELETE FROM {new_rows}")


def update(feed: Feed, rows: Sequence[tuple[int, Row]]) -> None:
    """Overwrite rows by id with written rows (`written_columns`: the batch id first)."""
    if not rows:
        return
    columns = _names([name for name in written_columns(feed) if name != "natural_key"])
    assignments = ", ".join(f"{name} = %s" for name in columns)
    sql = f"UPDATE {_table(feed)} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"
    params = [[*row[:2], *row[3:], row_id] for row_id, row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def restore(feed: Feed, rows: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Put back the values a batch replaced: {column: value} per row id (a row replaced before
    rows had a hash gets none: NULL, compared value by value)."""
    if not rows:
        return
    columns = ["batch_id", "source_row", *stored_columns(feed), HASH]
    assignments = ", ".join(f"{name} = %s" for name in _names(columns))
    sql = f"UPDATE {_table(feed)} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"
    params = [[values.get(name) for name in columns] + [row_id] for row_id, values in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def delete_batch_rows(feed: Feed, batch_id: int) -> int:
    return feed.model._default_manager.filter(batch_id=batch_id).delete()[0]
