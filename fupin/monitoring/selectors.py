"""Reads of monitoring cases. Every function takes the user and starts from the households the
user may see (fupin.registry.selectors.households_visible_to)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from fupin.accounts.models import OrgUnit, User
from fupin.accounts.scope import villages_visible_to
from fupin.core.errors import NotFound
from fupin.monitoring import events
from fupin.monitoring.models import (
    PENDING_STATES,
    POSTING_STATES,
    TERMINAL_STATES,
    Attachment,
    Case,
    CaseEvent,
    CaseState,
    Objection,
)
from fupin.monitoring.transitions import TRANSITIONS
from fupin.registry.models import Household
from fupin.registry.selectors import can_see_sensitive, households_visible_to


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The cases of the households the user may see (denied by default)."""
    return Case.objects.filter(household__in=households_visible_to(user))


def overdue_q(today: dt.date) -> Q:
    """A decision past its due day (≤ 15 days from clue, or from an elimination proposal)."""
    return Q(state__in=PENDING_STATES, due_on__lt=today)


@dataclass
class CaseFilters:
    village: str = ""  # org unit code
    state: str = ""
    channel: str = ""
    overdue: bool = False
    open_only: bool = False
    q: str = ""  # 户编号


def case_list(*, user: User, today: dt.date, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """防返贫监测 cases: filter by village, step, channel and overdue; newest first."""
    filters = filters or CaseFilters()
    qs = cases_visible_to(user)
    if filters.village:
        qs = qs.filter(household__village__code=filters.village)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.overdue:
        qs = qs.filter(overdue_q(today))
    if filters.open_only:
        qs = qs.exclude(state__in=TERMINAL_STATES)
    if filters.q:
        qs = qs.filter(household__national_number=filters.q.strip())
    return qs.select_related("household", "household__village", "household__group").order_by(
        "-opened_on", "-id"
    )


def case_get(*, user: User, case_id: int) -> Case:
    """One case the user may see, or NotFound (the same as one that does not exist)."""
    case = (
        cases_visible_to(user)
        .select_related("household", "household__village", "household__group", "opened_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def overdue_cases(*, user: User, today: dt.date) -> QuerySet[Case]:
    return case_list(user=user, today=today, filters=CaseFilters(overdue=True))


def objection_get(*, user: User, objection_id: int) -> Objection:
    objection = (
        Objection.objects.filter(posting__case__in=cases_visible_to(user), pk=objection_id)
        .select_related("posting__case")
        .first()
    )
    if objection is None:
        raise NotFound()
    return objection


def attachment_get(*, user: User, attachment_id: int) -> Attachment:
    """One attachment of a case the user may see (removed ones too), or NotFound."""
    attachment = (
        Attachment.objects.filter(case__in=cases_visible_to(user), pk=attachment_id)
        .select_related("case", "event", "uploaded_by", "removed_by")
        .first()
    )
    if attachment is None:
        raise NotFound()
    return attachment


def may_open_files(user: User) -> bool:
    """Whether the user may open the files of the cases they see. Attached documents hold ID
    card copies, medical bills and photos of homes: only roles that may see ID numbers, phones
    and health (registry.view_sensitive) open them; the others see the list, masked."""
    return can_see_sensitive(user)


def case_attachments(*, case: Case) -> QuerySet[Attachment]:
    """The case's attachments, removed ones included, in the order they were attached."""
    return case.attachments.select_related("event", "uploaded_by", "removed_by").order_by(
        "uploaded_at", "id"
    )


def attachable_steps(*, case: Case) -> QuerySet[CaseEvent]:
    """The timeline rows of the case a file may be attached to (not the rows about files)."""
    return case.events.exclude(action__in=events.FILE_ROWS).order_by("at", "id")


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    """The case's timeline rows in the order they were written (files: case_attachments)."""
    return case.events.select_related("actor").order_by("at", "id")


def open_case_of(*, household: Household) -> Case | None:
    return Case.objects.filter(household=household).exclude(state__in=TERMINAL_STATES).first()


def village_of(*, user: User, code: str) -> OrgUnit:
    village = villages_visible_to(user).filter(code=code).first()
    if village is None:
        raise NotFound()
    return village


def posted_cases(*, user: User, village: OrgUnit) -> QuerySet[Case]:
    """The cases of a village now posted (村内公示), for its notice."""
    return (
        cases_visible_to(user)
        .filter(household__village=village, state__in=POSTING_STATES)
        .select_related("household", "household__group")
        .order_by("household__group__code", "household__national_number", "id")
    )


def responsible_users(*, case: Case) -> QuerySet[User]:
    """The people whose role takes the case's next step, at the case's village or above it."""
    roles = {role for (state, _step), (_to, rs) in TRANSITIONS.items() if state == case.state
             for role in rs}  # fmt: skip
    path = case.household.village.path
    units = [path[: i + 1] for i, char in enumerate(path) if char == "/"]
    return User.objects.filter(is_active=True, role__in=roles, org_unit__path__in=units).order_by(
        "username"
    )


def households_with_open_case() -> Exists:
    return Exists(Case.objects.open().filter(household=OuterRef("pk")))


__all__ = ["CaseState"]
