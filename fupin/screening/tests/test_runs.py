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

    def run_arrow(self, compiled, **options):
        progress = options.pop("progress")

        def dying(rule, hits):
            progress(rule, hits)
            raise OSError("disk full")

        return self.inner.run_arrow(compiled, progress=dying, **options)


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


def test_a_phone_shared_with_a_household_beyond_the_run_area_is_found_with_only_a_count(
    org, township
):
    # given a member of 示范一村 (B) using the phone of the head of household A1 in 凉风村 (A)
    from fupin.registry.tests.factories import MemberFactory
    from fupin.rules.snapshot import Snapshot

    phone = township["head_a"].phone
    sharer = MemberFactory(household=township["b1"], relation="配偶", sex="2", phone=phone)
    # when a run screens village B alone
    run = actions.run_start(
        actor=None,
        units=[org["village_b"]],
        screening_date=SCREENING_DATE,
        queue=False,
        rule_codes=["shared_phone"],
    )
    run = execute_run(run.pk)
    # then the sharer is found, with the count only; the holder in A is not reported
    assert run.status == RunStatus.SUCCEEDED, run.error
    finding = Finding.objects.get()
    assert (finding.subject_type, finding.subject_id) == ("person", sharer.pk)
    assert finding.evidence == {"person.status": "active", "person.phone_households": 2}
    assert finding.village == org["village_b"]
    # and the snapshot holds of the holder in A only what the count reads
    outside = Snapshot(run.snapshot_path).read_table("persons__outside").to_pylist()
    assert [{key: value for key, value in row.items() if value is not None} for row in outside] == [
        {"household_id": township["a1"].pk, "phone": phone, "status": "active"}
    ]
    persons = Snapshot(run.snapshot_path).read_table("persons")
    assert township["head_a"].pk not in persons.column("person_id").to_pylist()


def test_a_dismissed_finding_found_again_keeps_its_status_and_takes_the_new_evidence(org, township):
    # given
    first = screen(org)
    finding = Finding.objects.get(rule__code="income_below_line_not_monitored")
    Finding.objects.filter(pk=finding.pk).update(
        status=FindingStatus.DISMISSED, dismissed_reason="已核实"
    )
    township["a1"].incomes.filter(year=2020).update(per_capita_net_income=2500)
    # when
    second = screen(org)
    # then
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert finding.dismissed_reason == "已核实"
    assert finding.evidence["income.per_capita_net_income"] == "2500"
    assert (finding.first_seen_run, finding.last_seen_run) == (first, second)
    assert second.counts["income_below_line_not_monitored"] == {"new": 0, "open": 1, "resolved": 0}


class RemovingEngine:
    """Runs DuckDB, then removes a member from the registry before the findings are written
    (as if the registry changed while the run was going)."""

    def __init__(self, member) -> None:
        self.inner, self.member = get_engine("duckdb"), member

    def run_arrow(self, compiled, **options):
        results = self.inner.run_arrow(compiled, **options)
        self.member.__class__.objects.filter(pk=self.member.pk).delete()
        return results


def test_a_subject_gone_from_the_registry_before_writing_gets_no_finding(org, township):
    # given
    run = actions.run_start(
        actor=None, units=[org["township"]], screening_date=SCREENING_DATE, queue=False
    )
    # when
    run = execute_run(run.pk, engine_factory=lambda name: RemovingEngine(township["son"]))
    # then the others are written, and counted
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ("female_relation_on_male", "person", township["son"].pk) not in found()
    assert len(found()) == 4
    assert run.counts["female_relation_on_male"] == {"new": 0, "open": 0, "resolved": 0}
    assert run.counts["unsafe_housing"] == {"new": 1, "open": 0, "resolved": 0}


def test_many_findings_are_written_and_resolved_in_bulk(org, township):
    # given 30 more households of A with a C-grade house
    from fupin.registry.tests.factories import HouseholdFactory, MemberFactory

    houses = [
        HouseholdFactory(village=org["village_a"], group=org["group_a1"], housing_grade="C")
        for _ in range(30)
    ]
    for house in houses:
        MemberFactory(household=house)
    first = screen(org, rule_codes=["unsafe_housing"])
    # when ten are repaired
    repaired = [house.pk for house in houses[:10]]
    township["a2"].__class__.objects.filter(pk__in=repaired).update(housing_grade="A")
    second = screen(org, rule_codes=["unsafe_housing"])
    # then
    assert first.counts["unsafe_housing"] == {"new": 31, "open": 0, "resolved": 0}
    assert second.counts["unsafe_housing"] == {"new": 0, "open": 21, "resolved": 10}
    resolved = Finding.objects.filter(status=FindingStatus.RESOLVED)
    assert sorted(resolved.values_list("subject_id", flat=True)) == sorted(repaired)
    assert set(resolved.values_list("resolved_run", flat=True)) == {second.pk}
    assert Finding.objects.filter(status=FindingStatus.OPEN).count() == 21
