"""Several compiled rules of one subject ▸ one query, so the rules share their scans and joins.

A run compiles each rule on its own (`compile_rule`: checked, with its scope and evidence);
an engine then runs them in batches, one per subject (and scope): the rules' typed trees are
compiled again by one `QueryBuilder`, which keys every join and related-row group, so a table
read by ten rules is scanned and grouped once. Shape:

    SELECT * FROM (
      SELECT <subject id> AS subject_id,
             COALESCE((<condition of rule 1>), FALSE) AS c1, …   -- one boolean per rule
             <evidence value> AS x1, …                            -- each value once
      FROM <the subject's rows> LEFT JOIN <shared joins> …
      WHERE <scope guard>                                         -- as for a single rule
    ) AS b
    WHERE b.c1 OR b.c2 OR …                                       -- subjects with a hit

The scope guard is the inner query's own WHERE, so no condition can widen it. Each rule's
hits are the rows where its column is true, with its evidence columns (`BatchRule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from fupin.rules.catalog import Catalog, Subject
from fupin.rules.language.compiler import CompiledRule, QueryBuilder, Scope, paren, tables_read
from fupin.rules.language.render import DIALECTS, bind_query, placeholder_values
from fupin.rules.language.typed import BOOLEAN, INTEGER, Type


@dataclass(frozen=True)
class BatchRule:
    """A rule of a batch: the column that says it holds, and its evidence columns (in the
    order of `rule.evidence`)."""

    rule: CompiledRule
    condition: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class RuleBatch:
    subject: Subject
    rules: tuple[BatchRule, ...]
    query: exp.Select
    catalog: Catalog = field(repr=False)
    columns: Mapping[str, Type] = field(default_factory=dict, repr=False)  # result ▸ its type

    @property
    def tables(self) -> frozenset[str]:
        """The snapshot tables the query reads."""
        return tables_read(self.query, self.catalog)


def compile_batches(rules: Sequence[CompiledRule]) -> list[RuleBatch]:
    """The rules grouped by subject, scope and catalog (in the order each group first appears),
    each group compiled into one query."""
    groups: dict[tuple[Subject, Scope, int], list[CompiledRule]] = {}
    for rule in rules:
        groups.setdefault((rule.subject, rule.scope, id(rule.catalog)), []).append(rule)
    return [compile_batch(group) for group in groups.values()]


def compile_batch(rules: Sequence[CompiledRule]) -> RuleBatch:
    """One query for rules of the same subject, scope and catalog."""
    first = rules[0]
    for rule in rules:
        if (rule.subject, rule.scope) != (first.subject, first.scope) or (
            rule.catalog is not first.catalog
        ):
            raise ValueError("a batch holds rules of one subject, scope and catalog")
    builder = QueryBuilder(first.catalog, first.subject)
    conditions: list[exp.Expr] = []
    values: dict[tuple[str, str], str] = {}  # (evidence key, its SQL) ▸ column
    columns: list[exp.Expr] = []
    members: list[BatchRule] = []
    types: dict[str, Type] = {"subject_id": INTEGER}
    for index, rule in enumerate(rules, start=1):
        condition = builder.expr(rule.checked.condition)
        name = f"c{index}"
        conditions.append(
            exp.alias_(exp.Coalesce(this=paren(condition), expressions=[exp.false()]), name)
        )
        types[name] = BOOLEAN
        evidence = []
        for key, typed in rule.checked.evidence:
            value = builder.expr(typed)
            signature = (key, value.sql())
            if signature not in values:
                values[signature] = f"x{len(values) + 1}"
                columns.append(exp.alias_(value, values[signature]))
                types[values[signature]] = typed.type
            evidence.append(values[signature])
        members.append(BatchRule(rule, name, tuple(evidence)))
    inner = builder.select([*conditions, *columns], first.scope)
    any_hit = exp.or_(*(exp.column(member.condition, "b") for member in members))
    query = exp.select(exp.Star()).from_(inner.subquery("b", copy=False), copy=False)
    query = query.where(any_hit, copy=False)
    return RuleBatch(first.subject, tuple(members), query, first.catalog, types)


def render_batch(
    batch: RuleBatch,
    dialect: str,
    *,
    screening_date: dt.date,
    params: Mapping[str, object],
    income_year: int | None = None,
    tables: Mapping[str, str] | None = None,
) -> str:
    """The batch's SQL for `dialect`; a missing or ill-typed parameter is refused with the
    position in the first rule that reads it."""
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}")
    values = batch_values(
        batch, screening_date=screening_date, params=params, income_year=income_year
    )
    bound = bind_query(batch.query, values, batch.catalog, tables, "a batch of rules")
    return bound.sql(dialect=dialect)


def batch_values(
    batch: RuleBatch,
    *,
    screening_date: dt.date,
    params: Mapping[str, object],
    income_year: int | None = None,
) -> dict[str, exp.Expr]:
    """The run-time values of every rule of the batch; a missing or ill-typed parameter is
    refused with its position in the first rule that reads it."""
    values: dict[str, exp.Expr] = {}
    for member in batch.rules:
        values |= placeholder_values(
            member.rule, screening_date=screening_date, params=params, income_year=income_year
        )
    return values
