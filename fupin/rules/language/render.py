"""Compiled rule ▸ SQL text for one dialect, with the run's values bound as literal nodes.

Placeholders are replaced in the syntax tree (never by editing text); table names can be
mapped to where an engine keeps them (`pg_temp.households`, a per-run Spark view, …).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from sqlglot import exp

from fupin.rules.catalog import Catalog, Kind
from fupin.rules.language.compiler import CompiledRule
from fupin.rules.language.errors import ErrorCode, RuleError, _
from fupin.rules.language.typed import DATE, INTEGER, Months, Type
from fupin.rules.language.values import literal, parameter_value

DIALECTS = ("duckdb", "postgres", "spark")


def render(
    rule: CompiledRule,
    dialect: str,
    *,
    screening_date: dt.date,
    params: Mapping[str, object],
    income_year: int | None = None,
    tables: Mapping[str, str] | None = None,
) -> str:
    """The rule's SQL for `dialect` ("duckdb", "postgres" or "spark")."""
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}")
    query = bind(
        rule,
        screening_date=screening_date,
        params=params,
        income_year=income_year,
        tables=tables,
    )
    return query.sql(dialect=dialect)


def bind(
    rule: CompiledRule,
    *,
    screening_date: dt.date,
    params: Mapping[str, object],
    income_year: int | None = None,
    tables: Mapping[str, str] | None = None,
) -> exp.Expr:
    values = placeholder_values(
        rule, screening_date=screening_date, params=params, income_year=income_year
    )
    return bind_query(rule.query, values, rule.catalog, tables, f"rule {rule.code}")


def bind_query(
    query: exp.Expr,
    values: Mapping[str, exp.Expr],
    catalog: Catalog,
    tables: Mapping[str, str] | None,
    what: str,
) -> exp.Expr:
    """`query` with its placeholders replaced by `values` and snapshot tables renamed."""
    mapping = dict(tables or {})
    known = catalog.snapshot_tables

    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder):
            return values[str(node.this)].copy()
        if isinstance(node, exp.Table) and node.name in mapping and node.name in known:
            renamed = exp.to_table(mapping[node.name])
            renamed.set("alias", node.args.get("alias"))
            return renamed
        return node

    bound = query.transform(replace)
    leftover = bound.find(exp.Placeholder)
    if leftover is not None:
        raise ValueError(f"unbound placeholder {leftover.this!r} in {what}")
    return bound


def placeholder_values(
    rule: CompiledRule,
    *,
    screening_date: dt.date,
    params: Mapping[str, object],
    income_year: int | None = None,
) -> dict[str, exp.Expr]:
    """Every run-time value a compiled rule may refer to, as literal nodes."""
    year = screening_date.year if income_year is None else income_year
    month_index = screening_date.year * 12 + screening_date.month
    values = {
        "screening_date": literal(screening_date, DATE),
        "income_year": literal(year, INTEGER),
        "income_prev_year": literal(year - 1, INTEGER),
        "month_index": literal(month_index, INTEGER),
    }
    bound_params = {}
    for use in rule.parameters:
        if use.name not in params:
            raise RuleError(
                ErrorCode.MISSING_PARAMETER,
                _("No value was given for parameter %(name)s."),
                use.line,
                use.column,
                name=use.name,
            )
        bound_params[use.name] = parameter_value(use, params[use.name], rule.catalog)
        values[f"param:{use.name}"] = literal(bound_params[use.name], use.type)
    for months in rule.windows:
        count = _window_months(rule, months, bound_params)
        values[f"window_start:{months.key}"] = literal(months_before(screening_date, count), DATE)
        values[f"month_index_start:{months.key}"] = literal(month_index - count, INTEGER)
    return values


def _window_months(rule: CompiledRule, months: Months, params: Mapping[str, object]) -> int:
    if months.count is not None:
        return months.count
    value = params.get(months.param or "")
    if isinstance(value, int) and 1 <= value <= 600:
        return value
    use = next(use for use in rule.parameters if use.name == months.param)
    raise RuleError(
        ErrorCode.INVALID_PARAMETER_VALUE,
        _("Parameter %(name)s must be a %(type)s, not %(value)s."),
        use.line,
        use.column,
        name=use.name,
        type="1–600",
        value=repr(value),
    )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 Mar − 1 = 29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def evidence_type(rule: CompiledRule, key: str) -> Type | None:
    return next((column.type for column in rule.evidence if column.key == key), None)


__all__ = [
    "DIALECTS",
    "Kind",
    "bind",
    "bind_query",
    "months_before",
    "placeholder_values",
    "render",
]
