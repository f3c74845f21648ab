"""The screening pages: rules with the edit form, the run button, findings and their buttons."""

from __future__ import annotations

import pytest

from fupin.accounts.models import AuditEvent
from fupin.screening.models import Finding, FindingStatus, RuleVersion, Run
from fupin.screening.tests.test_runs import screen
from fupin.tests.clients import session

pytestmark = pytest.mark.django_db


def test_the_rules_page_lists_the_pack_by_category_with_parameters(township_officer):
    response = session(township_officer).get("/screening/rules/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "住房为C级或D级危房" in text
    assert "monitoring_income_line" in text


def test_a_rule_page_shows_its_text_versions_and_cases(township_officer):
    response = session(township_officer).get("/screening/rules/?code=unsafe_housing")
    assert response.status_code == 200
    text = response.content.decode()
    assert "household.housing_grade IN (&#x27;C&#x27;, &#x27;D&#x27;)" in text
    assert "v1" in text
    assert "recorded C or D, or found unsafe" not in text  # the cases of another rule
    assert "住房安全有保障" in text


ATTACKS = [
    ("household.no_such_field = 1", "1", "1"),
    ("pg_sleep(10) > 0", "1", "1"),
    ("household.group_code = ''; DROP TABLE screening_rule; --'", "1", "26"),
    ("household.household_id IN (SELECT household_id FROM households)", "1", "28"),
    ("count(auth_user) > 0", "1", "7"),
]


@pytest.mark.parametrize(("text", "line", "column"), ATTACKS)
def test_the_edit_form_refuses_an_attack_and_shows_the_position(
    township_officer, text, line, column
):
    # when
    response = session(township_officer).post(
        "/screening/rules/edit/",
        {
            "rule": "unsafe_housing",
            "text": text,
            "reference": "测试",
            "effective_from": "2021-01-01",
        },
    )
    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert f"line {line}, column {column}" in page or f"第 {line} 行第 {column} 列" in page
    assert RuleVersion.objects.filter(rule__code="unsafe_housing").count() == 1


def test_the_edit_form_publishes_a_new_version(township_officer):
    response = session(township_officer).post(
        "/screening/rules/edit/",
        {
            "rule": "unsafe_housing",
            "text": "household.housing_grade = 'D'",
            "reference": "测试",
            "effective_from": "2021-01-01",
        },
    )
    assert response.status_code == 302
    assert RuleVersion.objects.filter(rule__code="unsafe_housing").count() == 2


def test_a_village_cadre_cannot_publish_a_version(village_cadre_a):
    response = session(village_cadre_a).post(
        "/screening/rules/edit/",
        {
            "rule": "unsafe_housing",
            "text": "household.housing_grade = 'D'",
            "reference": "x",
            "effective_from": "2021-01-01",
        },
    )
    assert response.status_code == 403


def test_the_run_button_queues_a_run_and_the_page_polls_its_progress(
    township_officer, township, django_capture_on_commit_callbacks
):
    client = session(township_officer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/screening/runs/", {"engine": "duckdb"})
    run = Run.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/screening/runs/{run.pk}/"
    page = client.get(f"/screening/runs/{run.pk}/").content.decode()
    assert f'hx-get="/screening/runs/{run.pk}/progress/"' in page
    fragment = client.get(f"/screening/runs/{run.pk}/progress/", headers={"hx-request": "true"})
    assert f'aria-valuemax="{run.rules_total}" aria-valuenow="0"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment


def test_the_finding_page_shows_evidence_and_its_buttons_work(org, township, township_officer):
    screen(org)
    finding = Finding.objects.get(rule__code="unsafe_housing")
    client = session(township_officer)
    page = client.get(f"/screening/findings/{finding.pk}/").content.decode()
    assert "household.housing_grade" in page
    client.post(f"/screening/findings/{finding.pk}/dismiss/", {"reason": "已改造"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert AuditEvent.objects.filter(action="screening.finding_dismiss").count() == 1
    other = Finding.objects.get(rule__code="income_below_line_not_monitored")
    client.post(f"/screening/findings/{other.pk}/send/")
    other.refresh_from_db()
    assert other.status == FindingStatus.SENT


def test_the_findings_page_of_village_cadre_b_shows_nothing_of_village_a(
    org, township, village_cadre_b
):
    screen(org)
    page = session(village_cadre_b).get("/screening/findings/").content.decode()
    assert "公安户籍已注销" in page
    assert "住房为C级或D级危房" not in page
    finding = Finding.objects.get(rule__code="unsafe_housing")
    assert session(village_cadre_b).get(f"/screening/findings/{finding.pk}/").status_code == 404
