"""The parameters API: read by every role, set by the county office, refusals with codes."""

from __future__ import annotations

import pytest
from django.test import Client

from fupin.parameters.models import ParameterEdit
from fupin.tests.clients import session

API = "/api/v1/parameters"
pytestmark = pytest.mark.django_db
BODY = {
    "value": "7",
    "starts_on": "2026-01-01",
    "reference": "渝乡振发〔2026〕2号",
    "reason": "公示期延长",
}


def post(user, name, body):
    return session(user).post(f"{API}/{name}/values", body, content_type="application/json")


def test_every_role_reads_the_parameters_with_the_value_in_force(village_cadre_a):
    response = session(village_cadre_a).get(f"{API}/?on=2021-07-01")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    line = rows["monitoring_income_line"]
    assert line["value"]["value"] == "6000"
    assert line["value"]["starts_on"] == "2021-01-01"
    assert line["set_by_site"] is False
    assert rows["sharp_drop_share"]["maximum"] == "1"
    assert len(line["shipped"]) == 4


def test_a_county_officer_sets_a_value_and_it_is_in_force(county_officer):
    # when
    response = post(county_officer, "posting_working_days", BODY)
    # then
    assert response.status_code == 201, response.json()
    saved = response.json()
    assert (saved["value"], saved["starts_on"], saved["set_by"]) == (
        "7",
        "2026-01-01",
        county_officer.username,
    )
    one = session(county_officer).get(f"{API}/posting_working_days?on=2026-03-01").json()
    assert one["value"]["value"] == "7"
    assert one["set_by_site"] is True
    assert one["site_values"][0]["reason"] == "公示期延长"
    before = session(county_officer).get(f"{API}/posting_working_days?on=2025-12-31").json()
    assert (before["value"]["value"], before["set_by_site"]) == ("5", False)


def test_a_township_officer_is_refused_with_403(township_officer):
    response = post(township_officer, "posting_working_days", BODY)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ParameterEdit.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"value": "5.5"}, 400, "parameter_value_invalid"),
        ({"value": "0"}, 400, "parameter_value_out_of_range"),
        ({"ends_on": "2025-01-01"}, 400, "parameter_dates_invalid"),
        ({"reference": ""}, 400, "parameter_reference_missing"),
        ({"starts_on": "2026-02-30"}, 422, "invalid_request"),
        ({"colour": "red"}, 422, "invalid_request"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code(county_officer, change, status, code):
    response = post(county_officer, "posting_working_days", {**BODY, **change})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not ParameterEdit.objects.exists()


def test_an_unknown_parameter_answers_404(county_officer):
    assert session(county_officer).get(f"{API}/no_such_thing").status_code == 404
    response = post(county_officer, "no_such_thing", BODY)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_without_a_login_the_api_answers_401():
    assert Client().get(f"{API}/").status_code == 401
