"""Deadlines of a case from dated policy data: ≤ 15 days to a decision, 5 working days posted."""

from __future__ import annotations

import datetime as dt

from fupin.monitoring import errors
from fupin.monitoring.models import PENDING_STATES, Case
from fupin.parameters.values import param
from fupin.policy import province_of
from fupin.policy.workdays import (
    CalendarYearUnknown,
    HolidayFileInvalid,
    nth_working_day,
    working_days_covered,
)
from fupin.registry.models import Household


def province(household: Household) -> str:
    return province_of(household.village.code)


def decision_due(start: dt.date) -> dt.date:
    """The day a decision is due: the clue (or proposal) day plus clue_to_decision_days."""
    return start + dt.timedelta(days=int(param("clue_to_decision_days", on=start)))


def posting_working_days(starts_on: dt.date) -> int:
    return int(param("posting_working_days", on=starts_on))


def posting_last_day(starts_on: dt.date) -> dt.date:
    """The last day of a posting put up on `starts_on` (5 working days, the first included)."""
    try:
        return nth_working_day(starts_on, posting_working_days(starts_on))
    except CalendarYearUnknown as exc:
        raise errors.calendar_unknown(exc) from None
    except HolidayFileInvalid:
        raise errors.calendar_invalid() from None


def posting_days_covered(starts_on: dt.date, ends_on: dt.date) -> int:
    try:
        return working_days_covered(starts_on, ends_on)
    except CalendarYearUnknown as exc:
        raise errors.calendar_unknown(exc) from None
    except HolidayFileInvalid:
        raise errors.calendar_invalid() from None


def is_overdue(case: Case, today: dt.date) -> bool:
    """A decision (to include, or to confirm an elimination) is past its due day."""
    return case.state in PENDING_STATES and case.due_on < today
