"""One rule text, three engines, identical results: the YAML cases and a generated township.

All tests that start Spark live in this file so that `pytest -n 2 --dist loadfile` starts
one Spark JVM per run.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from fupin.rules.engines import Engine, Hit, json_value
from fupin.rules.language import CompiledRule, RuleSource, Scope, compile_rule, compile_rules
from fupin.rules.snapshot import Snapshot
from fupin.rules.tests.cases import RuleCase, load_cases, load_rule_files, write_snapshot
from fupin.rules.tests.conftest import ENGINE_NAMES, make_engine
from fupin.rules.tests.township import generate_township

CASES = load_cases()
VILLAGE_A, VILLAGE_B, VILLAGE_C = "500110103201", "500110103202", "500110103203"


def run(
    engine: Engine, rules: list[CompiledRule], snapshot: Snapshot | None, **options: Any
) -> list[Hit]:
    options.setdefault("screening_date", dt.date(2020, 12, 31))
    options.setdefault("params", {})
    return engine.run(rules, snapshot=snapshot, **options)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_case_gives_the_expected_hits_on_every_engine(
    case: RuleCase, engine: Engine, tmp_path: Path
) -> None:
    # given
    snapshot = write_snapshot(tmp_path, case.rows)
    rule = compile_rule(case.rule, scope=case.scope)
    # when
    hits = run(
        engine,
        [rule],
        snapshot,
        screening_date=case.screening_date,
        params=case.params,
        income_year=case.income_year,
    )
    # then
    assert [hit.subject_id for hit in hits] == [expected.subject for expected in case.hits]
    json.dumps([hit.evidence for hit in hits])  # evidence is JSON as it is
    for hit, expected in zip(hits, case.hits, strict=True):
        assert hit.rule_code == case.rule.code
        assert hit.subject_type == str(rule.subject)
        if expected.evidence is not None:
            assert hit.evidence == expected_evidence(rule, expected.evidence)


def expected_evidence(rule: CompiledRule, written: dict[str, Any]) -> dict[str, Any]:
    """The YAML's evidence in JSON form (YAML numbers and dates ▸ the engines' JSON values)."""
    types = {column.key: column.type for column in rule.evidence}
    assert set(written) == set(types), "a case must list every evidence value of its hit"
    return {key: json_value(_yaml_value(value), types[key]) for key, value in written.items()}


def _yaml_value(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, float) else value


def test_there_are_at_least_twelve_rules_with_cases() -> None:
    assert len({case.rule.code for case in CASES}) >= 12
    assert all(spec["cases"] for spec in load_rule_files())


# -- the scope guard ------------------------------------------------------------------------

SCOPE_ROWS: dict[str, list[dict[str, Any]]] = {
    "households": [
        {"household_id": 1, "village_code": VILLAGE_A},
        {"household_id": 2, "village_code": VILLAGE_B},
        {"household_id": 3, "village_code": VILLAGE_C},
        {"household_id": 4, "village_code": "500110104201"},  # another township
    ],
    "persons": [{"person_id": n, "household_id": n} for n in (1, 2, 3, 4)],
    "medical_claims": [
        {"person_id": n, "visit_on": dt.date(2020, 5, 1), "out_of_pocket": 100}
        for n in (1, 2, 3, 4)
    ],
}
SCOPE_ATTACKS = [
    ("household", "household.status = 'active' OR 1 = 1"),
    ("household", "1 = 1 OR household.village_code != ''"),
    ("household", "household.village_code = '500110103203' OR TRUE"),
    ("person", "person.status = 'active' OR NOT person.status = 'active' OR 1 = 1"),
    ("household", "exists(medical_claims) OR NOT exists(medical_claims)"),
]


@pytest.mark.parametrize(("subject", "text"), SCOPE_ATTACKS)
def test_a_rule_never_returns_subjects_outside_the_allowed_villages(
    engine: Engine, tmp_path: Path, subject: str, text: str
) -> None:
    # given a snapshot with households in four villages
    snapshot = write_snapshot(tmp_path, SCOPE_ROWS)
    scope = Scope(village_codes=frozenset({VILLAGE_A, VILLAGE_B}))
    rule = compile_rule(RuleSource("attack", subject, text), scope=scope)
    # when
    hits = run(engine, [rule], snapshot)
    # then only villages A and B come back, even though the condition is always true
    assert sorted(hit.subject_id for hit in hits) == [1, 2]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(code_prefixes=("500110103",)), [1, 2, 3]),  # the township
        (Scope(code_prefixes=("500110",)), [1, 2, 3, 4]),  # the county
        (Scope(village_codes=frozenset({VILLAGE_C})), [3]),
        (Scope(), []),  # nothing is allowed by default
    ],
)
def test_scope_by_village_codes_or_code_prefix(
    engine: Engine, tmp_path: Path, scope: Scope, expected: list[int]
) -> None:
    snapshot = write_snapshot(tmp_path, SCOPE_ROWS)
    rule = compile_rule(RuleSource("all", "household", "1 = 1"), scope=scope)
    assert [hit.subject_id for hit in run(engine, [rule], snapshot)] == expected


def test_a_quote_in_a_text_value_is_compared_as_data(engine: Engine, tmp_path: Path) -> None:
    # given one person whose name is the injection attempt itself
    payload = "' OR 1=1 --"
    rows = {
        "households": [{"household_id": 1}],
        "persons": [{"person_id": 1, "name": "张三"}, {"person_id": 2, "name": payload}],
    }
    snapshot = write_snapshot(tmp_path, rows)
    scope = Scope(village_codes=frozenset({VILLAGE_A}))
    text = "person.name = ''' OR 1=1 --'"
    rule = compile_rule(RuleSource("R", "person", text), scope=scope)
    # when
    hits = run(engine, [rule], snapshot)
    # then only the person with exactly that name is found
    assert [(hit.subject_id, hit.evidence) for hit in hits] == [(2, {"person.name": payload})]


def test_postgres_runs_on_tables_already_in_a_schema(pg_url: str, tmp_path: Path) -> None:
    import psycopg
    from psycopg import sql

    from fupin.rules.engines import get_engine
    from fupin.rules.engines.postgres_engine import load_snapshot

    snapshot = write_snapshot(tmp_path, SCOPE_ROWS)
    schema = f"fupin_rules_test_{uuid.uuid4().hex[:8]}"
    rule = compile_rule(
        RuleSource("R", "household", "exists(medical_claims)"),
        scope=Scope(village_codes=frozenset({VILLAGE_A, VILLAGE_C})),
    )
    with psycopg.connect(pg_url) as connection:
        with connection.transaction(force_rollback=True), connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
            load_snapshot(cursor, snapshot, schema=schema)
            engine = get_engine("postgres", connection=connection, schema=schema)
            hits = run(engine, [rule], None)
        assert [hit.subject_id for hit in hits] == [1, 3]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", [schema])
            assert cursor.fetchone() == (0,)  # rolled back: nothing left behind


# -- one generated township, all rules, all engines -----------------------------------------


@pytest.fixture(scope="module")
def township(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return generate_township(tmp_path_factory.mktemp("township"), households=300, seed=20201231)


@pytest.fixture(scope="module")
def reference_hits(township: Snapshot) -> list[Hit]:
    from fupin.rules.engines import get_engine

    return run(get_engine("duckdb"), all_rules(), township, params=township_params())


def all_rules() -> list[CompiledRule]:
    sources = {case.rule.code: case.rule for case in CASES}
    scope = Scope(code_prefixes=("500110103",))
    return compile_rules(sources.values(), scope=scope)


def township_params() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for case in CASES:
        merged.update(case.params)
    return merged


def test_the_generated_township_triggers_every_rule(reference_hits: list[Hit]) -> None:
    assert {hit.rule_code for hit in reference_hits} == {case.rule.code for case in CASES}


@pytest.mark.parametrize("name", [name for name in ENGINE_NAMES if name != "duckdb"])
def test_every_engine_finds_the_same_hits_as_duckdb_in_a_generated_township(
    request: pytest.FixtureRequest, name: str, township: Snapshot, reference_hits: list[Hit]
) -> None:
    hits = run(make_engine(request, name), all_rules(), township, params=township_params())
    assert hits == reference_hits


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_rules_run_together_find_what_each_finds_alone(
    request: pytest.FixtureRequest, name: str, township: Snapshot
) -> None:
    # given the case rules, batched by subject into two queries
    engine, rules = make_engine(request, name), all_rules()
    # when
    together = run(engine, rules, township, params=township_params())
    alone = [
        hit for rule in rules for hit in run(engine, [rule], township, params=township_params())
    ]
    # then
    assert together == alone
    assert len({hit.rule_code for hit in together}) == len(rules)


def test_a_batch_of_attacks_still_returns_only_subjects_in_scope(
    engine: Engine, tmp_path: Path
) -> None:
    # given every attack at once (the rules of each subject share one query)
    snapshot = write_snapshot(tmp_path, SCOPE_ROWS)
    scope = Scope(village_codes=frozenset({VILLAGE_A, VILLAGE_B}))
    rules = [
        compile_rule(RuleSource(f"attack{n}", subject, text), scope=scope)
        for n, (subject, text) in enumerate(SCOPE_ATTACKS)
    ]
    # when
    results = engine.run_arrow(
        rules, snapshot=snapshot, screening_date=dt.date(2020, 12, 31), params={}
    )
    # then each rule has its own hits, all inside villages A and B
    assert [result.rule.code for result in results] == [rule.code for rule in rules]
    found = [sorted(result.subject_ids().to_pylist()) for result in results]
    assert found == [[1, 2]] * len(rules)


def test_a_person_rule_aggregates_matched_and_unmatched_department_rows_together(
    engine: Engine, tmp_path: Path
) -> None:
    # given claims matched to a person and claims carrying only their ID number
    claim = {"visit_type": "门诊", "period_year": 2020, "period_month": 1}
    rows = {
        "households": [{"household_id": 1}],
        "persons": [{"person_id": n, "household_id": 1} for n in (1, 2, 3, 4)],
        "medical_claims": [
            {**claim, "person_id": 1, "visit_on": dt.date(2020, 3, 1), "out_of_pocket": 100},
            {**claim, "id_number": "ID000001", "visit_on": dt.date(2020, 9, 1), "out_of_pocket": 5},
            {**claim, "id_number": "ID000001", "visit_on": dt.date(2020, 1, 2), "out_of_pocket": 7},
            {**claim, "id_number": "ID000002", "visit_on": dt.date(2020, 6, 1), "out_of_pocket": 1},
            {**claim, "person_id": 3, "visit_on": dt.date(2020, 5, 1), "out_of_pocket": 2},
        ],
    }
    snapshot = write_snapshot(tmp_path, rows)
    text = (
        "count(medical_claims) >= 0 AND sum(medical_claims.out_of_pocket) >= 0 "
        "AND max(medical_claims.visit_on) IS NOT NULL AND min(medical_claims.visit_on) "
        "<= DATE '2020-12-31' OR person.person_id = 4"
    )
    rule = compile_rule(RuleSource("R", "person", text), scope=Scope(code_prefixes=("500110",)))
    # when
    hits = run(engine, [rule], snapshot)
    # then
    found = {
        hit.subject_id: [
            hit.evidence[key]
            for key in (
                "count(medical_claims)",
                "sum(medical_claims.out_of_pocket)",
                "max(medical_claims.visit_on)",
                "min(medical_claims.visit_on)",
            )
        ]
        for hit in hits
    }
    assert found == {
        1: [3, "112", "2020-09-01", "2020-01-02"],
        2: [1, "1", "2020-06-01", "2020-06-01"],
        3: [1, "2", "2020-05-01", "2020-05-01"],
        4: [0, "0", None, None],
    }


def test_hits_stay_arrow_until_asked(tmp_path: Path) -> None:
    from fupin.rules.engines import get_engine

    # given
    snapshot = write_snapshot(tmp_path, SCOPE_ROWS)
    scope = Scope(code_prefixes=("500110",))
    rule = compile_rule(
        RuleSource("R", "household", "sum(medical_claims.out_of_pocket) >= 100"), scope=scope
    )
    # when
    [result] = get_engine("duckdb").run_arrow(
        [rule], snapshot=snapshot, screening_date=dt.date(2020, 12, 31), params={}
    )
    # then
    assert result.table.column_names == ["subject_id", "e1"]
    assert result.table.column("subject_id").type == pa.int64()
    assert result.sorted().subject_ids().to_pylist() == [1, 2, 3, 4]
    assert (
        result.evidence_json().to_pylist() == ['{"sum(medical_claims.out_of_pocket)": "100"}'] * 4
    )


def test_progress_is_reported_after_each_rule(tmp_path: Path) -> None:
    from fupin.rules.engines import get_engine

    snapshot = write_snapshot(tmp_path, SCOPE_ROWS)
    scope = Scope(village_codes=frozenset({VILLAGE_A}))
    rules = compile_rules(
        [RuleSource("a", "household", "1 = 1"), RuleSource("b", "person", "1 = 2")], scope=scope
    )
    seen: list[tuple[str, int]] = []
    run(get_engine("duckdb"), rules, snapshot, progress=lambda rule, n: seen.append((rule.code, n)))
    assert seen == [("a", 1), ("b", 0)]
