"""A run over the fixture township: exact findings, reruns, resolution, failures."""

from __future__ import annotations

import pytest

from fupin.rules.engines import get_engine
from fupin.screening import actions
from fupin.screening.models import Finding, FindingStatus, Run, RunStatus
from fupin.screening.runs import execute_run
from fupin.screening.tests.conftest import SCREENING_DATE, income

pytestmark = pytest.mark.django_db


def screen(org, **options) -> Run:
    run = actions.run_start(
        actor=None, units=[org["township"]], screening_date=SCREENING_DATE, queue=False, **options
    )
    return execute_run(run.pk)


def found(status: str | None = None) -> set[tuple[str, str, int]]:
    findings = Finding.objects.select_related("rule")
    if status:
        findings = findings.filter(status=status)
    return {(f.rule.code, f.subject_type, f.subject_id) for f in findings}


def test_a_run_over_the_township_finds_exactly_the_planted_problems(org, township):
    # when
    run = screen(org)
    # then
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert found() == {
        ("income_below_line_not_monitored", "household", township["a1"].pk),
        ("inpatient_cost_lifted_out", "person", township["head_a"].pk),
        ("unsafe_housing", "household", township["a2"].pk),
        ("female_relation_on_male", "person", township["son"].pk),
        ("deceased_still_active", "person", township["head_b"].pk),
    }


def test_a_rerun_creates_no_duplicates_and_counts_the_findings_still_open(org, township):
    # given
    first = screen(org)
    # when
    second = screen(org)
    # then
    assert Finding.objects.count() == 5
    assert first.counts["unsafe_housing"] == {"new": 1, "open": 0, "resolved": 0}
    assert second.counts["unsafe_housing"] == {"new": 0, "open": 1, "resolved": 0}
    assert sum(count["open"] for count in second.counts.values()) == 5
    assert set(Finding.objects.values_list("first_seen_run", flat=True)) == {first.pk}
    assert set(Finding.objects.values_list("last_seen_run", flat=True)) == {second.pk}


def test_a_finding_whose_condition_no_longer_holds_is_resolved_by_the_next_run(org, township):
    # given
    screen(org)
    township["a1"].incomes.filter(year=2020).update(per_capita_net_income=7000, net_income=7000)
    # when
    run = screen(org)
    # then
    finding = Finding.objects.get(rule__code="income_below_line_not_monitored")
    assert finding.status == FindingStatus.RESOLVED
    assert finding.resolved_run == run
    assert run.counts["income_below_line_not_monitored"] == {"new": 0, "open": 0, "resolved": 1}


def test_a_resolved_finding_found_again_is_reopened_not_duplicated(org, township):
    # given
    screen(org)
    township["a2"].__class__.objects.filter(pk=township["a2"].pk).update(housing_grade="A")
    screen(org)
    township["a2"].__class__.objects.filter(pk=township["a2"].pk).update(housing_grade="D")
    # when
    run = screen(org)
    # then
    finding = Finding.objects.get(rule__code="unsafe_housing")
    assert finding.status == FindingStatus.OPEN
    assert finding.resolved_run is None
    assert finding.evidence["household.housing_grade"] == "D"
    assert run.counts["unsafe_housing"]["new"] == 1


def test_a_run_limited_to_some_rules_touches_only_their_findings(org, township):
    # given
    screen(org)
    township["a2"].__class__.objects.filter(pk=township["a2"].pk).update(housing_grade="A")
    # when
    run = screen(org, rule_codes=["deceased_still_active"])
    # then
    assert set(run.counts) == {"deceased_still_active"}
    assert Finding.objects.get(rule__code="unsafe_housing").status == FindingStatus.OPEN


def test_the_evidence_holds_the_field_and_parameter_values_that_triggered_it(org, township):
    # when
    screen(org)
    # then
    finding = Finding.objects.get(rule__code="income_below_line_not_monitored")
    assert finding.evidence == {
        "household.household_type": "脱贫户",
        "household.monitored": False,
        "income.per_capita_net_income": "3000",
        "param.monitoring_income_line": "6000",
    }
    assert finding.rule_version.number == 1
    assert finding.period == 2020
    assert finding.village == org["village_a"]


class BrokenEngine:
    """An engine that dies after the first rule (a crashed database, a killed worker …)."""

    def __init__(self) -> None:
        self.inner = get_engine("duckdb")

    def run(self, compiled, **options):
        progress = options.pop("progress")

        def dying(rule, hits):
            progress(rule, hits)
            raise OSError("disk full")

        return self.inner.run(compiled, progress=dying, **options)


def test_a_failing_engine_leaves_no_findings_and_a_failed_run(org, township):
    # given
    run = actions.run_start(
        actor=None, units=[org["township"]], screening_date=SCREENING_DATE, queue=False
    )
    # when
    with pytest.raises(OSError):
        execute_run(run.pk, engine_factory=lambda name: BrokenEngine())
    # then
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "disk full" in run.error
    assert run.rules_done == 1
    assert Finding.objects.count() == 0


def test_a_failed_rerun_leaves_the_earlier_findings_as_they_were(org, township):
    # given
    screen(org)
    income(township["b1"], 2019, 20000)
    before = list(Finding.objects.values_list("pk", "status", "last_seen_run"))
    run = actions.run_start(
        actor=None, units=[org["township"]], screening_date=SCREENING_DATE, queue=False
    )
    # when
    with pytest.raises(OSError):
        execute_run(run.pk, engine_factory=lambda name: BrokenEngine())
    # then
    assert list(Finding.objects.values_list("pk", "status", "last_seen_run")) == before


def test_a_run_over_one_village_screens_only_that_village(org, township):
    # when
    run = actions.run_start(
        actor=None, units=[org["village_b"]], screening_date=SCREENING_DATE, queue=False
    )
    run = execute_run(run.pk)
    # then
    assert found() == {("deceased_still_active", "person", township["head_b"].pk)}
    assert run.subjects == 2  # household_b and its head


def test_the_snapshot_of_a_run_is_kept_and_only_the_newest_are_kept(org, township, settings):
    # given
    settings.SCREENING_SNAPSHOTS_KEPT = 1
    first = screen(org, rule_codes=["unsafe_housing"])
    # when
    second = screen(org, rule_codes=["unsafe_housing"])
    # then
    from pathlib import Path

    assert not Path(first.snapshot_path).exists()
    kept = Path(second.snapshot_path)
    assert (kept / "households.parquet").exists()
    assert (kept / "manifest.json").read_text("utf-8").count('"households": 3') == 1


def test_a_run_left_running_by_a_killed_process_is_failed_at_the_next_start(org, township):
    # given
    import datetime as dt

    from django.utils import timezone

    from fupin.core import startup

    run = actions.run_start(
        actor=None, units=[org["township"]], screening_date=SCREENING_DATE, queue=False
    )
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now() - dt.timedelta(days=1)
    )
    # when
    startup.run_all()
    # then
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error == "interrupted"
    assert Finding.objects.count() == 0
