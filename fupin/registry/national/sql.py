"""Bulk inserts for the national import, without the ORM's work per value and per object.

A national file of a township is some 20,000 people: their members, households, incomes and
some 30,000 audit events. `bulk_create` prepares every value of every object through the
field's methods; here each column is adapted only if its type needs it (dates, times, amounts,
JSON), in one multi-row INSERT per chunk, with the new ids returned in order (as Django's own
bulk_create relies on, for PostgreSQL and SQLite 3.35+).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

Adapter = Callable[[Any], Any] | None
MAX_PARAMETERS = 999  # SQLite's oldest limit, also safe for PostgreSQL
_NOTHING = object()


def defaults(model: type[models.Model], given: Sequence[str]) -> dict[str, Any]:
    """The model's default for each concrete column not in `given` (by attname), and not id."""
    found = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        found[field.attname] = field.get_default()
    return found


def _adapter(field: models.Field[Any, Any]) -> Adapter:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning: bool = False
) -> list[int]:
    """Insert rows given as {attname: value}, all with the same keys; the new ids if asked."""
    if not rows:
        return []
    meta = model._meta
    names = list(rows[0])
    by_attname = {field.attname: field for field in meta.concrete_fields}
    adapters = [_adapter(by_attname[name]) for name in names]
    columns = ", ".join(connection.ops.quote_name(by_attname[name].column) for name in names)
    table = connection.ops.quote_name(meta.db_table)
    per_statement = max(MAX_PARAMETERS // len(names), 1)
    marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    ids: list[int] = []
    last: dict[str, Any] = {}
    adapted: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                for name, adapt in zip(names, adapters, strict=True):
                    value = row[name]
                    if adapt is None or value is None:
                        params.append(value)
                    elif value is last.get(name, _NOTHING):  # the same time on every row
                        params.append(adapted[name])
                    else:
                        last[name], adapted[name] = value, adapt(value)
                        params.append(adapted[name])
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(chunk))}"
            if returning:
                sql += f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
            cursor.execute(sql, params)
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids
