"""Working days in China: weekends, public holidays and adjusted working days (调休上班).

The State Council's schedule comes from the chinesecalendar package; a year it does not
know yet can be added to `data/holidays.yaml`. A year in neither is refused with
`CalendarYearUnknown` — a posting deadline is never guessed.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.yaml"
ONE_DAY = dt.timedelta(days=1)
# A posting or a deadline never reaches further than this; a longer search is a bug.
MAX_SEARCH_DAYS = 3660


class CalendarYearUnknown(LookupError):
    """Neither chinesecalendar nor data/holidays.yaml knows the holidays of this year."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"the public holidays of {year} are not known: upgrade the chinesecalendar "
            f"package or add {year} to fupin/policy/data/holidays.yaml"
        )
        self.year = year


@cache
def _site_years() -> dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]:
    with HOLIDAYS_FILE.open(encoding="utf-8") as stream:
        data: dict[str, Any] = yaml.safe_load(stream) or {}
    years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}
    for year, spec in (data.get("years") or {}).items():
        years[int(year)] = (
            frozenset(spec.get("holidays") or ()),
            frozenset(spec.get("workdays") or ()),
        )
    return years


def is_working_day(day: dt.date) -> bool:
    """Whether offices work on `day` (CalendarYearUnknown if the year is not published)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        site = _site_years().get(day.year)
        if site is None:
            raise CalendarYearUnknown(day.year) from None
    holidays, workdays = site
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def knows_year(year: int) -> bool:
    try:
        is_working_day(dt.date(year, 6, 1))
    except CalendarYearUnknown:
        return False
    return True


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The day `count` working days after `start` (start itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    for _ in range(MAX_SEARCH_DAYS):
        if count == 0:
            return day
        day += ONE_DAY
        if is_working_day(day):
            count -= 1
    raise ValueError("no such working day within ten years")


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in [start, end): the inverse of add_working_days from a working day."""
    count, day = 0, start
    while day < end:
        count += is_working_day(day)
        day += ONE_DAY
    return count


def nth_working_day(start: dt.date, count: int) -> dt.date:
    """The `count`-th working day counting `start` itself: the last day of a period that
    covers `count` working days from `start` (a 5-working-day posting from a Monday ends on
    the Friday)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return add_working_days(start - ONE_DAY, count)


def working_days_covered(start: dt.date, last: dt.date) -> int:
    """Working days from `start` to `last`, both included."""
    return working_days_between(start, last + ONE_DAY)
