"""Working-day arithmetic across the 2026 National Day and Spring Festival holidays.

The State Council's 2026 schedule (国办发明电〔2025〕7号): Spring Festival 2-15 to 2-23 off,
with 2-14 (Sat) and 2-28 (Sat) worked; Mid-Autumn 9-25 to 9-27 off; National Day 10-1 to
10-7 off, with 9-20 (Sun) and 10-10 (Sat) worked.
"""

import datetime as dt
import textwrap

import chinese_calendar
import pytest

from fupin.policy import workdays
from fupin.policy.workdays import (
    SITE_FILE_VARIABLE,
    CalendarYearUnknown,
    HolidayFileInvalid,
    add_working_days,
    calendar_source,
    is_working_day,
    knows_year,
    nth_working_day,
    read_notices,
    working_days_between,
    working_days_covered,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 20), True),  # Sunday worked before National Day
        (D(2026, 9, 25), False),  # Mid-Autumn Festival (a Friday)
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday worked after National Day
        (D(2026, 10, 11), False),
        (D(2026, 2, 14), True),  # Saturday worked before the Spring Festival
        (D(2026, 2, 16), False),  # a Monday of the Spring Festival
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday worked after the Spring Festival
        (D(2026, 3, 1), False),
    ],
)
def test_the_2026_holidays_and_adjusted_working_days_are_known(day, working):
    assert is_working_day(day) is working


def test_a_posting_from_the_monday_before_national_day_runs_past_the_holiday():
    # Sep 28, 29, 30, then Oct 8 and 9: five working days
    assert nth_working_day(D(2026, 9, 28), 5) == D(2026, 10, 9)
    assert working_days_covered(D(2026, 9, 28), D(2026, 10, 9)) == 5


def test_a_posting_from_the_last_day_before_national_day_counts_the_worked_saturday():
    # Sep 30, Oct 8, 9, 10 (Saturday worked), then Monday Oct 12
    assert nth_working_day(D(2026, 9, 30), 5) == D(2026, 10, 12)


def test_a_posting_put_up_on_a_worked_sunday_starts_counting_that_day():
    assert nth_working_day(D(2026, 9, 19), 5) == D(2026, 9, 24)


def test_a_posting_across_the_spring_festival():
    # Feb 12, 13, 14 (Saturday worked), then Feb 24 and 25
    assert nth_working_day(D(2026, 2, 12), 5) == D(2026, 2, 25)
    assert working_days_between(D(2026, 2, 14), D(2026, 3, 2)) == 6


def test_add_working_days_skips_the_holiday_and_inverts_working_days_between():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 1), 0) == D(2026, 10, 1)
    start = D(2026, 9, 28)
    for count in range(12):
        assert working_days_between(start, add_working_days(start, count)) == count
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 12)) == 3


def test_the_2026_notice_written_out_in_the_shipped_file_agrees_with_the_package_every_day():
    notice = read_notices(workdays.HOLIDAYS_FILE)[2026]
    assert notice.published_on == D(2025, 11, 4) and "2026年部分节假日安排" in notice.reference
    assert len(notice.holidays) == 33 and len(notice.workdays) == 6
    calendar = workdays.build_calendar((workdays.HOLIDAYS_FILE,))
    day = D(2026, 1, 1)
    while day.year == 2026:
        expected = chinese_calendar.is_workday(day)
        assert calendar.listed.get(day, day.weekday() < 5) is expected, day
        day += dt.timedelta(days=1)


@pytest.fixture
def package_until_2026(monkeypatch):
    """chinesecalendar as pinned on 2026-11-29 (1.11.0 knows 2004-2026), so these tests keep
    meaning "a year the package does not know" after an upgrade that knows 2027."""
    real = chinese_calendar.is_workday

    def is_workday(day):
        if day.year > 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)


def test_no_notice_for_2027_is_shipped_so_2027_is_refused_naming_the_year(package_until_2026):
    # The State Council's notice for 2027 was not published when the file was last changed;
    # fupin does not guess it (see the header of fupin/policy/data/holidays.yaml).
    assert 2027 not in read_notices(workdays.HOLIDAYS_FILE)
    assert not knows_year(2027)
    with pytest.raises(CalendarYearUnknown) as exc:
        nth_working_day(D(2026, 12, 28), 5)  # a posting from Monday 12-28 runs into 2027
    assert exc.value.year == 2027 and "2027" in str(exc.value)


def test_a_year_nobody_has_published_is_refused_not_guessed():
    with pytest.raises(CalendarYearUnknown) as exc:
        is_working_day(D(2031, 3, 3))
    assert exc.value.year == 2031
    assert "2031" in str(exc.value) and SITE_FILE_VARIABLE in str(exc.value)
    with pytest.raises(CalendarYearUnknown):
        nth_working_day(D(2031, 3, 3), 5)
    with pytest.raises(CalendarYearUnknown):
        calendar_source(2031)


# A made-up notice for 2031 (a fixture, not a real schedule): Tuesday 3-4 and Wednesday 3-5
# off, Saturday 3-8 worked; a New Year holiday that starts on Tuesday 2030-12-31, and Sunday
# 2030-12-29 worked.
SITE_2031 = """
    years:
      2031:
        reference: 国务院办公厅关于2031年部分节假日安排的通知（测试用）
        published_on: 2030-11-05
        holidays:
          - [2030-12-31, 2031-01-02]
          - [2031-03-04, 2031-03-05]
        workdays: [2030-12-29, 2031-03-08]
"""


@pytest.fixture
def site_file(tmp_path, monkeypatch):
    """Write the site's holiday file, name it in FUPIN_HOLIDAYS_FILE, and read it afresh."""

    def write(text: str, name: str = "holidays-site.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        monkeypatch.setenv(SITE_FILE_VARIABLE, str(path))
        workdays.reload()
        return path

    yield write
    monkeypatch.delenv(SITE_FILE_VARIABLE, raising=False)
    workdays.reload()


def test_a_notice_recorded_in_the_site_file_makes_its_year_known(site_file):
    # given the office records the notice of 2031 the day it is published
    assert not knows_year(2031)
    site_file(SITE_2031)
    # then 2031 is known and cited
    assert knows_year(2031) and "2031年部分节假日安排" in calendar_source(2031)
    # and Monday 3-3 counts, Tuesday 3-4 and Wednesday 3-5 are off, Saturday 3-8 is worked
    assert [is_working_day(D(2031, 3, day)) for day in range(3, 10)] == [
        True, False, False, True, True, True, False,
    ]  # fmt: skip
    assert nth_working_day(D(2031, 3, 3), 5) == D(2031, 3, 10)
    assert working_days_covered(D(2031, 3, 3), D(2031, 3, 10)) == 5
    # and the other days of 2031 follow the week
    assert is_working_day(D(2031, 6, 2)) and not is_working_day(D(2031, 6, 1))


def test_days_a_notice_names_in_the_december_before_count_but_the_rest_of_that_year_is_unknown(
    site_file,
):
    site_file(SITE_2031)
    assert is_working_day(D(2030, 12, 29))  # a Sunday worked before the New Year holiday
    assert not is_working_day(D(2030, 12, 31))  # a Tuesday off
    with pytest.raises(CalendarYearUnknown) as exc:
        is_working_day(D(2030, 12, 30))
    assert exc.value.year == 2030
    assert not knows_year(2030)


def test_a_day_a_notice_names_wins_over_the_package(site_file):
    # given an amended 2026 schedule (made up for the test) that gives Thursday 12-31 off
    assert is_working_day(D(2026, 12, 31))
    site_file(
        """
        years:
          2026:
            reference: 一份修订2026年安排的通知（测试用）
            published_on: 2026-12-01
            holidays: [2026-12-31]
        """
    )
    # then that day is off, the site's notice replaces the shipped one, the package answers
    # for the other days
    assert not is_working_day(D(2026, 12, 31))
    assert calendar_source(2026) == "一份修订2026年安排的通知（测试用）"
    assert not is_working_day(D(2026, 10, 1)) and is_working_day(D(2026, 10, 10))


@pytest.mark.parametrize(
    ("notice", "fault"),
    [
        ("published_on: 2030-11-05\n    holidays: [2031-03-04]", "cite the notice"),
        ("reference: 通知\n    holidays: [2031-03-04]", "date the notice"),
        ("reference: 通知\n    published_on: 2030-11-05", "lists its holidays"),
        (
            "reference: 通知\n    published_on: 2030-11-05\n    holidays: [2031-03-04]\n"
            "    workdays: [2031-03-07]",
            "2031-03-07 is a weekday",
        ),
        (
            "reference: 通知\n    published_on: 2030-11-05\n    holidays: [2032-01-01]",
            "2032-01-01 is not a day of 2031",
        ),
        (
            "reference: 通知\n    published_on: 2030-11-05\n    holidays: [2030-11-11]",
            "2030-11-11 is not a day of 2031",
        ),
        (
            "reference: 通知\n    published_on: 2030-11-05\n"
            "    holidays: [[2031-02-06, 2031-12-12]]",
            "is not 1 to 15 days long",
        ),
        (
            "reference: 通知\n    published_on: 2030-11-05\n"
            "    holidays: [[2031-03-01, 2031-03-04]]\n    workdays: [2031-03-01]",
            "2031-03-01 is listed both as a holiday and as worked",
        ),
        (
            "reference: 通知\n    published_on: 2030-11-05\n    holiday: [2031-03-04]",
            "unknown key(s) holiday",
        ),
        (
            "reference: 通知\n    published_on: 2030-11-05\n    holidays: [next-monday]",
            "'next-monday' is not a date",
        ),
    ],
)
def test_a_notice_typed_in_wrongly_is_refused_naming_the_year_and_the_fault(
    site_file, notice, fault
):
    path = site_file(f"years:\n  2031:\n    {notice}\n")
    with pytest.raises(HolidayFileInvalid) as exc:
        is_working_day(D(2031, 3, 3))
    assert exc.value.year == 2031 and exc.value.path == path
    assert fault in str(exc.value) and str(path) in str(exc.value)


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("years: [2031]\n", "holds `years:`"),
        ("years:\n  next: {}\n", "'next' is not a year"),
        ("years:\n  2031: [\n", "is not valid YAML"),
        ("years:\n  2031:\n    holidays: [2031-13-04]\n", "impossible date"),
    ],
)
def test_a_holiday_file_that_is_no_list_of_notices_is_refused(site_file, text, fault):
    site_file(text)
    with pytest.raises(HolidayFileInvalid) as exc:
        knows_year(2031)
    assert fault in str(exc.value)


def test_a_site_file_named_but_missing_is_refused_not_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv(SITE_FILE_VARIABLE, str(tmp_path / "missing.yaml"))
    workdays.reload()
    try:
        with pytest.raises(HolidayFileInvalid) as exc:
            is_working_day(D(2026, 3, 3))
        assert "missing.yaml" in str(exc.value) and "cannot be read" in str(exc.value)
    finally:
        monkeypatch.delenv(SITE_FILE_VARIABLE)
        workdays.reload()
