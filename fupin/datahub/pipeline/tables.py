"""Reading and writing a feed's department table in bulk (plain SQL, a statement per chunk).

A staged row is a sequence: source row, natural key, then the stored values in `stored_columns`
order, each as the database takes it (ISO dates, amounts as text, booleans, ints). Rows are
found by natural key in one statement per chunk of keys (SQLite: `json_each` over one JSON
parameter; PostgreSQL: `= ANY` over one array); new rows are written with `executemany` into a
temporary table and one `INSERT … SELECT` (SQLite), or with `COPY` (PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from fupin.datahub.feeds import Feed

LOOKUP_CHUNK = 500  # keys per IN (...) on a database with neither json_each nor arrays
BASE_COLUMNS = ("id_number", "name", "person_id", "period_year", "period_month")
NEW_ROWS = "fupin_new_rows_of_"  # + the feed's table: a temporary table of the connection
Row = Sequence[Any]


def stored_columns(feed: Feed) -> list[str]:
    return [*BASE_COLUMNS, *feed.value_fields]


def _table(feed: Feed) -> str:
    return connection.ops.quote_name(feed.model._meta.db_table)


def _names(columns: Iterable[str]) -> list[str]:
    return [connection.ops.quote_name(name) for name in columns]


def existing_columns(feed: Feed) -> list[str]:
    """What `existing` returns of each row, in order."""
    return ["natural_key", "id", "batch_id", "source_row", *stored_columns(feed)]


def existing(feed: Feed, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """The stored rows of these natural keys, as the database gives them (`existing_columns`)."""
    if not keys:
        return []
    names = ", ".join(_selected(feed))
    key = connection.ops.quote_name("natural_key")
    select = f"SELECT {names} FROM {_table(feed)} WHERE "
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                select + f"{key} IN (SELECT value FROM json_each(%s))",
                [json.dumps(list(keys), ensure_ascii=False)],
            )
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        if connection.vendor == "postgresql":
            cursor.execute(select + f"{key} = ANY(%s)", [list(keys)])
            rows = cursor.fetchall()
            return rows
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            cursor.execute(select + f"{key} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
            found += cursor.fetchall()
        return found


def _selected(feed: Feed) -> list[str]:
    """The columns of `existing`; on SQLite, dates as the text they are stored as (Django's
    converter would make each a date object, to no purpose here)."""
    names = _names(existing_columns(feed))
    if connection.vendor != "sqlite":
        return names
    dates = {
        connection.ops.quote_name(field.column)
        for field in feed.model._meta.concrete_fields
        if isinstance(field, models.DateField)
    }
    return [f"CAST({name} AS TEXT) AS {name}" if name in dates else name for name in names]


def insert(feed: Feed, batch_id: int, rows: Sequence[Row]) -> None:
    """Insert staged rows as this batch's (COPY on PostgreSQL, executemany elsewhere)."""
    if not rows:
        return
    columns = _names(["batch_id", "source_row", "natural_key", *stored_columns(feed)])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {_table(feed)} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((batch_id, *row))
            return
        # Bound into a bare temporary table, then copied in one statement: the table's indexes
        # are then updated by SQLite alone, without Python in between (faster than binding
        # straight into the indexed table).
        names = ", ".join(columns)
        marks = ", ".join(["%s"] * len(columns))
        # One per feed: feeds differ in columns, and a connection may import several.
        new_rows = connection.ops.quote_name(NEW_ROWS + feed.model._meta.db_table)
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {new_rows} ({names})")
        cursor.execute(f"DELETE FROM {new_rows}")
        cursor.executemany(
            f"INSERT INTO {new_rows} VALUES ({marks})", [(batch_id, *row) for row in rows]
        )
        cursor.execute(f"INSERT INTO {_table(feed)} ({names}) SELECT {names} FROM {new_rows}")
        cursor.execute(f"DELETE FROM {new_rows}")


def update(feed: Feed, batch_id: int, rows: Sequence[tuple[int, Row]]) -> None:
    """Overwrite rows by id with staged values (and make them this batch's)."""
    if not rows:
        return
    columns = _names(["batch_id", "source_row", *stored_columns(feed)])
    assignments = ", ".join(f"{name} = %s" for name in columns)
    sql = f"UPDATE {_table(feed)} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"
    params = [[batch_id, row[0], *row[2:], row_id] for row_id, row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def restore(feed: Feed, rows: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Put back the values a batch replaced: {column: value} per row id."""
    if not rows:
        return
    columns = ["batch_id", "source_row", *stored_columns(feed)]
    assignments = ", ".join(f"{name} = %s" for name in _names(columns))
    sql = f"UPDATE {_table(feed)} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"
    params = [[values[name] for name in columns] + [row_id] for row_id, values in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def delete_batch_rows(feed: Feed, batch_id: int) -> int:
    return feed.model._default_manager.filter(batch_id=batch_id).delete()[0]
