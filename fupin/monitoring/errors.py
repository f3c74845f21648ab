"""Refusals of the case workflow: each a stable code and a message people can act on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError, PermissionDenied
from fupin.policy.workdays import CalendarYearUnknown


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def step_not_allowed(step_label: str, state_label: str) -> DomainError:
    """A step out of order, or taken twice."""
    return DomainError(
        "step_not_allowed",
        _("“%(step)s” cannot be taken now: the case is at “%(state)s”.")
        % {"step": step_label, "state": state_label},
        status=409,
    )


def role_not_allowed(step_label: str) -> PermissionDenied:
    return PermissionDenied(_("Your role may not take the step “%(step)s”.") % {"step": step_label})


def same_official() -> DomainError:
    return DomainError(
        "same_official",
        _("The home visit needs two different officials (两人同行)."),
        field="officials",
    )


def posting_too_short(required: int, covered: int) -> DomainError:
    return DomainError(
        "posting_too_short",
        _("A posting lasts %(required)s working days; these dates cover only %(covered)s.")
        % {"required": required, "covered": covered},
        field="ends_on",
    )


def posting_not_over(last_day: dt.date) -> DomainError:
    return DomainError(
        "posting_not_over",
        _("The posting runs until %(date)s; the review can follow after that day.")
        % {"date": date_format(last_day, "Y-m-d")},
        status=409,
    )


def calendar_unknown(exc: CalendarYearUnknown) -> DomainError:
    return DomainError(
        "calendar_year_unknown",
        _(
            "The public holidays of %(year)s are not known to fupin yet, so the posting "
            "period cannot be counted. Ask the administrator to record the State Council's "
            "holiday notice for %(year)s (docs/monitoring.md)."
        )
        % {"year": exc.year},
        status=409,
    )


def calendar_invalid() -> DomainError:
    """The site's holiday file cannot be read; `fupin check` names the fault."""
    return DomainError(
        "holiday_calendar_invalid",
        _(
            "The holiday calendar of this site has an error, so the posting period cannot be "
            "counted. Ask the administrator to run `fupin check` and correct the holiday file."
        ),
        status=503,
    )


def attachment_removed() -> DomainError:
    return DomainError("attachment_removed", _("This file has been removed."), status=410)


def files_not_for_role() -> PermissionDenied:
    return PermissionDenied(
        _(
            "Your role may see the list of a case's files but not open them: they may hold ID "
            "numbers, phone numbers and health records."
        )
    )


def reason_required() -> DomainError:
    return DomainError("reason_required", _("Give the reason."), field="reason")


def required(field: str) -> DomainError:
    return DomainError("required", _("This field is required."), field=field)
