"""Reads of assistance measures, scoped through the registry's households."""

from __future__ import annotations

from django.db.models import QuerySet

from fupin.accounts.models import User
from fupin.assistance.models import DEVELOPMENT_KINDS, Measure
from fupin.registry.models import Household
from fupin.registry.selectors import households_visible_to


def measures_visible_to(user: User) -> QuerySet[Measure]:
    """帮扶措施 of the households the user may see."""
    return Measure.objects.filter(household__in=households_visible_to(user))


def household_measures(*, household: Household) -> QuerySet[Measure]:
    """The measures of a household (the caller has already opened the household)."""
    return (
        Measure.objects.filter(household=household)
        .select_related("recorded_by")
        .order_by("started_on", "id")
    )


def has_development_measure(*, household: Household) -> bool:
    """Whether the household has at least one 开发式 measure."""
    return Measure.objects.filter(household=household, kind__in=DEVELOPMENT_KINDS).exists()
