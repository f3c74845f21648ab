"""Compiled SQL: built as sqlglot trees, scoped by the compiler, values bound as literals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlglot
from sqlglot import exp

from fupin.rules.catalog import Kind, Parameter, default_catalog
from fupin.rules.language import (
    DIALECTS,
    ErrorCode,
    RuleBatch,
    RuleError,
    RuleSource,
    Scope,
    bind,
    compile_batches,
    compile_rule,
    render,
    render_batch,
)
from fupin.rules.language.batch import compile_batch
from fupin.rules.language.render import months_before

SCOPE = Scope(village_codes=frozenset({"500110103201"}))
DAY = dt.date(2020, 12, 31)


def compiled(text: str, subject: str = "household", **options: object) -> object:
    return compile_rule(RuleSource("R", subject, text), scope=SCOPE, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_scope_guard_wraps_the_whole_condition_in_every_dialect(dialect: str) -> None:
    rule = compile_rule(RuleSource("R", "household", "1 = 1 OR TRUE"), scope=SCOPE)
    sql = render(rule, dialect, screening_date=DAY, params={})
    where = sqlglot.parse_one(sql, read=dialect).args["where"].this
    assert isinstance(where, exp.And)
    guard, condition = where.this, where.expression
    assert guard.sql() == "(h.village_code IN ('500110103201'))"
    assert isinstance(condition, exp.Paren)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_quote_in_a_string_literal_cannot_escape_it(dialect: str) -> None:
    payload = "' OR 1=1 --"
    rule = compile_rule(RuleSource("R", "person", "person.name = ''' OR 1=1 --'"), scope=SCOPE)
    sql = render(rule, dialect, screening_date=DAY, params={})
    statements = sqlglot.parse(sql, read=dialect)
    assert len(statements) == 1
    strings = {lit.this for lit in statements[0].find_all(exp.Literal) if lit.is_string}
    assert payload in strings


def test_parameters_are_bound_as_literal_nodes_not_text() -> None:
    catalog = default_catalog().with_parameters({"note": Parameter("note", Kind.TEXT, "备注")})
    rule = compile_rule(
        RuleSource("R", "person", "person.name = param('note')"), scope=SCOPE, catalog=catalog
    )
    query = bind(rule, screening_date=DAY, params={"note": "x'); DROP TABLE persons; --"})
    literals = [lit.this for lit in query.find_all(exp.Literal) if lit.is_string]
    assert "x'); DROP TABLE persons; --" in literals
    assert len(sqlglot.parse(query.sql("postgres"), read="postgres")) == 1


@pytest.mark.parametrize(
    ("value", "sql_value"),
    [(Decimal("6000"), "6000"), (6000, "6000"), ("5999.50", "5999.50"), (5999.5, "5999.5")],
)
def test_decimal_parameters_accept_numbers_and_text(value: object, sql_value: str) -> None:
    rule = compiled("income.per_capita_net_income < param('monitoring_income_line')")
    sql = render(rule, "duckdb", screening_date=DAY, params={"monitoring_income_line": value})
    assert f"i0.per_capita_net_income < {sql_value}" in sql


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, ErrorCode.MISSING_PARAMETER),
        ({"monitoring_income_line": "6000; DROP TABLE x"}, ErrorCode.INVALID_PARAMETER_VALUE),
        ({"monitoring_income_line": True}, ErrorCode.INVALID_PARAMETER_VALUE),
        ({"monitoring_income_line": float("nan")}, ErrorCode.INVALID_PARAMETER_VALUE),
    ],
)
def test_a_missing_or_wrong_parameter_value_is_refused_at_its_use(
    params: dict[str, object], code: ErrorCode
) -> None:
    rule = compiled("income.per_capita_net_income < param('monitoring_income_line')")
    with pytest.raises(RuleError) as refused:
        render(rule, "duckdb", screening_date=DAY, params=params)
    assert (refused.value.code, refused.value.line, refused.value.column) == (code, 1, 32)


def test_a_month_window_from_a_parameter_is_resolved_at_run_time() -> None:
    rule = compiled(
        "exists(medical_claims, months => param('development_measure_months'))", "person"
    )
    sql = render(rule, "postgres", screening_date=DAY, params={"development_measure_months": 6})
    assert "r.visit_on > CAST('2020-06-30' AS DATE)" in sql
    assert "r.visit_on <= CAST('2020-12-31' AS DATE)" in sql


def test_income_rows_join_the_screening_income_year_and_the_year_before() -> None:
    rule = compiled("income.net_income < income_prev.net_income")
    sql = render(rule, "duckdb", screening_date=DAY, params={}, income_year=2019)
    assert "i0.year = 2019" in sql
    assert "i1.year = 2018" in sql


def test_tables_can_be_mapped_to_where_an_engine_keeps_them() -> None:
    rule = compiled("exists(medical_claims)")
    sql = render(
        rule,
        "postgres",
        screening_date=DAY,
        params={},
        tables={"households": "county.households", "medical_claims": "county.medical_claims"},
    )
    tables = {table.sql() for table in sqlglot.parse_one(sql, read="postgres").find_all(exp.Table)}
    assert {"county.households AS h", "county.medical_claims AS r"} <= tables
    assert "FROM persons WHERE" in sql  # not mapped: left as is


def test_division_is_in_double_and_null_when_dividing_by_zero() -> None:
    rule = compiled("income.net_income / income.household_size < 100")
    sql = render(rule, "postgres", screening_date=DAY, params={})
    assert (
        "CAST(i0.net_income AS DOUBLE PRECISION) / NULLIF(CAST(i0.household_size AS DOUBLE "
        "PRECISION), 0)"
    ) in sql


@pytest.mark.parametrize(
    "code", ["", "50011010320%", "1' OR '1'='1", "500110103201; DROP", "x" * 65]
)
def test_a_scope_accepts_only_statistical_codes(code: str) -> None:
    with pytest.raises(ValueError, match="not a statistical code"):
        Scope(village_codes=frozenset({code}))


def test_an_empty_scope_matches_nothing() -> None:
    rule = compile_rule(RuleSource("R", "household", "1 = 1"), scope=Scope())
    sql = render(rule, "duckdb", screening_date=DAY, params={})
    assert "WHERE FALSE AND" in sql


def test_compiled_sql_never_contains_unbound_placeholders() -> None:
    rule = compiled(
        "age() > 1 AND count(civil_affairs_benefits, months => 3) > 0 "
        "AND income.net_income > 0 AND person.id_number_holders > 0",
        "person",
    )
    query = bind(rule, screening_date=DAY, params={})
    assert query.find(exp.Placeholder) is None
    assert "month_index" not in query.sql()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2020, 12, 31), 12, dt.date(2019, 12, 31)),
        (dt.date(2021, 3, 31), 1, dt.date(2021, 2, 28)),
        (dt.date(2020, 3, 31), 1, dt.date(2020, 2, 29)),
        (dt.date(2020, 1, 15), 1, dt.date(2019, 12, 15)),
        (dt.date(2020, 6, 30), 600, dt.date(1970, 6, 30)),
    ],
)
def test_month_windows_end_on_the_same_day_clamped_to_the_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert months_before(day, months) == expected


@pytest.mark.parametrize("dialect", DIALECTS)
def test_not_before_a_derived_field_defined_with_or_negates_the_whole_definition(
    dialect: str,
) -> None:
    # has_basic_medical_insurance is `resident OR employee`; NOT must cover both.
    rule = compile_rule(
        RuleSource("R", "person", "NOT person.has_basic_medical_insurance"), scope=SCOPE
    )
    sql = render(rule, dialect, screening_date=DAY, params={})
    condition = sqlglot.parse_one(sql, read=dialect).args["where"].this.expression
    negation = condition.this
    assert isinstance(negation, exp.Not)
    assert isinstance(negation.this, exp.Paren) and isinstance(negation.this.this, exp.Or)


def test_a_negated_parenthesised_or_keeps_its_parentheses() -> None:
    rule = compile_rule(
        RuleSource("R", "household", "NOT (household.fully_incapable OR household.water_safe)"),
        scope=SCOPE,
    )
    sql = render(rule, "duckdb", screening_date=DAY, params={})
    assert "NOT (" in sql


# -- batches: several rules of one subject in one query --------------------------------------


def batch_of(*texts: str, subject: str = "household", scope: Scope = SCOPE) -> RuleBatch:
    rules = [
        compile_rule(RuleSource(f"R{n}", subject, t), scope=scope) for n, t in enumerate(texts)
    ]
    [batch] = compile_batches(rules)
    return batch


def shape(batch: RuleBatch) -> tuple[list[str], int]:
    """The tables a batch's query scans, and how many GROUP BYs it has."""
    tree = sqlglot.parse_one(render_batch(batch, "duckdb", screening_date=DAY, params={}))
    scans = sorted(table.name for table in tree.find_all(exp.Table))
    return scans, sum(1 for select in tree.find_all(exp.Select) if select.args.get("group"))


def test_rules_of_a_batch_share_their_scans_joins_and_groupings() -> None:
    # given two rules, then the same two with two more reading the same tables
    two = [
        "sum(medical_claims.out_of_pocket, months => 12) > income_prev.net_income",
        "count(persons) > 0 AND count(persons, persons.has_working_capacity) = 0",
    ]
    more = [
        "exists(medical_claims, medical_claims.visit_type = '住院')",
        "count(persons) > 5 AND income.net_income < income_prev.net_income",
    ]
    # when
    scans, groupings = shape(batch_of(*two, *more))
    # then the four scan and group exactly what the first two do, plus this year's income
    alone_scans, alone_groupings = shape(batch_of(*two))
    assert scans == sorted([*alone_scans, "incomes"])
    assert groupings == alone_groupings
    # medical_claims twice: rows matched to a member, rows carrying a member's ID number
    assert scans.count("medical_claims") == 2
    sql = render_batch(batch_of(*two, *more), "duckdb", screening_date=DAY, params={})
    assert "FILTER(WHERE" in sql  # aggregates over the same rows keep their own rows


def test_a_batch_reports_each_rule_with_its_own_columns() -> None:
    batch = batch_of("household.water_safe = FALSE", "household.water_safe = FALSE AND 1 = 1")
    first, second = batch.rules
    assert (first.condition, second.condition) == ("c1", "c2")
    assert first.evidence == second.evidence == ("x1",)  # one value, one column


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_scope_guard_is_the_inner_where_of_a_batch_in_every_dialect(dialect: str) -> None:
    batch = batch_of("1 = 1 OR TRUE", "household.status = 'active' OR 1 = 1")
    sql = render_batch(batch, dialect, screening_date=DAY, params={})
    inner = sqlglot.parse_one(sql, read=dialect).args["from_"].this.this
    assert inner.args["where"].this.sql() == "(h.village_code IN ('500110103201'))"
    conditions = [e.alias for e in inner.expressions if e.alias.startswith("c")]
    assert conditions == ["c1", "c2"]


def test_a_batch_refuses_rules_of_different_subjects_or_scopes() -> None:
    household = compile_rule(RuleSource("A", "household", "1 = 1"), scope=SCOPE)
    person = compile_rule(RuleSource("B", "person", "1 = 1"), scope=SCOPE)
    elsewhere = compile_rule(RuleSource("C", "household", "1 = 1"), scope=Scope())
    with pytest.raises(ValueError, match="one subject, scope and catalog"):
        compile_batch([household, person])
    with pytest.raises(ValueError, match="one subject, scope and catalog"):
        compile_batch([household, elsewhere])
    batches = compile_batches([household, person, elsewhere])
    assert [[m.rule.code for m in b.rules] for b in batches] == [["A"], ["B"], ["C"]]


def test_a_missing_parameter_in_a_batch_is_refused_at_its_use_in_its_rule() -> None:
    batch = batch_of(
        "household.water_safe = FALSE",
        "income.per_capita_net_income < param('monitoring_income_line')",
    )
    with pytest.raises(RuleError) as refused:
        render_batch(batch, "duckdb", screening_date=DAY, params={})
    assert (refused.value.code, refused.value.line, refused.value.column) == (
        ErrorCode.MISSING_PARAMETER,
        1,
        32,
    )
