"""The standard rule pack: every rule compiles, has YAML cases, and gives the expected hits on
DuckDB, PostgreSQL and Spark — with the core's case harness (fupin/rules/tests/cases.py).

The first 18 rules' cases live with the core (fupin/rules/tests/cases); their text in the pack
must be the same. The other cases (fupin/screening/tests/cases) name only the rule's code:
the text they test is the pack's own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from fupin.rules.engines import Engine
from fupin.rules.language import RuleSource, Scope, compile_rule
from fupin.rules.tests.cases import RuleCase, _case, load_rule_files, write_snapshot
from fupin.rules.tests.conftest import ENGINE_NAMES, make_engine, pg_url, spark_session
from fupin.rules.tests.test_engines import expected_evidence
from fupin.screening.evidence import PLACEHOLDER
from fupin.screening.models import Category, RunStatus, Severity, Subject
from fupin.screening.pack import read_pack
from fupin.screening.parameters import run_parameters
from fupin.screening.tests.test_runs import found, screen

__all__ = ["pg_url", "spark_session"]  # the core's engine fixtures, used by `engine` below

CASES_DIR = Path(__file__).with_name("cases")
PACK = {spec["code"]: spec for spec in read_pack()}
CORE_CASES = {spec["rule"]["code"]: spec for spec in load_rule_files()}


def load_pack_cases() -> list[RuleCase]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
        rule = PACK[spec["rule"]["code"]]
        source = RuleSource(rule["code"], rule["subject"], rule["text"])
        cases += [_case(path.name, source, case) for case in spec["cases"]]
    return cases


CASES = load_pack_cases()


@pytest.fixture(params=ENGINE_NAMES)
def engine(request: pytest.FixtureRequest) -> Engine:
    return make_engine(request, request.param)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_pack_case_gives_the_expected_hits_on_every_engine(
    case: RuleCase, engine: Engine, tmp_path: Path
) -> None:
    # given
    snapshot = write_snapshot(tmp_path, case.rows)
    rule = compile_rule(case.rule, scope=case.scope)
    # when
    hits = engine.run(
        [rule],
        snapshot=snapshot,
        screening_date=case.screening_date,
        params=case.params,
        income_year=case.income_year,
    )
    # then
    assert [hit.subject_id for hit in hits] == [expected.subject for expected in case.hits]
    json.dumps([hit.evidence for hit in hits])
    for hit, expected in zip(hits, case.hits, strict=True):
        if expected.evidence is not None:
            assert hit.evidence == expected_evidence(rule, expected.evidence)


def test_the_pack_has_at_least_thirty_rules_in_every_category() -> None:
    assert len(PACK) >= 30
    assert {spec["category"] for spec in PACK.values()} == set(Category.values)
    for spec in PACK.values():
        assert spec["subject"] in Subject.values
        assert spec["severity"] in Severity.values
        assert spec["reference"]


@pytest.mark.parametrize("code", sorted(PACK))
def test_every_pack_rule_compiles_and_its_explanation_names_only_its_values(code: str) -> None:
    spec = PACK[code]
    rule = compile_rule(
        RuleSource(code, spec["subject"], spec["text"]), scope=Scope(code_prefixes=("500110",))
    )
    keys = {column.key for column in rule.evidence}
    assert set(PLACEHOLDER.findall(spec["explanation"])) <= keys
    assert re.fullmatch(r"[a-z][a-z0-9_]+", code)


@pytest.mark.parametrize("code", sorted(PACK))
def test_every_pack_rule_has_cases_and_the_core_cases_test_the_pack_text(code: str) -> None:
    mine = {case.rule.code for case in CASES}
    assert code in mine or code in CORE_CASES, f"{code} has no YAML case"
    if code in CORE_CASES:
        core = CORE_CASES[code]["rule"]
        assert (core["subject"], core["text"]) == (PACK[code]["subject"], PACK[code]["text"])


@pytest.mark.django_db  # a site's own values (fupin.parameters) are read too
@pytest.mark.parametrize("code", sorted(PACK))
def test_every_parameter_a_pack_rule_reads_has_a_cited_value_in_2020_and_2025(code: str) -> None:
    spec = PACK[code]
    rule = compile_rule(
        RuleSource(code, spec["subject"], spec["text"]), scope=Scope(code_prefixes=("500110",))
    )
    for day in (dt.date(2020, 12, 31), dt.date(2025, 6, 30)):
        values = run_parameters(on=day)
        assert {use.name for use in rule.parameters} <= set(values)


# -- the Django side on every engine (here, so that Spark starts once per file) --


@pytest.mark.django_db
@pytest.mark.parametrize("engine_name", ["postgres", "spark"])
def test_every_engine_finds_the_same_in_the_township(request, org, township, settings, engine_name):
    # given (PostgreSQL: the Django database if it is PostgreSQL, else SCREENING_PG_URL)
    from django.db import connection

    if engine_name == "postgres" and connection.vendor != "postgresql":
        settings.SCREENING_PG_URL = request.getfixturevalue("pg_url")
    if engine_name == "spark":
        request.getfixturevalue("spark_session")
    # when
    run = screen(org, engine=engine_name)
    # then
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.engine == engine_name
    assert found() == {
        ("income_below_line_not_monitored", "household", township["a1"].pk),
        ("inpatient_cost_lifted_out", "person", township["head_a"].pk),
        ("unsafe_housing", "household", township["a2"].pk),
        ("female_relation_on_male", "person", township["son"].pk),
        ("deceased_still_active", "person", township["head_b"].pk),
    }
