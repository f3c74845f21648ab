"""The 政策参数 pages: the list, one parameter, and setting a value through the form."""

from __future__ import annotations

import pytest

from fupin.parameters.models import ParameterEdit
from fupin.tests.clients import session

pytestmark = pytest.mark.django_db
FORM = {
    "value": "6900",
    "starts_on": "2026-01-01",
    "ends_on": "",
    "reference": "渝乡振发〔2026〕1号",
    "reason": "按市级文件调整",
}


def test_the_list_shows_each_parameter_with_its_value_today(leader):
    page = session(leader).get("/parameters/").content.decode()
    assert "防返贫监测收入标准（元/人·年）" in page
    assert "村内公示天数（工作日）" in page
    assert "/parameters/monitoring_income_line/" in page


def test_a_county_officer_sets_a_value_through_the_form(county_officer):
    # when
    response = session(county_officer).post("/parameters/monitoring_income_line/", FORM)
    # then
    assert response.status_code == 302
    saved = ParameterEdit.objects.get()
    assert (saved.display_value, saved.created_by) == ("6900", county_officer)
    page = session(county_officer).get("/parameters/monitoring_income_line/").content.decode()
    assert "渝乡振发〔2026〕1号" in page
    assert "按市级文件调整" in page
    assert "本站设置" in page


def test_a_refused_value_shows_the_reason_in_chinese_and_saves_nothing(county_officer):
    response = session(county_officer).post(
        "/parameters/sharp_drop_share/", {**FORM, "value": "1.5"}
    )
    assert response.status_code == 400
    assert "取值须在 0 到 1 之间" in response.content.decode()
    assert not ParameterEdit.objects.exists()


def test_the_form_is_shown_only_to_the_roles_that_may_set_values(township_officer):
    page = session(township_officer).get("/parameters/monitoring_income_line/")
    assert page.status_code == 200
    assert "设置新取值" not in page.content.decode()
    refused = session(township_officer).post("/parameters/monitoring_income_line/", FORM)
    assert refused.status_code == 403
    assert not ParameterEdit.objects.exists()


def test_an_unknown_parameter_is_a_404(county_officer):
    assert session(county_officer).get("/parameters/no_such_thing/").status_code == 404


def test_the_rules_page_shows_a_value_the_site_set(county_officer):
    # given the wage ceiling set by the county from 2020 (a rule names it)
    session(county_officer).post(
        "/parameters/monthly_wage_max/", {**FORM, "value": "28000", "starts_on": "2020-01-01"}
    )
    # when
    page = session(county_officer).get("/screening/rules/").content.decode()
    # then
    row = page[page.index("/parameters/monthly_wage_max/") :]
    row = row[: row.index("</tr>")]
    assert "28000" in row
    assert "本站设置" in row
