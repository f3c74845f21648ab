"""Hits as Arrow: evidence JSON built by column gives what the per-value path gives."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from fupin.rules.catalog import Kind
from fupin.rules.engines.hits import RuleHits, hit_table, json_texts, json_value
from fupin.rules.language import RuleSource, Scope, compile_rule
from fupin.rules.language.typed import Type

SCOPE = Scope(village_codes=frozenset({"500110103201"}))


def texts(values: list[Any], arrow: pa.DataType, kind: Kind) -> list[Any]:
    column = pa.chunked_array([pa.array(values, arrow)])
    return [json.loads(text) for text in json_texts(column, Type(kind)).to_pylist()]


def per_value(values: list[Any], kind: Kind) -> list[Any]:
    return [json_value(value, Type(kind)) for value in values]


@pytest.mark.parametrize(
    ("values", "arrow", "kind", "expected"),
    [
        (
            [Decimal("5000.00"), Decimal("0.50"), Decimal("-0.00"), Decimal("-12.30"), None],
            pa.decimal128(12, 2),
            Kind.DECIMAL,
            ["5000", "0.5", "0", "-12.3", None],
        ),
        ([Decimal("100"), Decimal("7.0000000001")], pa.decimal128(38, 10), Kind.DECIMAL, None),
        ([1234.5, 0.1, None], pa.float64(), Kind.DECIMAL, ["1234.5", "0.1", None]),
        ([3, None, -2], pa.int64(), Kind.DECIMAL, ["3", None, "-2"]),
        ([45, None], pa.int32(), Kind.INTEGER, [45, None]),
        ([Decimal("45"), Decimal("7")], pa.decimal128(20, 0), Kind.INTEGER, [45, 7]),
        ([Decimal("4.5")], pa.decimal128(20, 1), Kind.INTEGER, [4]),  # as int() does
        ([True, False, None], pa.bool_(), Kind.BOOLEAN, [True, False, None]),
        ([dt.date(2020, 2, 29), None], pa.date32(), Kind.DATE, ["2020-02-29", None]),
        (['say "hi"', "back\\slash", "凉风村", None], pa.string(), Kind.TEXT, None),
        (["line\nbreak", "tab\there", "\x01"], pa.string(), Kind.TEXT, None),
        (["户主"], pa.string(), Kind.CODE, ["户主"]),
        ([None, None], pa.null(), Kind.DECIMAL, [None, None]),
    ],
)
def test_evidence_values_by_column_are_what_each_value_gives(
    values: list[Any], arrow: pa.DataType, kind: Kind, expected: list[Any] | None
) -> None:
    found = texts(values, arrow, kind)
    assert found == per_value(values, kind)
    if expected is not None:
        assert found == expected


def test_a_decimal_arrow_would_print_in_scientific_notation_is_written_exactly() -> None:
    values = [Decimal("0.0000000100"), Decimal("1.0000000000")]
    assert texts(values, pa.decimal128(38, 10), Kind.DECIMAL) == ["0.00000001", "1"]


def hits_of(text: str, table: pa.Table, subject: str = "household") -> RuleHits:
    rule = compile_rule(RuleSource("R", subject, text), scope=SCOPE)
    columns = [column.alias for column in rule.evidence]
    return hit_table(rule, table.rename_columns(["subject_id", *columns]), columns)


def test_each_hit_has_its_evidence_as_one_json_object_in_the_rule_order() -> None:
    # given two hits, given out of subject order
    table = pa.table(
        {
            "subject_id": pa.array([9, 3], pa.int32()),
            "a": pa.array([Decimal("5200.50"), None], pa.decimal128(12, 2)),
            "b": pa.array([Decimal("6000"), Decimal("6000")], pa.decimal128(12, 0)),
        }
    )
    hits = hits_of("income.per_capita_net_income < param('monitoring_income_line')", table)
    # when
    evidence = hits.sorted().evidence_json().to_pylist()
    # then
    assert hits.subject_ids().to_pylist() == [9, 3]  # as the engine gave them
    assert hits.sorted().subject_ids().to_pylist() == [3, 9]
    assert evidence == [
        '{"income.per_capita_net_income": null, "param.monitoring_income_line": "6000"}',
        '{"income.per_capita_net_income": "5200.5", "param.monitoring_income_line": "6000"}',
    ]
    assert [(h.subject_id, h.evidence) for h in hits.hits()] == [
        (3, {"income.per_capita_net_income": None, "param.monitoring_income_line": "6000"}),
        (9, {"income.per_capita_net_income": "5200.5", "param.monitoring_income_line": "6000"}),
    ]


def test_a_rule_with_no_values_has_empty_evidence() -> None:
    hits = hits_of("1 = 1", pa.table({"subject_id": [2, 1]}))
    assert hits.evidence_json().to_pylist() == ["{}", "{}"]
    assert [hit.evidence for hit in hits.hits()] == [{}, {}]


def test_no_hits_is_an_empty_table_not_an_error() -> None:
    table = pa.table({"subject_id": pa.array([], pa.null()), "x": pa.array([], pa.null())})
    hits = hits_of("household.water_safe = FALSE", table)
    assert len(hits) == 0
    assert hits.evidence_json().to_pylist() == []
    assert hits.hits() == []


@pytest.mark.parametrize(
    ("values", "kind", "expected"),
    [
        (
            ["5000.00", "0.50", "-12.30", "7", None],
            Kind.DECIMAL,
            ["5000", "0.5", "-12.3", "7", None],
        ),
        (["1.5e-05", "2E+3"], Kind.DECIMAL, ["0.000015", "2000"]),
        (["45", "-3", None], Kind.INTEGER, [45, -3, None]),
        (["45.0", "7"], Kind.INTEGER, [45, 7]),
    ],
)
def test_numbers_an_engine_gives_as_text_are_written_exactly(
    values: list[Any], kind: Kind, expected: list[Any]
) -> None:
    # (PostgreSQL's results come as CSV text: numbers are kept as PostgreSQL wrote them)
    found = texts(values, pa.string(), kind)
    assert found == per_value(values, kind) == expected
