"""System checks of the monitoring app, run by `fupin check` and before `fupin serve`.

The posting period is counted on the State Council's holiday calendar: a holiday file typed in
wrongly stops the server with the file, the year and the fault (an error), and a year in
progress whose holidays are not known yet is reported (a warning), so the office records the
notice before a posting is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils import timezone

from fupin.policy import workdays


@register(Tags.compatibility)
def holiday_calendar(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        workdays.holiday_calendar()
    except workdays.HolidayFileInvalid as exc:
        return [
            Error(
                f"the holiday file cannot be used: {exc}",
                hint="Correct it after the layout in fupin/policy/data/holidays.yaml "
                "(docs/monitoring.md, 'Holidays of a new year').",
                id="monitoring.E001",
            )
        ]
    today = timezone.localdate()
    # From December, a posting put up now runs into the next year.
    years = [today.year, today.year + 1] if today.month == 12 else [today.year]
    return [
        Warning(
            f"the public holidays of {year} are not known: postings that reach {year} are "
            "refused until the State Council's notice is recorded",
            hint=f"Add the notice for {year} to the file named by "
            f"{workdays.SITE_FILE_VARIABLE} (docs/monitoring.md, 'Holidays of a new year').",
            id="monitoring.W001",
        )
        for year in years
        if not workdays.knows_year(year)
    ]
