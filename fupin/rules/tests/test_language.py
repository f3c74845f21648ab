"""The rule language refuses everything outside the catalog, at the right position."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.rules.catalog import Subject, default_catalog
from fupin.rules.language import ErrorCode, RuleError, check, parse, unparse
from fupin.rules.language.typed import INTEGER, TAggregate

CATALOG = default_catalog()
H, P = "household", "person"

# (subject, rule text, error code, line, column) — the position of the offending token.
REFUSALS = [
    # functions not on the list
    (H, "pg_sleep(10) > 0", ErrorCode.UNKNOWN_FUNCTION, 1, 1),
    (H, "household.status = 'active' AND pg_sleep(10) IS NULL", ErrorCode.UNKNOWN_FUNCTION, 1, 33),
    (H, "read_csv('/etc/passwd') IS NULL", ErrorCode.UNKNOWN_FUNCTION, 1, 1),
    (H, "load_extension('httpfs') IS NULL", ErrorCode.UNKNOWN_FUNCTION, 1, 1),
    (H, "pg_catalog.pg_sleep(1) IS NULL", ErrorCode.UNKNOWN_FUNCTION, 1, 1),
    (H, "household.status = current_user()", ErrorCode.UNKNOWN_FUNCTION, 1, 20),
    # tables outside the catalog
    (H, "count(auth_user) > 0", ErrorCode.UNKNOWN_TABLE, 1, 7),
    (H, "auth_user.is_superuser = TRUE", ErrorCode.UNKNOWN_TABLE, 1, 1),
    (H, "exists(pg_catalog.pg_user)", ErrorCode.UNKNOWN_TABLE, 1, 8),
    (H, "pg_catalog.pg_user.usename = 'postgres'", ErrorCode.UNKNOWN_TABLE, 1, 1),
    (H, "sum(auth_user.id) > 0", ErrorCode.UNKNOWN_TABLE, 1, 5),
    # fields outside the catalog
    (H, "household.password = 'x'", ErrorCode.UNKNOWN_FIELD, 1, 1),
    (H, "household.status = 'active'\n  AND household.nope = 1", ErrorCode.UNKNOWN_FIELD, 2, 7),
    (H, "household.status.length = 1", ErrorCode.UNKNOWN_FIELD, 1, 1),
    (H, "status = 'active'", ErrorCode.UNKNOWN_NAME, 1, 1),
    # statements, subqueries, comments
    (H, "household.status = 'active'; DROP TABLE households", ErrorCode.MULTIPLE_STATEMENTS, 1, 28),
    (H, "household.status = 'active' -- AND FALSE", ErrorCode.COMMENT_NOT_ALLOWED, 1, 29),
    (H, "household.status = 'active' /* AND FALSE */", ErrorCode.COMMENT_NOT_ALLOWED, 1, 29),
    (H, "household.status = 'active' # AND FALSE", ErrorCode.COMMENT_NOT_ALLOWED, 1, 29),
    (H, "SELECT * FROM households", ErrorCode.SQL_KEYWORD, 1, 1),
    (H, "household.status = (SELECT 'active')", ErrorCode.SQL_KEYWORD, 1, 21),
    (H, "household.status IN (SELECT status FROM households)", ErrorCode.SQL_KEYWORD, 1, 22),
    (P, "person.name = 'x' UNION SELECT password FROM auth_user", ErrorCode.SQL_KEYWORD, 1, 19),
    (H, "household.status = 'active' LIMIT 1", ErrorCode.SQL_KEYWORD, 1, 29),
    (H, 'household.status = "active"', ErrorCode.QUOTED_IDENTIFIER, 1, 20),
    (H, "`households`.status = 'active'", ErrorCode.QUOTED_IDENTIFIER, 1, 1),
    # a string literal that tries to close itself and comment out the rest
    (P, "person.name = '' OR 1=1 --'", ErrorCode.COMMENT_NOT_ALLOWED, 1, 25),
    (P, "person.name = 'x' OR person.name = 'unterminated", ErrorCode.UNTERMINATED_STRING, 1, 36),
    # types
    (P, "person.birth_date > 5", ErrorCode.TYPE_MISMATCH, 1, 21),
    (P, "person.name + 1 > 0", ErrorCode.TYPE_MISMATCH, 1, 1),
    (P, "person.sex = 1", ErrorCode.TYPE_MISMATCH, 1, 14),
    (H, "household.fully_incapable = 'yes'", ErrorCode.TYPE_MISMATCH, 1, 29),
    (H, "household.housing_grade < 'C'", ErrorCode.TYPE_MISMATCH, 1, 1),
    (
        H,
        "household.monitoring_identified_on + 1 > DATE '2020-01-01'",
        ErrorCode.TYPE_MISMATCH,
        1,
        1,
    ),
    (P, "sum(persons.name) > 0", ErrorCode.TYPE_MISMATCH, 1, 5),
    (P, "person.relation = household.household_type", ErrorCode.TYPE_MISMATCH, 1, 19),
    (H, "household.housing_grade = 'E'", ErrorCode.UNKNOWN_CODE_VALUE, 1, 27),
    (H, "household.housing_grade IN ('C', 'X')", ErrorCode.UNKNOWN_CODE_VALUE, 1, 34),
    (
        P,
        "exists(medical_claims, medical_claims.visit_type = 'ICU')",
        ErrorCode.UNKNOWN_CODE_VALUE,
        1,
        52,
    ),
    (H, "household.water_safe AND 1", ErrorCode.NOT_BOOLEAN, 1, 26),
    (H, "income.net_income", ErrorCode.NOT_BOOLEAN, 1, 1),
    (H, "household.status = NULL", ErrorCode.NULL_COMPARISON, 1, 20),
    # where names may be used
    (H, "person.status = 'active'", ErrorCode.WRONG_SUBJECT, 1, 1),
    (H, "age() > 5", ErrorCode.WRONG_SUBJECT, 1, 1),
    (H, "medical_claims.out_of_pocket > 5", ErrorCode.NEEDS_AGGREGATE, 1, 1),
    (H, "count(persons, household.fully_incapable) > 0", ErrorCode.OUTER_REFERENCE, 1, 16),
    (H, "count(persons, count(persons) > 1) > 0", ErrorCode.NESTED_AGGREGATE, 1, 16),
    (P, "count(persons, persons.id_number_holders > 1) > 0", ErrorCode.UNSUPPORTED, 1, 16),
    (H, "count(risks, months => 12) > 0", ErrorCode.NO_DATE_WINDOW, 1, 24),
    # functions and parameters
    (H, "param('no_such_line') > 0", ErrorCode.UNKNOWN_PARAMETER, 1, 7),
    (H, "param(household.status) > 0", ErrorCode.WRONG_ARGUMENTS, 1, 1),
    (H, "abs(1, 2) > 0", ErrorCode.WRONG_ARGUMENTS, 1, 1),
    (H, "count(risks, months => 0) > 0", ErrorCode.NO_DATE_WINDOW, 1, 24),
    (P, "count(medical_claims, months => 0) > 0", ErrorCode.WRONG_ARGUMENTS, 1, 1),
    (P, "count(medical_claims, days => 3) > 0", ErrorCode.WRONG_ARGUMENTS, 1, 1),
    (P, "round(1.5, person.disability_grade) > 0", ErrorCode.WRONG_ARGUMENTS, 1, 1),
    (P, "years_between(person.birth_date, 2020) > 1", ErrorCode.TYPE_MISMATCH, 1, 34),
    # syntax
    (H, "", ErrorCode.EMPTY_RULE, 1, 1),
    (H, "household.status = 'active' AND", ErrorCode.SYNTAX_ERROR, 1, 32),
    (H, "household.status == 'active'", ErrorCode.SYNTAX_ERROR, 1, 19),
    (H, "household.lifted_out_year = 1 = 2", ErrorCode.SYNTAX_ERROR, 1, 31),
    (H, "household.status = ’active’", ErrorCode.UNEXPECTED_CHARACTER, 1, 20),
    (H, "household.monitoring_identified_on > DATE '2020-13-01'", ErrorCode.INVALID_DATE, 1, 43),
    (H, "(" * 100 + "1 = 1" + ")" * 100, ErrorCode.TOO_DEEP, 1, 65),
    (H, "1 = 1 AND " * 1200 + "1 = 1", ErrorCode.TOO_LONG, 1, 1),
]


@pytest.mark.parametrize(
    ("subject", "text", "code", "line", "column"),
    REFUSALS,
    ids=[f"{code}:{text[:40]}" for _, text, code, _, _ in REFUSALS],
)
def test_a_refused_rule_names_the_error_and_its_position(
    subject: str, text: str, code: ErrorCode, line: int, column: int
) -> None:
    with pytest.raises(RuleError) as refused:
        check(text, subject=subject, catalog=CATALOG)
    assert (refused.value.code, refused.value.line, refused.value.column) == (code, line, column)


def test_an_error_has_an_english_message_and_a_translatable_msgid() -> None:
    with pytest.raises(RuleError) as refused:
        check("household.housing_grade = 'E'", subject=H, catalog=CATALOG)
    error = refused.value
    assert error.msgid == "%(value)s is not a value of %(codes)s; allowed: %(allowed)s."
    assert error.message == "'E' is not a value of housing_grade; allowed: A, B, C, D."
    assert error.as_dict() == {
        "code": "unknown_code_value",
        "message": error.message,
        "line": 1,
        "column": 27,
    }


def test_a_quote_inside_a_string_literal_stays_data() -> None:
    checked = check("person.name = ''' OR 1=1 --'", subject=P, catalog=CATALOG)
    assert unparse(parse(checked.text)) == "person.name = ''' OR 1=1 --'"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("a.b-(c.d-e.f)*2>-x.y", "a.b - (c.d - e.f) * 2 > -x.y"),
        ("not a.b and (c.d or e.f)", "NOT a.b AND (c.d OR e.f)"),
        ("NOT (a.b AND c.d)", "NOT (a.b AND c.d)"),
        ("a.b <> 1", "a.b != 1"),
        ("x.y not in ('a','b''c')", "x.y NOT IN ('a', 'b''c')"),
        ("x.y between 1+2 and 3*4", "x.y BETWEEN 1 + 2 AND 3 * 4"),
        ("x.y is not null", "x.y IS NOT NULL"),
        ("COUNT(t,t.a=1,months=>12)>0", "count(t, t.a = 1, months => 12) > 0"),
        ("d.x = date '2020-02-29'", "d.x = DATE '2020-02-29'"),
        ("- -a.b > 0", "-(-a.b) > 0"),
    ],
)
def test_unparse_gives_one_canonical_text(text: str, canonical: str) -> None:
    assert unparse(parse(text)) == canonical
    assert unparse(parse(canonical)) == canonical


def test_parameters_are_typed_by_their_declaration() -> None:
    checked = check(
        "income.per_capita_net_income < param('monitoring_income_line')",
        subject=H,
        catalog=CATALOG,
    )
    assert [(p.name, str(p.type), p.line, p.column) for p in checked.parameters] == [
        ("monitoring_income_line", "decimal", 1, 32)
    ]


def test_evidence_lists_fields_aggregates_and_parameters_in_order_of_appearance() -> None:
    checked = check(
        "household.household_type = '脱贫户' AND count(persons, age() < 16) >= 1 "
        "AND sum(medical_claims.out_of_pocket, months => 12) > param('schooling_out_of_pocket')",
        subject=H,
        catalog=CATALOG,
    )
    assert [key for key, _ in checked.evidence] == [
        "household.household_type",
        "count(persons, age() < 16)",
        "sum(medical_claims.out_of_pocket, months => 12)",
        "param.schooling_out_of_pocket",
    ]
    aggregate = dict(checked.evidence)["count(persons, age() < 16)"]
    assert isinstance(aggregate, TAggregate)
    assert aggregate.type == INTEGER


@pytest.mark.parametrize(
    "text",
    [
        "age_on(household.monitoring_identified_on) >= 60",
        "coalesce(person.disability_grade, 0) BETWEEN 1 AND 2",
        "abs(income.net_income - income_prev.net_income) > 10000",
        "round(income.net_income / 3, 2) > 1.5",
        "length(person.phone) != 11",
        "coalesce(person.health, '健康') = '残疾'",
        "max(medical_claims.visit_on) > DATE '2020-01-01'",
        "min(employment.monthly_wage, employment.job_kind = '务工',"
        " months => param('development_measure_months')) < 100",
        "months_between(person.birth_date, screening_date()) > 12 * 16",
        "person.disability_grade IS NULL OR NOT person.disability_grade IN (1, 2)",
        "person.birth_date NOT BETWEEN DATE '1950-01-01' AND DATE '2000-12-31'",
        "exists(housing_appraisals, housing_appraisals.grade IN ('C', 'D'), months => 24)",
    ],
)
def test_the_documented_functions_are_accepted_in_person_rules(text: str) -> None:
    checked = check(text, subject=P, catalog=CATALOG)
    assert checked.subject is Subject.PERSON
    assert checked.evidence


def test_literals_keep_their_exact_values() -> None:
    tree = parse("x.a = 0.10 AND x.b = 3 AND x.c = DATE '2020-02-29'")
    assert unparse(tree) == "x.a = 0.10 AND x.b = 3 AND x.c = DATE '2020-02-29'"
    assert Decimal("0.10") in _literal_values(tree)
    assert dt.date(2020, 2, 29) in _literal_values(tree)


def _literal_values(node: object) -> list[object]:
    from fupin.rules.language.syntax import Binary, Literal

    if isinstance(node, Literal):
        return [node.value]
    if isinstance(node, Binary):
        return _literal_values(node.left) + _literal_values(node.right)
    return []
