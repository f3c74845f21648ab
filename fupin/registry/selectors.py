"""Reads of the registry. Every function takes the user and returns only what they may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from fupin.accounts.models import AuditEvent, OrgUnit, User
from fupin.accounts.roles import Capability, Role
from fupin.accounts.scope import scope_root
from fupin.core.errors import NotFound
from fupin.core.masking import mask_id_number, mask_phone, mask_text
from fupin.registry.models import Household, Member, MemberStatus, Pairing, StatusChange


def households_visible_to(user: User) -> QuerySet[Household]:
    """The households a user may see at all (denied by default).

    Unit roles see their unit's subtree; a helper cadre sees the households paired to them
    today. Every read and write of households starts here.
    """
    if not user.is_authenticated or not user.can(Capability.VIEW_REGISTRY):
        return Household.objects.none()
    if user.role == Role.HELPER_CADRE:
        today = timezone.localdate()
        paired = Pairing.objects.active_on(today).filter(helper=user, household=OuterRef("pk"))
        return Household.objects.filter(Exists(paired))
    root = scope_root(user)
    if root is None:
        return Household.objects.none()
    return Household.objects.filter(village__path__startswith=root.path)


def members_visible_to(user: User) -> QuerySet[Member]:
    return Member.objects.filter(household__in=households_visible_to(user))


def can_see_sensitive(user: User) -> bool:
    return user.can(Capability.VIEW_SENSITIVE)


def member_sensitive_values(*, user: User, member: Member) -> dict[str, str]:
    """ID number, phones and health as this user may see them (masked unless the role may)."""
    if can_see_sensitive(user):
        return {
            "id_number": member.id_number,
            "phone": member.phone,
            "health": member.get_health_display(),
        }
    return {
        "id_number": mask_id_number(member.id_number),
        "phone": mask_phone(member.phone),
        "health": mask_text(member.health),
    }


@dataclass
class HouseholdFilters:
    q: str = ""
    village: str = ""  # org unit code
    group: str = ""
    household_type: str = ""
    monitoring_category: str = ""
    cause: str = ""
    risk_type: str = ""
    include_closed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def household_list(*, user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """一户一档 list: search by name, ID number or 户编号, filter by the office's usual columns."""
    filters = filters or HouseholdFilters()
    qs = households_visible_to(user)
    if not filters.include_closed:
        qs = qs.filter(status="active")
    if filters.q:
        term = filters.q.strip()
        member_match = Member.objects.filter(
            household=OuterRef("pk"), status=MemberStatus.ACTIVE
        ).filter(Q(name__contains=term) | Q(id_number=term.upper()))
        qs = qs.filter(Q(national_number=term) | Exists(member_match))
    if filters.village:
        qs = qs.filter(village__code=filters.village)
    if filters.group:
        qs = qs.filter(group__code=filters.group)
    if filters.household_type:
        qs = qs.filter(household_type=filters.household_type)
    if filters.monitoring_category:
        qs = qs.filter(monitoring_category=filters.monitoring_category)
    if filters.cause:
        qs = qs.filter(
            Q(main_cause=filters.cause)
            | Q(second_cause=filters.cause)
            | Q(third_cause=filters.cause)
        )
    if filters.risk_type:
        qs = qs.filter(risks__risk_type=filters.risk_type)
    active_members = Q(members__status=MemberStatus.ACTIVE)
    return (
        qs.select_related("village", "group")
        .annotate(size=Count("members", filter=active_members, distinct=True))
        .order_by("village__path", "id")
    )


def household_get(*, user: User, household_id: int) -> Household:
    """One household the user may see, or NotFound (with no hint whether it exists)."""
    household = (
        households_visible_to(user)
        .select_related("village", "group")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise NotFound()
    return household


def member_get(*, user: User, member_id: int) -> Member:
    member = members_visible_to(user).select_related("household").filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return member


def household_members(*, household: Household, include_removed: bool = False) -> QuerySet[Member]:
    qs = household.members.all()
    if not include_removed:
        qs = qs.filter(status=MemberStatus.ACTIVE)
    # The head first, then by birth date: the order of the national form.
    is_head = Case(When(relation="户主", then=Value(0)), default=Value(1))
    return qs.order_by(is_head, "birth_date", "id")


def household_head(household: Household) -> Member | None:
    return household.members.filter(status=MemberStatus.ACTIVE, relation="户主").first()


def household_history(*, household: Household) -> QuerySet[AuditEvent]:
    """Every audited change to the household and the records under it, newest first."""
    return AuditEvent.objects.filter(
        subject_type=Household._meta.label_lower, subject_id=str(household.pk)
    ).select_related("actor")


def household_status_changes(*, household: Household) -> QuerySet[StatusChange]:
    return household.status_changes.select_related("actor")


def active_helpers(*, household: Household, on: dt.date | None = None) -> QuerySet[Pairing]:
    day = on or timezone.localdate()
    return household.pairings.active_on(day).select_related("helper")


@dataclass
class SummaryRow:
    village_code: str
    village_name: str
    by_type: dict[str, dict[str, int]]
    by_category: dict[str, dict[str, int]]
    households: int = 0
    people: int = 0


def registry_summary(*, user: User) -> list[SummaryRow]:
    """户数/人数 by 户类型 and 监测对象类别 per village, within the caller's scope."""
    households = households_visible_to(user).filter(status="active")
    people = Count("members", filter=Q(members__status=MemberStatus.ACTIVE))
    rows: dict[int, SummaryRow] = {}
    villages = OrgUnit.objects.filter(pk__in=households.values("village")).order_by("path")
    for village in villages:
        rows[village.pk] = SummaryRow(village.code, village.name, by_type={}, by_category={})
    for grouping, target in (("household_type", "by_type"), ("monitoring_category", "by_category")):
        counted = (
            households.values("village", grouping)
            .annotate(households=Count("id", distinct=True), people=people)
            .order_by()
        )
        for item in counted:
            if not item[grouping]:
                continue
            getattr(rows[item["village"]], target)[item[grouping]] = {
                "households": item["households"],
                "people": item["people"],
            }
    totals = households.values("village").annotate(
        households=Count("id", distinct=True), people=people
    )
    for item in totals.order_by():
        rows[item["village"]].households = item["households"]
        rows[item["village"]].people = item["people"]
    return list(rows.values())
