"""Data hub refusals: each a stable code and a message people can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError
from fupin.tabular.errors import TabularError


def empty_sheet() -> TabularError:
    return TabularError("empty_file", _("The sheet has no rows."))


def unknown_feed(value: str) -> DomainError:
    return DomainError("unknown_feed", _("Unknown feed: %(feed)s") % {"feed": value}, field="feed")


def not_your_feed() -> DomainError:
    return DomainError(
        "feed_of_another_department",
        _("Your department does not supply this feed; ask the township office to import it."),
        field="feed",
        status=403,
    )


def invalid_period(field: str = "period") -> DomainError:
    return DomainError(
        "invalid_period", _("Write the period as 2020-03 (a month) or 2020 (a year)."), field=field
    )


def wrong_state(message: object) -> DomainError:
    return DomainError("wrong_state", message, status=409)


def unknown_mapping(name: str) -> DomainError:
    return DomainError(
        "unknown_mapping",
        _("There is no saved mapping “%(name)s” for this feed.") % {"name": name},
        field="mapping",
    )
