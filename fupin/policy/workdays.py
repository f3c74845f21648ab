"""Working days in China: weekends, public holidays and adjusted working days (调休上班).

The State Council's schedule for each year (国务院办公厅关于某年部分节假日安排的通知) comes
from two sources:

- the `chinesecalendar` package, which knows the years up to its release;
- holiday notices typed in as dated, cited data: `data/holidays.yaml` (shipped) and the site's
  own file named by FUPIN_HOLIDAYS_FILE (same layout), so an office can record a new year's
  notice the day it is published, without a software upgrade.

A day a notice lists is what the notice says (a notice also amends a year the package knows:
a New Year holiday that starts on 31 December of the year before, a schedule changed after
the package's release); any other day of a year a notice covers is a working day from Monday
to Friday. A year in neither source is refused with `CalendarYearUnknown`: a posting deadline
is never guessed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.yaml"
SITE_FILE_VARIABLE = "FUPIN_HOLIDAYS_FILE"
ONE_DAY = dt.timedelta(days=1)
# A posting or a deadline never reaches further than this; a longer search is a bug.
MAX_SEARCH_DAYS = 3660
# A holiday period of a notice is at most a few days (the Spring Festival: 8 or 9); a longer
# range is a typo (2027-02-06 to 2027-12-12) and refused.
MAX_PERIOD_DAYS = 15
NOTICE_KEYS = frozenset({"reference", "published_on", "holidays", "workdays", "note"})


class CalendarYearUnknown(LookupError):
    """Neither chinesecalendar nor a recorded holiday notice knows the holidays of this year."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"the public holidays of {year} are not known: record the State Council's notice "
            f"for {year} in the file named by {SITE_FILE_VARIABLE} (layout of "
            f"fupin/policy/data/holidays.yaml) or upgrade the chinesecalendar package"
        )
        self.year = year


class HolidayFileInvalid(ValueError):
    """A holiday file that cannot be read as notices; names the file, the year and the fault."""

    def __init__(self, path: Path, problem: str, year: int | None = None) -> None:
        where = f"{path}: {year}: " if year is not None else f"{path}: "
        super().__init__(where + problem)
        self.path = path
        self.year = year
        self.problem = problem


@dataclass(frozen=True)
class Notice:
    """One year's schedule as published by the State Council, with the document it cites."""

    year: int
    reference: str
    published_on: dt.date
    holidays: frozenset[dt.date]  # days off (放假), weekends inside a period included
    workdays: frozenset[dt.date]  # weekend days worked (调休上班)
    source: Path


@dataclass(frozen=True)
class HolidayCalendar:
    notices: dict[int, Notice]
    listed: dict[dt.date, bool]  # a day some notice names ▸ whether it is worked


# ---- reading the notices ------------------------------------------------------------------


def _parse_date(path: Path, year: int, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        day: dt.date = value.date()
        return day
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise HolidayFileInvalid(path, f"{value!r} is not a date (YYYY-MM-DD)", year)


def _date(path: Path, year: int, value: Any) -> dt.date:
    day = _parse_date(path, year, value)
    # A notice covers its year, and may start a New Year holiday (or a worked weekend before
    # it) in the last days of December of the year before.
    if not (day.year == year or (day.year == year - 1 and day.month == 12)):
        raise HolidayFileInvalid(path, f"{day.isoformat()} is not a day of {year}", year)
    return day


def _holidays(path: Path, year: int, entries: Iterable[Any]) -> frozenset[dt.date]:
    """Days off: single days, or [first, last] periods as the notice states them."""
    days: set[dt.date] = set()
    for entry in entries:
        if isinstance(entry, list):
            if len(entry) != 2:
                raise HolidayFileInvalid(path, f"a period is [first, last], not {entry!r}", year)
            first, last = _date(path, year, entry[0]), _date(path, year, entry[1])
            span = (last - first).days + 1
            if not 1 <= span <= MAX_PERIOD_DAYS:
                raise HolidayFileInvalid(
                    path,
                    f"the period {first.isoformat()} to {last.isoformat()} is not 1 to "
                    f"{MAX_PERIOD_DAYS} days long",
                    year,
                )
            days.update(first + ONE_DAY * offset for offset in range(span))
        else:
            days.add(_date(path, year, entry))
    return frozenset(days)


def _workdays(path: Path, year: int, entries: Iterable[Any]) -> frozenset[dt.date]:
    days = frozenset(_date(path, year, entry) for entry in entries)
    for day in sorted(days):
        if day.weekday() < 5:
            raise HolidayFileInvalid(
                path,
                f"{day.isoformat()} is a weekday: list only the Saturdays and Sundays worked",
                year,
            )
    return days


def _sequence(path: Path, year: int, spec: dict[str, Any], key: str) -> list[Any]:
    value = spec.get(key) or []
    if not isinstance(value, list):
        raise HolidayFileInvalid(path, f"`{key}` is a list", year)
    return value


def _notice(path: Path, year: int, spec: Any) -> Notice:
    if not isinstance(spec, dict):
        raise HolidayFileInvalid(path, "a year holds reference, published_on, holidays", year)
    unknown = sorted(set(spec) - NOTICE_KEYS)
    if unknown:
        raise HolidayFileInvalid(path, f"unknown key(s) {', '.join(unknown)}", year)
    reference = str(spec.get("reference") or "").strip()
    if not reference:
        raise HolidayFileInvalid(path, "cite the notice (reference:)", year)
    if "published_on" not in spec:
        raise HolidayFileInvalid(path, "date the notice (published_on:)", year)
    published_on = _parse_date(path, year, spec["published_on"])
    holidays = _holidays(path, year, _sequence(path, year, spec, "holidays"))
    if not holidays:
        raise HolidayFileInvalid(path, "a notice lists its holidays (holidays:)", year)
    workdays = _workdays(path, year, _sequence(path, year, spec, "workdays"))
    both = sorted(holidays & workdays)
    if both:
        raise HolidayFileInvalid(
            path, f"{both[0].isoformat()} is listed both as a holiday and as worked", year
        )
    return Notice(year, reference, published_on, holidays, workdays, path)


def read_notices(path: Path) -> dict[int, Notice]:
    """The notices of one holiday file, checked (HolidayFileInvalid names what is wrong)."""
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.safe_load(stream) or {}
    except OSError as exc:
        raise HolidayFileInvalid(path, f"cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise HolidayFileInvalid(path, f"is not valid YAML ({exc})") from None
    except ValueError as exc:  # a date YAML reads as one but cannot be: 2031-13-04
        raise HolidayFileInvalid(path, f"holds an impossible date ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("years") or {}, dict):
        raise HolidayFileInvalid(path, "holds `years:`, a mapping of year ▸ notice")
    notices = {}
    for key, spec in (data.get("years") or {}).items():
        if not isinstance(key, int) or not 2000 <= key <= 2100:
            raise HolidayFileInvalid(path, f"{key!r} is not a year")
        notices[key] = _notice(path, key, spec)
    return notices


def holiday_files() -> tuple[Path, ...]:
    """The shipped file, then the site's own (FUPIN_HOLIDAYS_FILE) if one is named."""
    site = os.environ.get(SITE_FILE_VARIABLE, "").strip()
    return (HOLIDAYS_FILE, Path(site)) if site else (HOLIDAYS_FILE,)


def build_calendar(paths: tuple[Path, ...]) -> HolidayCalendar:
    """Later files win: a site's notice for a year replaces the shipped one for that year."""
    notices: dict[int, Notice] = {}
    for path in paths:
        notices.update(read_notices(path))
    marks = [
        (day.year == notice.year, day, worked)
        for notice in notices.values()
        for days, worked in ((notice.holidays, False), (notice.workdays, True))
        for day in days
    ]
    # A December day named by the next year's notice first; a year's own notice then wins.
    listed = {day: worked for _own, day, worked in sorted(marks, key=lambda mark: mark[0])}
    return HolidayCalendar(notices, listed)


@cache
def holiday_calendar() -> HolidayCalendar:
    """The notices of the shipped and the site's file, read once per process."""
    return build_calendar(holiday_files())


def reload() -> None:
    """Forget the notices read so far (after the site's file changed, and in tests)."""
    holiday_calendar.cache_clear()


# ---- asking -------------------------------------------------------------------------------


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: dt.date) -> bool:
    """Whether offices work on `day` (CalendarYearUnknown if its year is not published)."""
    calendar = holiday_calendar()
    listed = calendar.listed.get(day)
    if listed is not None:
        return listed
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        pass
    if day.year in calendar.notices:
        return day.weekday() < 5
    raise CalendarYearUnknown(day.year)


def knows_year(year: int) -> bool:
    """Whether the holidays of `year` are known (from the package or a recorded notice)."""
    return year in holiday_calendar().notices or _package_knows(year)


def calendar_source(year: int) -> str:
    """Where the holidays of `year` come from: the notice's reference, or the package."""
    notice = holiday_calendar().notices.get(year)
    if notice is not None:
        return notice.reference
    if _package_knows(year):
        return f"chinesecalendar {chinese_calendar.__version__}"
    raise CalendarYearUnknown(year)


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
