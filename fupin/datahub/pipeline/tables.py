"""Reading and writing a feed's department table in bulk (plain SQL, one statement per chunk).

A staged row is a list: source row, natural key, then the stored values in `stored_columns`
order, each as the database takes it (ISO dates, amounts as text, booleans, ints). Existing rows
are read back through the ORM and put in the same form, so "unchanged" is a plain comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from fupin.datahub.feeds import Feed

LOOKUP_CHUNK = 500  # keys per IN (...) query: within every database's parameter limit
BASE_COLUMNS = ("id_number", "name", "person_id", "period_year", "period_month")
Row = list[Any]


def stored_columns(feed: Feed) -> list[str]:
    return [*BASE_COLUMNS, *feed.value_fields]


def staged_row(columns: Sequence[str], source_row: int, key: str, values: dict[str, Any]) -> Row:
    """`columns` is `stored_columns(feed)`, computed once by the caller."""
    return [source_row, key, *[values[name] for name in columns]]


def _decimal(value: Any) -> Any:
    return None if value is None else f"{value:.2f}"


def _date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _bool(value: Any) -> Any:
    return None if value is None else bool(value)


def converters(feed: Feed) -> list[tuple[int, Any]]:
    """(position, converter) for the stored columns whose raw database value differs in form
    from a staged value: amounts (SQLite gives numbers), dates (PostgreSQL gives dates) and
    booleans (SQLite gives 0/1)."""
    found = []
    for position, name in enumerate(stored_columns(feed)):
        field = feed.model._meta.get_field(name.removesuffix("_id"))
        if isinstance(field, models.DecimalField):
            found.append((position, _decimal))
        elif isinstance(field, models.DateField):
            found.append((position, _date))
        elif isinstance(field, models.BooleanField):
            found.append((position, _bool))
    return found


class Existing:
    """The current row of a natural key: its id, the batch that wrote it, its stored values."""

    __slots__ = ("batch_id", "row_id", "source_row", "values")

    def __init__(
        self, row_id: int, batch_id: int, source_row: int, values: tuple[Any, ...]
    ) -> None:
        self.row_id = row_id
        self.batch_id = batch_id
        self.source_row = source_row
        self.values = values


def existing_rows(feed: Feed, keys: Sequence[str]) -> dict[str, Existing]:
    """The stored rows of these natural keys (one plain query per LOOKUP_CHUNK keys)."""
    names = _names(["natural_key", "id", "batch_id", "source_row", *stored_columns(feed)])
    convert = converters(feed)
    found: dict[str, Existing] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {', '.join(names)} FROM {_table(feed)} WHERE {names[0]} IN ({marks})",
                list(chunk),
            )
            for key, row_id, batch_id, source_row, *values in cursor.fetchall():
                for position, change in convert:
                    values[position] = change(values[position])
                found[key] = Existing(row_id, batch_id, source_row, tuple(values))
    return found


def _table(feed: Feed) -> str:
    return connection.ops.quote_name(feed.model._meta.db_table)


def _names(columns: Iterable[str]) -> list[str]:
    return [connection.ops.quote_name(name) for name in columns]


def insert(feed: Feed, batch_id: int, rows: Sequence[Row]) -> None:
    if not rows:
        return
    columns = _names(["batch_id", "source_row", "natural_key", *stored_columns(feed)])
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {_table(feed)} ({', '.join(columns)}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[batch_id, *row] for row in rows])


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


def previous_values(feed: Feed, existing: Existing) -> dict[str, Any]:
    names = stored_columns(feed)
    return {
        "batch_id": existing.batch_id,
        "source_row": existing.source_row,
        **dict(zip(names, existing.values, strict=True)),
    }
