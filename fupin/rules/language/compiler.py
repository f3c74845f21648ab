"""Checked tree ▸ one sqlglot SELECT per rule, with the caller's scope guard added.

The query is dialect-neutral sqlglot; run-time values (screening date, income years,
parameters, month windows) are `exp.Placeholder` nodes that `render` replaces by literal
nodes. Nothing here builds SQL by string concatenation.

Shape of a rule's query:
    SELECT <subject id> AS subject_id, <evidence> AS e1, …
    FROM households AS h                       -- person rules: persons AS p JOIN households h
    LEFT JOIN incomes AS i0 …                  -- only the joins the rule needs
    LEFT JOIN (SELECT k, <aggregate> AS v1, <aggregate> FILTER (WHERE …) AS v2 …
               GROUP BY k) AS a1 ON a1.k = h.household_id   -- one per related table (for a
                                                            -- person rule's department rows,
                                                            -- one by person_id, one by ID no.)
    WHERE (<scope guard on h.village_code>) AND (<condition>)

The same builder compiles several rules of one subject into one query (`batch.py`): joins,
related-row groups are keyed, so rules that need them share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from fupin.rules.catalog import OUTSIDE_SUFFIX, Catalog, Link, Subject, Table, default_catalog
from fupin.rules.language.checker import CheckedRule, check
from fupin.rules.language.typed import (
    Instance,
    Months,
    ParamUse,
    TAggregate,
    TBetween,
    TBinary,
    TColumn,
    TExpr,
    TFunc,
    TIn,
    TIsNull,
    TLiteral,
    TParam,
    TScreeningDate,
    TTally,
    TUnary,
    Type,
)
from fupin.rules.language.values import literal

COMPARISON_NODES: dict[str, type[exp.Binary]] = {
    "=": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}
ARITHMETIC_NODES: dict[str, type[exp.Binary]] = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}
ATOMIC_NODES = (
    exp.Column,
    exp.Literal,
    exp.Boolean,
    exp.Placeholder,
    exp.Paren,
    exp.Func,
    exp.Null,
)
SCOPE_CODE = re.compile(r"^[0-9A-Za-z-]{1,64}$")
DOUBLE = exp.DataType.build("DOUBLE")
ROUNDING_TYPE = exp.DataType.build("DECIMAL(38, 10)")
SUBJECT_ID = {Subject.HOUSEHOLD: ("household_id", "h"), Subject.PERSON: ("person_id", "p")}


@dataclass(frozen=True)
class Scope:
    """Where a run may look: village statistical codes and/or code prefixes (a township,
    a county). The compiled SQL keeps only households whose village_code matches; an empty
    scope matches nothing — access is denied by default."""

    village_codes: frozenset[str] = frozenset()
    code_prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for code in (*self.village_codes, *self.code_prefixes):
            if not SCOPE_CODE.match(code):
                raise ValueError(f"not a statistical code: {code!r}")


@dataclass(frozen=True)
class RuleSource:
    """One rule as stored: its code, subject and condition text."""

    code: str
    subject: Subject | str
    text: str


@dataclass(frozen=True)
class EvidenceColumn:
    key: str  # e.g. "income.per_capita_net_income", "param.monitoring_income_line"
    alias: str  # its column in the result: e1, e2, …
    type: Type


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run: a dialect-neutral query plus what its columns mean."""

    code: str
    subject: Subject
    text: str
    query: exp.Select
    evidence: tuple[EvidenceColumn, ...]
    parameters: tuple[ParamUse, ...]
    windows: tuple[Months, ...]
    catalog: Catalog = field(repr=False)
    scope: Scope = field(repr=False)
    checked: CheckedRule = field(repr=False, compare=False)

    @property
    def tables(self) -> frozenset[str]:
        """The snapshot tables the query reads (an engine loads only these)."""
        return tables_read(self.query, self.catalog)


def tables_read(query: exp.Expr, catalog: Catalog) -> frozenset[str]:
    names = {table.name for table in query.find_all(exp.Table)}
    return frozenset(names & set(catalog.snapshot_tables))


@dataclass
class RelatedRows:
    """The related rows of one table, grouped once by the subject's key: every aggregate over
    them is one column — `agg(…) FILTER (WHERE …)` when it keeps other rows than the rest."""

    alias: str
    source: exp.Expr
    group_key: exp.Expr
    filters: list[exp.Expr]  # always applied (e.g. active members only)
    outer_key: exp.Expr
    values: list[tuple[exp.Expr, exp.Expr | None, str]] = field(default_factory=list)

    def add(self, aggregate: exp.Expr, keep: exp.Expr | None, func: str) -> exp.Column:
        """Adds an aggregate (`func`: count, exists, sum, max, min) of the rows `keep` lets
        through (all if None); answers its column."""
        self.values.append((aggregate, keep, func))
        return exp.column(f"v{len(self.values)}", self.alias)

    def grouped(self) -> exp.Select:
        """SELECT <group key> AS k, <aggregate> AS v1, … FROM the rows … GROUP BY k."""
        filters = [condition.copy() for condition in self.filters]
        keeps = [keep for _, keep, _ in self.values]
        shared = keeps[0] if len({None if k is None else k.sql() for k in keeps}) == 1 else None
        if shared is not None:
            filters.append(shared.copy())  # every aggregate keeps the same rows: a plain WHERE
        elif all(keep is not None for keep in keeps):
            filters.append(paren(exp.or_(*(paren(k.copy()) for k in keeps if k is not None))))
        columns = []
        for index, (aggregate, keep, _) in enumerate(self.values, start=1):
            value = aggregate.copy()
            if keep is not None and shared is None:
                value = exp.Filter(this=value, expression=exp.Where(this=keep.copy()))
            columns.append(exp.alias_(value, f"v{index}"))
        sub = exp.select(exp.alias_(self.group_key.copy(), "k"), *columns).from_(
            self.source.copy(), copy=False
        )
        if filters:
            sub = sub.where(exp.and_(*filters), copy=False)
        return sub.group_by(self.group_key.copy(), copy=False)

    def join(self) -> exp.Join:
        return self.joined(self.grouped())

    def joined(self, sub: exp.Select) -> exp.Join:
        on = exp.EQ(this=exp.column("k", self.alias), expression=self.outer_key.copy())
        return exp.Join(this=sub.subquery(self.alias, copy=False), on=on, side="LEFT")


REAGGREGATE = {"count": exp.Sum, "exists": exp.Sum, "sum": exp.Sum, "max": exp.Max, "min": exp.Min}


class CarriedRows(RelatedRows):
    """Department rows matched to nobody, for a household rule: grouped by ID number first,
    then carried to the household of every active member holding that number — once per
    household even if two of its members share the number — and added up there."""

    def join(self) -> exp.Join:
        by_number = self.grouped().subquery("u", copy=False)
        holders = exp.select(
            exp.alias_(exp.column("household_id", "m"), "hh"),
            *(
                exp.alias_(exp.Max(this=exp.column(f"v{n}", "u")), f"v{n}")
                for n in range(1, len(self.values) + 1)
            ),
        )
        holders = holders.from_(by_number, copy=False).join(
            table("persons", "m"),
            on=exp.EQ(this=exp.column("id_number", "m"), expression=exp.column("k", "u")),
            copy=False,
        )
        holders = holders.where(active("m"), copy=False).group_by(
            exp.column("household_id", "m"), exp.column("k", "u"), copy=False
        )
        households = exp.select(
            exp.alias_(exp.column("hh", "d"), "k"),
            *(
                exp.alias_(REAGGREGATE[func](this=exp.column(f"v{n}", "d")), f"v{n}")
                for n, (_, _, func) in enumerate(self.values, start=1)
            ),
        )
        households = households.from_(holders.subquery("d", copy=False), copy=False)
        return self.joined(households.group_by(exp.column("hh", "d"), copy=False))


class QueryBuilder:
    """Compiles typed trees of one subject, collecting the joins they need; rules compiled by
    one builder share them (see `batch.py`)."""

    def __init__(self, catalog: Catalog, subject: Subject) -> None:
        self.catalog = catalog
        self.subject = subject
        self.joins: dict[str, exp.Join | RelatedRows] = {}
        self.values: dict[str, exp.Expr] = {}  # aggregate columns; tallies' own counts
        self.aliases: dict[str, str] = {}
        self.windows: dict[str, Months] = {}

    def build(self, rule: CheckedRule, scope: Scope) -> tuple[exp.Select, list[EvidenceColumn]]:
        condition = self.expr(rule.condition)
        evidence = [
            EvidenceColumn(key, f"e{index}", value.type)
            for index, (key, value) in enumerate(rule.evidence, start=1)
        ]
        columns = [
            exp.alias_(self.expr(value), f"e{i}") for i, (_, value) in enumerate(rule.evidence, 1)
        ]
        query = self.select(columns, scope, condition)
        return query, evidence

    def select(
        self, columns: list[exp.Expr], scope: Scope, condition: exp.Expr | None = None
    ) -> exp.Select:
        """SELECT subject_id, `columns` FROM the subject's rows with every join collected so
        far, WHERE the scope guard (AND the condition)."""
        id_column, alias = SUBJECT_ID[self.subject]
        query = exp.select(exp.alias_(exp.column(id_column, alias), "subject_id"), *columns)
        query = self.base(query)
        for join in self.joins.values():
            joined = join.join() if isinstance(join, RelatedRows) else join.copy()
            query = query.join(joined, copy=False)
        guard = self.scope_guard(scope)
        where = guard if condition is None else exp.and_(guard, paren(condition))
        return query.where(where, copy=False)

    def base(self, query: exp.Select) -> exp.Select:
        if self.subject is Subject.HOUSEHOLD:
            return query.from_(table("households", "h"), copy=False)
        on = exp.EQ(
            this=exp.column("household_id", "h"), expression=exp.column("household_id", "p")
        )
        query = query.from_(table("persons", "p"), copy=False)
        return query.join(table("households", "h"), on=on, copy=False)

    def scope_guard(self, scope: Scope) -> exp.Expr:
        village = exp.column("village_code", "h")
        tests: list[exp.Expr] = []
        if scope.village_codes:
            codes = [exp.Literal.string(code) for code in sorted(scope.village_codes)]
            tests.append(exp.In(this=village.copy(), expressions=codes))
        for prefix in scope.code_prefixes:
            start = exp.Substring(
                this=village.copy(),
                start=exp.Literal.number(1),
                length=exp.Literal.number(len(prefix)),
            )
            tests.append(exp.EQ(this=start, expression=exp.Literal.string(prefix)))
        return paren(exp.or_(*tests)) if tests else exp.false()

    # -- expressions ------------------------------------------------------------------------

    def expr(self, node: TExpr) -> exp.Expr:
        match node:
            case TColumn():
                return self.column(node)
            case TLiteral(value=value):
                return literal(value, node.type)
            case TParam(name=name):
                return exp.Placeholder(this=f"param:{name}")
            case TScreeningDate():
                return exp.Placeholder(this="screening_date")
            case TUnary():
                return self.unary(node)
            case TBinary():
                return self.binary(node)
            case TIn():
                items = [self.expr(item) for item in node.items]
                result: exp.Expr = exp.In(this=paren(self.expr(node.operand)), expressions=items)
                return exp.Not(this=paren(result)) if node.negated else result
            case TBetween():
                low, high = paren(self.expr(node.low)), paren(self.expr(node.high))
                result = exp.Between(this=paren(self.expr(node.operand)), low=low, high=high)
                return exp.Not(this=paren(result)) if node.negated else result
            case TIsNull():
                result = exp.Is(this=paren(self.expr(node.operand)), expression=exp.Null())
                return exp.Not(this=paren(result)) if node.negated else result
            case TFunc():
                return self.function(node)
            case TAggregate():
                return self.aggregate(node)
            case TTally():
                return self.tally(node)
        raise TypeError(f"unknown typed node {node!r}")

    def column(self, node: TColumn) -> exp.Expr:
        if node.instance is Instance.INCOME:
            self.income_join(Instance.INCOME, "income_year")
        elif node.instance is Instance.INCOME_PREV:
            self.income_join(Instance.INCOME_PREV, "income_prev_year")
        return exp.column(node.column, node.instance.value)

    def income_join(self, instance: Instance, year: str) -> None:
        alias = instance.value
        if alias in self.joins:
            return
        on = exp.and_(
            exp.EQ(
                this=exp.column("household_id", alias), expression=exp.column("household_id", "h")
            ),
            exp.EQ(this=exp.column("year", alias), expression=exp.Placeholder(this=year)),
        )
        self.joins[alias] = exp.Join(this=table("incomes", alias), on=on, side="LEFT")

    def unary(self, node: TUnary) -> exp.Expr:
        operand = paren(self.expr(node.operand))
        if node.op == "NOT":
            return exp.Not(this=operand)
        return paren(exp.Neg(this=operand))

    def binary(self, node: TBinary) -> exp.Expr:
        left, right = paren(self.expr(node.left)), paren(self.expr(node.right))
        if node.op == "AND":
            return exp.And(this=left, expression=right)
        if node.op == "OR":
            return exp.Or(this=left, expression=right)
        if node.op == "/":
            # Division in DOUBLE on every engine, NULL (not an error) when dividing by zero.
            denominator = exp.Nullif(this=exp.cast(right, DOUBLE), expression=exp.Literal.number(0))
            return exp.Div(this=exp.cast(left, DOUBLE), expression=denominator)
        node_type = COMPARISON_NODES.get(node.op) or ARITHMETIC_NODES[node.op]
        return node_type(this=left, expression=right)

    def function(self, node: TFunc) -> exp.Expr:
        args = [paren(self.expr(arg)) for arg in node.args]
        match node.name:
            case "years_between":
                return whole_years(args[0], args[1])
            case "months_between":
                return whole_months(args[0], args[1])
            case "coalesce":
                return exp.Coalesce(this=args[0], expressions=args[1:])
            case "abs":
                return exp.Abs(this=args[0])
            case "round":
                return exp.Round(this=exp.cast(args[0], ROUNDING_TYPE), decimals=args[1])
            case "length":
                return exp.Length(this=args[0])
        raise TypeError(f"unknown function {node.name}")

    # -- aggregates and tallies -------------------------------------------------------------

    def aggregate(self, node: TAggregate) -> exp.Expr:
        key = "agg:" + node.key
        if key not in self.values:
            self.values[key] = self.add_aggregate(node)
        value = self.values[key].copy()
        zero = exp.Literal.number(0)
        if node.func == "exists":
            return exp.GT(this=exp.Coalesce(this=value, expressions=[zero]), expression=zero)
        if node.func in ("count", "sum"):
            return exp.Coalesce(this=value, expressions=[zero])
        return value

    def new_alias(self, key: str, prefix: str) -> str:
        count = sum(1 for alias in self.aliases.values() if alias.startswith(prefix))
        self.aliases[key] = f"{prefix}{count + 1}"
        return self.aliases[key]

    def add_aggregate(self, node: TAggregate) -> exp.Expr:
        table_def = self.catalog.tables[node.table]
        keep: list[exp.Expr] = []
        if node.condition is not None:
            keep.append(paren(self.expr(node.condition)))
        if node.months is not None:
            keep += self.window(table_def, node.months)
        if node.func in ("count", "exists"):
            value: exp.Expr = exp.Count(this=exp.Star())
        else:
            assert node.value is not None
            inner = self.expr(node.value)
            value = {"sum": exp.Sum, "max": exp.Max, "min": exp.Min}[node.func](this=inner)
        kept = exp.and_(*keep) if keep else None
        columns = [
            self.rows(table_def, part).add(value.copy(), kept.copy() if kept else None, node.func)
            for part in self.parts(table_def)
        ]
        return columns[0] if len(columns) == 1 else combine(node.func, *columns)

    def parts(self, table_def: Table) -> tuple[str, ...]:
        """How a table's rows are grouped: at once, or — department rows — those matched to a
        person (by person_id) and those matched to nobody (by ID number) apart, each grouped
        on its own key and joined on it (no join with every person to find an owner)."""
        return ("matched", "unmatched") if table_def.link is Link.PERSON else ("all",)

    def rows(self, table_def: Table, part: str) -> RelatedRows:
        key = f"rows:{table_def.name}:{part}"
        rows = self.joins.get(key)
        if not isinstance(rows, RelatedRows):
            kind = RelatedRows
            if part == "unmatched" and self.subject is Subject.HOUSEHOLD:
                kind = CarriedRows
            source, group_key, filters, outer_key = self.related_rows(table_def, part)
            rows = kind(self.new_alias(key, "a"), source, group_key, filters, outer_key)
            self.joins[key] = rows
        return rows

    def related_rows(
        self, table_def: Table, part: str
    ) -> tuple[exp.Expr, exp.Expr, list[exp.Expr], exp.Expr]:
        """The rows of a related table, aliased r: (source, group key, filters, outer key).

        Department rows count for a person rule if matched to the person, or unmatched and
        carrying the person's ID number; for a household rule, if matched to an active member,
        or unmatched and carrying the ID number of an active member (`CarriedRows`)."""
        household = exp.column("household_id", "h")
        rows = table(table_def.name, "r")
        if table_def.link is Link.HOUSEHOLD:
            return rows, exp.column("household_id", "r"), [], household
        if table_def.link is Link.MEMBER:
            return rows, exp.column("household_id", "r"), [active("r")], household
        unmatched = exp.Is(this=exp.column("person_id", "r"), expression=exp.Null())
        if part == "unmatched":
            outer = exp.column("id_number", "p") if self.subject is Subject.PERSON else household
            return rows, exp.column("id_number", "r"), [unmatched], outer
        matched = exp.Not(this=unmatched)
        if self.subject is Subject.PERSON:
            return rows, exp.column("person_id", "r"), [matched], exp.column("person_id", "p")
        members = exp.select("person_id", "household_id").from_("persons").where(active(None))
        owned = exp.select(
            exp.Column(this=exp.Star(), table=exp.to_identifier("r")),
            exp.alias_(exp.column("household_id", "m"), "_owner"),
        )
        owned = owned.from_(rows).join(
            members.subquery("m"),
            on=exp.EQ(this=exp.column("person_id", "m"), expression=exp.column("person_id", "r")),
        )
        return owned.where(matched).subquery("r"), exp.column("_owner", "r"), [], household

    def window(self, table_def: Table, months: Months) -> list[exp.Expr]:
        """`months => N`: rows dated in the N months up to the screening date."""
        self.windows[months.key] = months
        index: exp.Expr
        if table_def.window == "period":
            index = exp.Add(
                this=exp.Mul(
                    this=exp.column("period_year", "r"), expression=exp.Literal.number(12)
                ),
                expression=exp.column("period_month", "r"),
            )
            start = exp.Placeholder(this=f"month_index_start:{months.key}")
            end = exp.Placeholder(this="month_index")
        else:
            index = exp.column(table_def.window or "", "r")
            start = exp.Placeholder(this=f"window_start:{months.key}")
            end = exp.Placeholder(this="screening_date")
        return [
            exp.GT(this=paren(index), expression=start),
            exp.LTE(this=paren(index.copy()), expression=end),
        ]

    def tally(self, node: TTally) -> exp.Expr:
        """Rows sharing this row's key. Only keys held by more than one row are grouped and
        joined (few, so the join is cheap); a key held by this row alone counts 1 if the row
        itself is counted (its own condition), else 0 — the same number, far less work."""
        key = f"tally:{node.instance.value}:{node.table}:{node.field.name}"
        if key not in self.joins:
            alias = self.new_alias(key, "t")
            column = exp.column(node.field.key, "r")
            counted: exp.Expr = exp.Count(this=exp.Star())
            if node.field.count_distinct:
                distinct = exp.Distinct(expressions=[exp.column(node.field.count_distinct, "r")])
                counted = exp.Count(this=distinct)
            where = paren(self.expr(node.where)) if node.where is not None else None
            if where is not None:
                counted = exp.Filter(this=counted, expression=exp.Where(this=where.copy()))
            shared = exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))
            sub = (
                exp.select(exp.alias_(column, "k"), exp.alias_(counted, "v"))
                .from_(self.tally_rows(node))
                .where(exp.Not(this=exp.Is(this=column.copy(), expression=exp.Null())))
                .group_by(column.copy())
                .having(shared)
            )
            outer = exp.column(node.field.key, node.instance.value)
            on = exp.EQ(this=exp.column("k", alias), expression=outer)
            self.joins[key] = exp.Join(this=sub.subquery(alias), on=on, side="LEFT")
            self.values[key] = self.tally_alone(node, where)
        value = exp.column("v", self.aliases[key])
        return exp.Coalesce(this=value, expressions=[self.values[key].copy()])

    def tally_alone(self, node: TTally, where: exp.Expr | None) -> exp.Expr:
        """The count for a key this row alone holds: 1 if the row is counted, else 0."""
        own = node.instance.value
        tests: list[exp.Expr] = [
            exp.Not(this=exp.Is(this=exp.column(name, own), expression=exp.Null()))
            for name in filter(None, [node.field.key, node.field.count_distinct])
        ]
        if where is not None:
            tests.append(
                where.transform(
                    lambda n: (
                        exp.column(n.name, own)
                        if isinstance(n, exp.Column) and n.table == "r"
                        else n
                    )
                )
            )
        return one_if(exp.and_(*tests))

    def tally_rows(self, node: TTally) -> exp.Expr:
        """The table's rows and its outside companion's (rows beyond the area that share a
        key with it), aliased r, with only the columns the tally reads."""
        table_def = self.catalog.tables[node.table]
        reads = table_def.tally_reads(node.field)
        names = [name for name in table_def.columns if name in reads]
        parts = [
            exp.select(*(exp.column(name) for name in names)).from_(source)
            for source in (node.table, node.table + OUTSIDE_SUFFIX)
        ]
        return exp.union(*parts, distinct=False).subquery("r")


def whole_years(start: exp.Expr, end: exp.Expr) -> exp.Expr:
    """Completed years from start to end (a birthday on 29 Feb counts from 1 Mar)."""
    years = exp.Sub(this=exp.Year(this=end), expression=exp.Year(this=start.copy()))
    not_yet = exp.LT(this=month_day(end.copy()), expression=month_day(start.copy()))
    return paren(exp.Sub(this=years, expression=one_if(not_yet)))


def whole_months(start: exp.Expr, end: exp.Expr) -> exp.Expr:
    """Completed calendar months from start to end."""
    months = exp.Sub(this=paren(month_number(end)), expression=paren(month_number(start)))
    not_yet = exp.LT(this=exp.Day(this=end.copy()), expression=exp.Day(this=start.copy()))
    return paren(exp.Sub(this=months, expression=one_if(not_yet)))


def month_number(value: exp.Expr) -> exp.Expr:
    twelve = exp.Literal.number(12)
    return exp.Add(
        this=exp.Mul(this=exp.Year(this=value), expression=twelve),
        expression=exp.Month(this=value.copy()),
    )


def month_day(value: exp.Expr) -> exp.Expr:
    hundred = exp.Literal.number(100)
    return exp.Add(
        this=exp.Mul(this=exp.Month(this=value), expression=hundred),
        expression=exp.Day(this=value.copy()),
    )


def one_if(condition: exp.Expr) -> exp.Expr:
    one, zero = exp.Literal.number(1), exp.Literal.number(0)
    return exp.Case(ifs=[exp.If(this=condition, true=one)], default=zero)


def combine(func: str, first: exp.Expr, second: exp.Expr) -> exp.Expr:
    """One aggregate from the same aggregate over two disjoint sets of rows (missing if both
    are): counts and sums add up, max and min take the larger or smaller."""

    def missing(value: exp.Expr) -> exp.Expr:
        return exp.Is(this=value.copy(), expression=exp.Null())

    if func in ("count", "exists", "sum"):
        both: exp.Expr = exp.Add(this=first.copy(), expression=second.copy())
    else:
        pick = exp.GTE if func == "max" else exp.LTE
        chosen = pick(this=first.copy(), expression=second.copy())
        both = exp.Case(ifs=[exp.If(this=chosen, true=first.copy())], default=second.copy())
    ifs = [
        exp.If(this=missing(first), true=second.copy()),
        exp.If(this=missing(second), true=first.copy()),
    ]
    return exp.Case(ifs=ifs, default=both)


def active(alias: str | None) -> exp.Expr:
    return exp.EQ(this=exp.column("status", alias), expression=exp.Literal.string("active"))


def table(name: str, alias: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name), alias=exp.TableAlias(this=exp.to_identifier(alias))
    )


def paren(node: exp.Expr) -> exp.Expr:
    """Parenthesises anything that is not atomic, so precedence never depends on printing.

    sqlglot's AND/OR (and some operators) are also `Func` subclasses; they are never atomic.
    """
    operator = isinstance(node, exp.Binary | exp.Unary | exp.Connector)
    return node if isinstance(node, ATOMIC_NODES) and not operator else exp.Paren(this=node)


def compile_rule(
    source: RuleSource, *, scope: Scope, catalog: Catalog | None = None
) -> CompiledRule:
    """Checks and compiles one rule; raises `RuleError` for a refused text."""
    catalog = catalog or default_catalog()
    checked = check(source.text, subject=source.subject, catalog=catalog)
    builder = QueryBuilder(catalog, checked.subject)
    query, evidence = builder.build(checked, scope)
    return CompiledRule(
        code=source.code,
        subject=checked.subject,
        text=source.text,
        query=query,
        evidence=tuple(evidence),
        parameters=checked.parameters,
        windows=tuple(builder.windows.values()),
        catalog=catalog,
        scope=scope,
        checked=checked,
    )


def compile_rules(
    sources: Iterable[RuleSource], *, scope: Scope, catalog: Catalog | None = None
) -> list[CompiledRule]:
    return [compile_rule(source, scope=scope, catalog=catalog) for source in sources]


def evidence_keys(rule: CompiledRule) -> Mapping[str, Type]:
    return {column.key: column.type for column in rule.evidence}
