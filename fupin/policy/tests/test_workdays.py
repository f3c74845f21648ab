"""Working-day arithmetic across the 2026 National Day and Spring Festival holidays.

The State Council's 2026 schedule (国办发明电〔2025〕7号): Spring Festival 2-15 to 2-23 off,
with 2-14 (Sat) and 2-28 (Sat) worked; Mid-Autumn 9-25 to 9-27 off; National Day 10-1 to
10-7 off, with 9-20 (Sun) and 10-10 (Sat) worked.
"""

import datetime as dt

import pytest

from fupin.policy import workdays
from fupin.policy.workdays import (
    CalendarYearUnknown,
    add_working_days,
    is_working_day,
    nth_working_day,
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


def test_a_year_nobody_has_published_is_refused_not_guessed(monkeypatch, tmp_path):
    with pytest.raises(CalendarYearUnknown) as exc:
        is_working_day(D(2031, 3, 3))
    assert "2031" in str(exc.value) and "holidays.yaml" in str(exc.value)
    with pytest.raises(CalendarYearUnknown):
        nth_working_day(D(2031, 3, 3), 5)


def test_a_year_added_to_the_site_file_is_used(monkeypatch, tmp_path):
    # given a schedule for 2031 typed in from the State Council's notice
    site = tmp_path / "holidays.yaml"
    site.write_text(
        "years:\n  2031:\n    holidays: [2031-03-04]\n    workdays: [2031-03-08]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(workdays, "HOLIDAYS_FILE", site)
    workdays._site_years.cache_clear()
    try:
        # then: Mon 3-3 counts, Tue 3-4 is a holiday, Sat 3-8 is worked
        assert nth_working_day(D(2031, 3, 3), 5) == D(2031, 3, 8)
        assert workdays.knows_year(2031)
    finally:
        workdays._site_years.cache_clear()
