"""The screening API: runs, findings in scope, masking, dismiss / send, rule versions."""

from __future__ import annotations

import pytest
from django.test import Client

from fupin.accounts.models import AuditEvent
from fupin.monitoring.models import Clue
from fupin.screening.models import Finding, FindingStatus, RuleVersion, RunStatus
from fupin.screening.tests.test_runs import screen
from fupin.tests.clients import session

API = "/api/v1/screening"
pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(org, township):
    screen(org)
    return township


def finding_of(code: str) -> Finding:
    return Finding.objects.get(rule__code=code)


# ---- runs ---------------------------------------------------------------------------------


def test_a_township_officer_starts_a_run_and_follows_it_to_the_end(
    township_officer, township, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = session(township_officer).post(
            f"{API}/runs", {"screening_date": "2020-12-31"}, content_type="application/json"
        )
    # then
    assert response.status_code == 201, response.json()
    run_id = response.json()["id"]
    run = session(township_officer).get(f"{API}/runs/{run_id}").json()
    assert run["status"] == RunStatus.SUCCEEDED
    assert run["rules_done"] == run["rules_total"] >= 30
    assert run["units"] == ["500110103"]
    assert run["counts"]["unsafe_housing"] == {"new": 1, "open": 0, "resolved": 0}
    assert Finding.objects.count() == 5


@pytest.mark.parametrize("persona", ["village_cadre_a", "leader", "department_staff"])
def test_roles_that_do_not_screen_cannot_start_a_run(request, persona, township):
    user = request.getfixturevalue(persona)
    response = session(user).post(f"{API}/runs", {}, content_type="application/json")
    assert response.status_code == 403


# ---- findings and scope -------------------------------------------------------------------


def codes_seen(user) -> set[str]:
    body = session(user).get(f"{API}/findings?page_size=200").json()
    return {item["rule"] for item in body["items"]}


def test_a_village_cadre_sees_only_the_findings_of_their_village(
    screened, village_cadre_a, village_cadre_b
):
    assert codes_seen(village_cadre_a) == {
        "income_below_line_not_monitored",
        "inpatient_cost_lifted_out",
        "unsafe_housing",
        "female_relation_on_male",
    }
    assert codes_seen(village_cadre_b) == {"deceased_still_active"}
    finding_a = finding_of("unsafe_housing")
    assert session(village_cadre_b).get(f"{API}/findings/{finding_a.pk}").status_code == 404


def test_department_staff_see_the_findings_of_rules_reading_their_department_data(
    screened, department_staff
):
    # civil affairs (民政办) imports civil affairs and disability data: none of the planted
    # problems reads them
    assert codes_seen(department_staff) == set()


def test_a_helper_cadre_sees_the_findings_of_paired_households_only(screened, helper_cadre, pair):
    pair(helper_cadre, screened["b1"])
    assert codes_seen(helper_cadre) == {"deceased_still_active"}


def test_findings_filter_by_rule_category_village_and_status(screened, township_officer):
    client = session(township_officer)

    def count(query: str) -> int:
        return client.get(f"{API}/findings?{query}").json()["count"]

    assert count("") == 5
    assert count("rule=unsafe_housing") == 1
    assert count("category=数据质量") == 2
    assert count("village=500110103202") == 1
    assert count("status=open") == 5
    assert count("status=dismissed") == 0


def test_the_evidence_is_masked_for_roles_that_may_not_see_sensitive_values(
    org, township, township_officer, leader
):
    # given a rule whose evidence names a phone number
    township["head_a"].__class__.objects.filter(pk=township["head_a"].pk).update(phone="1380000")
    screen(org, rule_codes=["phone_format_invalid"])
    finding = finding_of("phone_format_invalid")
    # when
    seen_by_officer = session(township_officer).get(f"{API}/findings/{finding.pk}").json()
    seen_by_leader = session(leader).get(f"{API}/findings/{finding.pk}").json()
    # then
    assert seen_by_officer["evidence"]["person.phone"] == "1380000"
    assert seen_by_leader["evidence"]["person.phone"] == "*******"
    assert "1380000" not in str(seen_by_leader)
    assert seen_by_leader["subject_name"].startswith("张")
    assert seen_by_leader["subject_name"] != "张三"


# ---- dismiss and send ---------------------------------------------------------------------


def test_dismissing_a_finding_needs_a_reason_and_is_audited(screened, township_officer):
    finding = finding_of("unsafe_housing")
    client = session(township_officer)
    url = f"{API}/findings/{finding.pk}/dismiss"
    # a blank reason is refused
    response = client.post(url, {"reason": " "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    # with a reason
    response = client.post(url, {"reason": "已改造，待更新"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == FindingStatus.DISMISSED
    event = AuditEvent.objects.get(action="screening.finding_dismiss")
    assert event.actor == township_officer
    assert event.reason == "已改造，待更新"
    assert event.changes == {"status": ["open", "dismissed"]}


def test_a_dismissed_finding_stays_dismissed_when_the_next_run_finds_it_again(
    org, screened, township_officer
):
    finding = finding_of("unsafe_housing")
    session(township_officer).post(
        f"{API}/findings/{finding.pk}/dismiss", {"reason": "误报"}, content_type="application/json"
    )
    run = screen(org)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert run.counts["unsafe_housing"] == {"new": 0, "open": 1, "resolved": 0}


def test_sending_a_finding_to_monitoring_makes_one_clue_and_is_audited(screened, township_officer):
    finding = finding_of("income_below_line_not_monitored")
    client = session(township_officer)
    # when sent twice
    first = client.post(f"{API}/findings/{finding.pk}/send")
    second = client.post(f"{API}/findings/{finding.pk}/send")
    # then
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == FindingStatus.SENT
    clue = Clue.objects.get()
    assert clue.channel == "部门筛查预警"
    assert clue.reference == f"screening:{finding.pk}"
    assert clue.evidence["rule"] == "income_below_line_not_monitored"
    assert clue.evidence["values"]["param.monitoring_income_line"] == "6000"
    assert clue.case.household == screened["a1"]
    assert first.json()["clue_id"] == clue.pk
    assert AuditEvent.objects.filter(action="screening.finding_send").count() == 1


@pytest.mark.parametrize("persona", ["village_cadre_a", "leader"])
def test_roles_that_only_read_cannot_dismiss_or_send(request, persona, screened):
    client = session(request.getfixturevalue(persona))
    finding = finding_of("unsafe_housing")
    assert client.post(f"{API}/findings/{finding.pk}/send").status_code == 403
    response = client.post(
        f"{API}/findings/{finding.pk}/dismiss", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


# ---- rules, versions and parameters -------------------------------------------------------


def new_version(client: Client, code: str, text: str, **extra):
    body = {"rule": code, "text": text, "reference": "测试", "effective_from": "2021-01-01"}
    return client.post(f"{API}/rule-versions", {**body, **extra}, content_type="application/json")


def test_an_edit_makes_a_new_version_and_the_old_one_stays(township_officer, db):
    client = session(township_officer)
    before = client.get(f"{API}/rules?code=unsafe_housing").json()[0]
    response = new_version(
        client,
        "unsafe_housing",
        "household.status = 'active' AND household.housing_grade = 'D'",
        explanation="{household.housing_grade} 级",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2
    after = client.get(f"{API}/rules?code=unsafe_housing").json()[0]
    assert [v["number"] for v in after["versions"]] == [2, 1]
    assert after["versions"][1] == before["versions"][0]
    assert AuditEvent.objects.filter(action="screening.rule_version").count() == 1


ATTACKS = [
    ("household.no_such_field = 1", "unknown_field", 1, 1),
    ("count(auth_user) > 0", "unknown_table", 1, 7),
    ("pg_sleep(10) > 0", "unknown_function", 1, 1),
    ("household.group_code = ''; DROP TABLE screening_rule; --'", "multiple_statements", 1, 26),
    ("household.household_id IN (SELECT household_id FROM households)", "sql_keyword", 1, 28),
    ("household.water_safe = 1", "type_mismatch", 1, 24),
    ("household.housing_grade IN ('C', 'D'", "syntax_error", 1, 37),
]


@pytest.mark.parametrize(("text", "code", "line", "column"), ATTACKS, ids=[a[1] for a in ATTACKS])
def test_a_rule_text_outside_the_language_is_refused_with_its_position(
    township_officer, text, code, line, column
):
    response = new_version(session(township_officer), "unsafe_housing", text)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["line"], body["column"]) == (code, line, column)
    assert body["field"] == "text"
    assert RuleVersion.objects.filter(rule__code="unsafe_housing").count() == 1


def test_an_explanation_naming_a_value_the_rule_does_not_have_is_refused(township_officer, db):
    response = new_version(
        session(township_officer),
        "unsafe_housing",
        "household.housing_grade = 'D'",
        explanation="{person.id_number}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_placeholder"


@pytest.mark.parametrize("persona", ["village_cadre_a", "leader", "department_staff"])
def test_roles_that_do_not_own_rules_cannot_edit_them(request, persona):
    client = session(request.getfixturevalue(persona))
    response = new_version(client, "unsafe_housing", "household.housing_grade = 'D'")
    assert response.status_code == 403


def test_parameters_are_readable_with_their_references(leader):
    body = session(leader).get(f"{API}/parameters?on=2020-12-31").json()
    by_name = {row["name"]: row for row in body}
    line = by_name["monitoring_income_line"]
    assert line["value"]["value"] == "6000"
    assert "国开发〔2020〕6号" in line["value"]["reference"]
    assert by_name["development_measure_months"]["value"]["value"] == "6"
