"""Dashboard numbers exact on a small fixture, the overdue command, and the API's shape."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from fupin.monitoring import actions
from fupin.monitoring.dashboard import dashboard
from fupin.monitoring.models import Case, CaseState
from fupin.monitoring.tests.steps import open_case, walk
from fupin.registry.tests.factories import HouseholdFactory, MemberFactory

S = CaseState
D = dt.date


@pytest.fixture
def township(today, cast, org, household_a, household_b):
    """凉风村: household_a (1 person) monitored for illness; a 2-person edge household of 2020
    with a flood risk whose risk was eliminated; 示范一村: household_b, lifted out, not
    monitored. Clues: two in September, one in October."""
    MemberFactory(household=household_b, relation="配偶", sex="2")
    case = walk(cast, open_case(cast, household_a), S.MONITORED)
    edge = HouseholdFactory(
        village=org["village_a"], household_type="一般农户", monitoring_category="边缘户",
        monitoring_identified_on=D(2020, 5, 1),
    )  # fmt: skip
    MemberFactory(household=edge)
    MemberFactory(household=edge, relation="之子", birth_date=D(2010, 1, 1))
    edge.risks.create(risk_type="0201", noted_on=D(2020, 5, 1))
    Case.objects.create(
        household=edge, state=S.ELIMINATED, channel="干部排查", opened_on=D(2020, 4, 10),
        due_on=D(2020, 4, 25), decided_on=D(2020, 5, 1), eliminated_on=D(2026, 10, 16),
        elimination_mode="自然消除", category="边缘户",
    )  # fmt: skip
    actions.clue_receive(
        actor=cast.cadre, household=household_a, channel="媒体/信访等其他",
        received_on=D(2026, 10, 14),
    )  # fmt: skip
    return case


def test_the_dashboard_counts_exactly(township, cast, today):
    # when
    numbers = dashboard(user=cast.township, today=today)
    # then: only household_a is under monitoring now (the edge household's risk is eliminated)
    assert [(v.name, v.households, v.people) for v in numbers.villages] == [("凉风村", 1, 1)]
    assert numbers.villages[0].by_category == {"突发严重困难户": {"households": 1, "people": 1}}
    assert numbers.villages[0].by_risk == {"01": {"households": 1, "people": 1}}
    assert numbers.cases_by_state == {S.MONITORED: 1, S.ELIMINATED: 1}
    assert numbers.overdue == 0
    assert numbers.clues_by_month == {"2026-09": {"干部排查": 1}, "2026-10": {"媒体/信访等其他": 1}}
    assert numbers.eliminations_by_month == {"2026-10": 1}
    # registered poor people: household_a (1) and household_b (2) are 脱贫户
    assert (numbers.monitored_people, numbers.registered_poor_people, numbers.population) == (
        1,
        3,
        5,
    )
    assert numbers.share == Decimal("0.3333") and numbers.guide == Decimal("0.05")
    # and the village cadre of 凉风村 sees the same, their village being the only one
    other = dashboard(user=cast.cadre, today=today)
    assert other.monitored_people == 1


def test_the_dashboard_api_and_page(township, cast, today):
    client = Client()
    client.force_login(cast.township)
    body = client.get("/api/v1/monitoring/dashboard").json()
    assert body["monitored_households"] == 1 and body["share"] == "0.3333"
    page = client.get("/monitoring/dashboard/").content.decode()
    assert 'id="dashboard-data"' in page and "vendor/echarts/echarts.min.js" in page
    assert "33.3%" in page


def test_the_overdue_command_lists_cases_per_person_who_must_act(
    today, cast, household_a, village_cadre_a
):
    # given a clue 20 days old with no decision
    open_case(cast, household_a, on=D(2026, 9, 30))
    out = io.StringIO()
    # when
    call_command("monitoring_overdue", stdout=out)
    # then the village cadres and the work team, who take the next step, are named
    text = out.getvalue()
    assert "cadre_a" in text and "team_a" in text and "township" not in text
    assert "2026-10-15" in text and "(5 days late)" in text
    # and nothing is overdue a fortnight earlier
    out = io.StringIO()
    call_command("monitoring_overdue", "--date", "2026-10-01", stdout=out)
    assert "No overdue cases" in out.getvalue()


def test_the_case_list_flags_overdue_cases(today, cast, household_a):
    open_case(cast, household_a, on=D(2026, 9, 30))
    client = Client()
    client.force_login(cast.cadre)
    page = client.get("/monitoring/cases/", {"overdue": "on"}).content.decode()
    assert "逾期" in page or "Overdue" in page
    api = client.get("/api/v1/monitoring/cases", {"overdue": True}).json()
    assert api["count"] == 1 and api["items"][0]["overdue"] is True


def test_a_step_through_the_api_and_its_refusal_shape(today, cast, household_a):
    case = open_case(cast, household_a)
    client = Client()
    client.force_login(cast.township)
    url = f"/api/v1/monitoring/cases/{case.pk}/apply"
    # when the township office tries the village's step
    refused = client.post(url, {"authorised": True}, content_type="application/json")
    # then it is refused with the API's error shape
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    # and the village cadre takes it
    client.force_login(cast.cadre)
    body = client.post(
        url, {"authorised": True, "applied_on": "2026-09-22"}, content_type="application/json"
    ).json()
    assert body["state"] == "applied" and body["allowed_steps"] == ["verify", "reject"]
    assert [row["action"] for row in body["timeline"]] == ["clue", "apply"]
    twice = client.post(url, {"authorised": True}, content_type="application/json")
    assert (twice.status_code, twice.json()["code"]) == (409, "step_not_allowed")
