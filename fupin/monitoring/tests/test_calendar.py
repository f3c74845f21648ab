"""Postings that run past 2026-12-31: refused while 2027's holidays are unknown, counted once
the office records the State Council's notice in the site's holiday file; and the checks that
`fupin check` / `fupin serve` run on that file."""

import datetime as dt
import textwrap

import chinese_calendar
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from fupin.monitoring import actions, checks
from fupin.monitoring.models import CaseState, Posting
from fupin.monitoring.tests.steps import open_case, walk
from fupin.policy import workdays

S = CaseState
D = dt.date
# A made-up notice for the tests, NOT the real 2027 schedule (unpublished when this was
# written): only New Year's Day, a statutory holiday by law, is given off.
SITE_2027 = """
    years:
      2027:
        reference: 测试用通知（非真实的2027年安排）
        published_on: 2026-11-20
        holidays: [2027-01-01]
"""


@pytest.fixture(autouse=True)
def package_until_2026(monkeypatch):
    """chinesecalendar as pinned on 2026-11-29 (1.11.0 knows 2004-2026), so these tests keep
    meaning "2027 is not known to the package" after an upgrade that knows it."""
    real = chinese_calendar.is_workday

    def is_workday(day):
        if day.year > 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)


@pytest.fixture
def site_holidays(tmp_path, monkeypatch):
    def write(text: str):
        path = tmp_path / "site-holidays.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        monkeypatch.setenv(workdays.SITE_FILE_VARIABLE, str(path))
        workdays.reload()
        return path

    yield write
    monkeypatch.delenv(workdays.SITE_FILE_VARIABLE, raising=False)
    workdays.reload()


@pytest.fixture
def reviewed_in_december(cast, household_a):
    """household_a reviewed by the village, not posted yet; the clock at Monday 2026-12-28."""
    with time_machine.travel(dt.datetime(2026, 12, 28, 10, 0), tick=False):
        yield walk(cast, open_case(cast, household_a), S.VILLAGE_REVIEWED)


def post(cast, case):
    return actions.case_post(
        actor=cast.cadre, case=case, starts_on=D(2026, 12, 28), place="村委会公示栏",
        contact="村委会 023-48612345",
    )  # fmt: skip


def test_a_posting_into_2027_is_refused_naming_the_year_and_nothing_is_written(
    cast, reviewed_in_december
):
    # when the cadre posts the case on Monday 2026-12-28 (five working days reach 2027)
    client = Client()
    client.force_login(cast.cadre)
    response = client.post(
        f"/api/v1/monitoring/cases/{reviewed_in_december.pk}/post",
        {"starts_on": "2026-12-28", "place": "村委会公示栏", "contact": "村委会"},
        content_type="application/json",
    )
    # then it is refused, in Chinese, naming 2027
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "calendar_year_unknown"
    assert "系统尚无2027年的法定节假日安排" in body["message"]
    reviewed_in_december.refresh_from_db()
    assert reviewed_in_december.state == S.VILLAGE_REVIEWED
    assert not Posting.objects.exists()


def test_once_the_notice_is_recorded_the_posting_is_counted_across_new_year(
    cast, reviewed_in_december, site_holidays
):
    # given the office recorded a notice for 2027 in the site's file (a made-up one here)
    site_holidays(SITE_2027)
    # when the case is posted on Monday 2026-12-28
    post(cast, reviewed_in_december)
    # then 12-28, 29, 30, 31 and, after New Year's Day and the weekend, Monday 2027-01-04
    posting = Posting.objects.get(case=reviewed_in_december)
    assert (posting.starts_on, posting.ends_on) == (D(2026, 12, 28), D(2027, 1, 4))
    reviewed_in_december.refresh_from_db()
    assert reviewed_in_december.state == S.POSTED


def test_a_holiday_file_typed_in_wrongly_refuses_the_posting_without_guessing(
    cast, reviewed_in_december, site_holidays
):
    site_holidays("years:\n  2027:\n    reference: 通知\n    holidays: [2027-01-01]\n")
    client = Client()
    client.force_login(cast.cadre)
    response = client.post(
        f"/api/v1/monitoring/cases/{reviewed_in_december.pk}/post",
        {"starts_on": "2026-12-28", "place": "村委会公示栏", "contact": "村委会"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (503, "holiday_calendar_invalid")
    assert "fupin check" in response.json()["message"]
    assert not Posting.objects.exists()


def test_the_system_check_reports_a_broken_file_and_a_year_not_yet_known(site_holidays):
    # an unknown coming year is a warning from December on
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0), tick=False):
        found = checks.holiday_calendar()
    assert [(message.id, "2027" in message.msg) for message in found] == [("monitoring.W001", True)]
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0), tick=False):
        assert checks.holiday_calendar() == []
    # a notice recorded for 2027 silences it
    site_holidays(SITE_2027)
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0), tick=False):
        assert checks.holiday_calendar() == []
    # a file typed in wrongly is an error naming the file, the year and the fault
    path = site_holidays("years:\n  2027:\n    reference: 通知\n    published_on: 2026-11-20\n"
                         "    holidays: [2027-01-01]\n    workdays: [2027-01-04]\n")  # fmt: skip
    [error] = checks.holiday_calendar()
    assert error.id == "monitoring.E001" and error.is_serious()
    assert str(path) in error.msg and "2027-01-04 is a weekday" in error.msg


def test_fupin_check_stops_on_a_broken_holiday_file(site_holidays):
    from django.core.management.base import SystemCheckError

    site_holidays("years:\n  2027: {reference: 通知}\n")
    with pytest.raises(SystemCheckError) as exc:
        call_command("check")
    assert "monitoring.E001" in str(exc.value) and "date the notice" in str(exc.value)
