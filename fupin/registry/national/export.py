"""The registry in layout (a): `fupin export national`, the household list's download, the API.

A run exports the active households and their active members of its scope — a user's area
(`households_visible_to`), or the whole database for the command line — or of one village, with
the income of one year (by default the year before this one, the year the national system's
annual collection is about). Read in chunks of households, written as a stream.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, BinaryIO

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import OrgUnit, OrgUnitKind, User
from fupin.accounts.scope import villages_visible_to
from fupin.core.errors import DomainError
from fupin.registry.models import (
    Household,
    HouseholdStatus,
    IncomeRecord,
    Member,
    MemberStatus,
)
from fupin.registry.national.layout import TITLE
from fupin.registry.national.writer import HouseholdFacts, write_national
from fupin.registry.selectors import households_visible_to

CHUNK = 1000
FIRST_YEAR = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def default_income_year() -> int:
    """The year before this one: the year of the income the annual collection records."""
    return timezone.localdate().year - 1


def check_year(year: int | None) -> int:
    this_year = timezone.localdate().year
    if year is None:
        return default_income_year()
    if not FIRST_YEAR <= year <= this_year:
        raise DomainError(
            "invalid_year",
            _("Enter a year from 2000 to %(year)s.") % {"year": this_year},
            field="year",
        )
    return year


def check_village(user: User | None, code: str) -> OrgUnit | None:
    """The village to export, within the user's area (any village for the command line)."""
    code = (code or "").strip()
    if not code:
        return None
    villages = (
        OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE)
        if user is None
        else villages_visible_to(user)
    )
    village = villages.filter(code=code).first()
    if village is None:
        raise DomainError(
            "unknown_village", _("Choose a village within your area."), field="village"
        )
    return village


def export_households(*, user: User | None, village: OrgUnit | None) -> QuerySet[Household]:
    """全国系统格式导出: the active households of the run's scope, or of one village in it."""
    households = Household.objects.all() if user is None else households_visible_to(user)
    households = households.filter(status=HouseholdStatus.ACTIVE)
    if village is not None:
        households = households.filter(village=village)
    return households


def household_facts(households: QuerySet[Household], *, year: int) -> Iterator[HouseholdFacts]:
    """Each household with its active members, its income of `year` and its risks."""
    ids = list(households.order_by("village__path", "id").values_list("pk", flat=True))
    active = Member.objects.filter(status=MemberStatus.ACTIVE)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        loaded = (
            Household.objects.filter(pk__in=part)
            .select_related("village__parent__parent")
            .prefetch_related(
                Prefetch("members", queryset=active, to_attr="active_members"),
                Prefetch(
                    "incomes", queryset=IncomeRecord.objects.filter(year=year), to_attr="of_year"
                ),
                "risks",
            )
        )
        by_id = {household.pk: household for household in loaded}
        for pk in part:
            household = by_id[pk]
            incomes = getattr(household, "of_year")  # noqa: B009 - set by the prefetch
            members = getattr(household, "active_members")  # noqa: B009
            yield HouseholdFacts.of_registry(household, members, incomes[0] if incomes else None)


def write_export(
    target: str | BinaryIO,
    *,
    user: User | None,
    village: OrgUnit | None,
    year: int,
    sensitive: bool,
) -> int:
    """Write the workbook; the number of people (rows) written."""
    households = export_households(user=user, village=village)
    return write_national(
        target,
        household_facts(households, year=year),
        sensitive=sensitive,
        title=TITLE,
        income_year=year,
    )


def workbook(*, user: User, village: OrgUnit | None, year: int, sensitive: bool) -> IO[bytes]:
    """The export of a user's area (or one village of it) as a file to send, rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    write_export(spool, user=user, village=village, year=year, sensitive=sensitive)  # type: ignore[arg-type]
    spool.seek(0)
    return spool


def download_name(village: OrgUnit | None, year: int) -> str:
    return f"监测对象信息-{village.name if village else '全部'}-{year}年收入.xlsx"
