"""Writes on the registry: one function per use case, each atomic, scoped, validated, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import OrgUnit, OrgUnitKind, User
from fupin.accounts.roles import Capability
from fupin.accounts.scope import villages_visible_to
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.core.money import quantize
from fupin.registry import codes, errors, fieldsets
from fupin.registry.models import (
    Household,
    HouseholdRisk,
    IncomeRecord,
    Member,
    MemberStatus,
    Pairing,
    RemovalReason,
    StatusChange,
)
from fupin.registry.selectors import households_visible_to
from fupin.registry.validation import (
    check_amount,
    check_choice,
    check_date,
    check_identity,
    check_phone,
)

HOUSEHOLD_CHOICE_FIELDS = {
    "household_type": codes.HouseholdType,
    "monitoring_category": codes.MonitoringCategory,
    "main_cause": codes.PovertyCause,
    "second_cause": codes.PovertyCause,
    "third_cause": codes.PovertyCause,
    "housing_grade": codes.HousingGrade,
}
HOUSEHOLD_BOOL_FIELDS = (
    "fully_incapable",
    "military_family",
    "water_safe",
    "electricity",
    "sanitary_toilet",
    "road_hardened",
)
HOUSEHOLD_AREA_FIELDS = ("house_area", "distance_to_road_km", *fieldsets.LAND_FIELDS)
HOUSEHOLD_TEXT_FIELDS = ("address", "national_number")
# Status fields change only through household_change_status, with a reason and a date.
STATUS_FIELDS = ("household_type", "monitoring_category")

MEMBER_CHOICE_FIELDS = {
    "relation": (codes.Relation, False),
    "ethnicity": (codes.ETHNICITY_CHOICES, True),
    "political_status": (codes.PoliticalStatus, True),
    "education": (codes.Education, True),
    "school_status": (codes.SchoolStatus, True),
    "health": (codes.Health, True),
    "labour_skill": (codes.LabourSkill, True),
}
MEMBER_BOOL_FIELDS = fieldsets.INSURANCE_FIELDS + fieldsets.SUPPORT_FIELDS
MEMBER_TEXT_FIELDS = ("name", "work_place", "public_job")
MEMBER_INT_FIELDS = {"work_months": 12, "public_job_months": 12, "disability_grade": 4}
MEMBER_FIELDS = (
    *("id_type", "id_number", "birth_date", "sex", "phone"),
    *MEMBER_CHOICE_FIELDS,
    *MEMBER_BOOL_FIELDS,
    *MEMBER_TEXT_FIELDS,
    *MEMBER_INT_FIELDS,
)
INCOME_FIELDS = (
    "wage",
    "business",
    "property",
    "transfer",
    "business_expense",
    "claims_income",
    "compliant_out_of_pocket",
)


# ---- guards -------------------------------------------------------------------------------


def _require(actor: User, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied()


def _lock_household(actor: User, household: Household, expected_version: int | None) -> Household:
    """Re-read the household under lock within the actor's scope; refuse a stale edit."""
    locked = households_visible_to(actor).select_for_update().filter(pk=household.pk).first()
    if locked is None:
        raise NotFound()
    if expected_version is not None and locked.version != expected_version:
        raise errors.stale_edit()
    return locked


def _bump(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    household.refresh_from_db(fields=["version", "updated_at"])


def _snapshot(obj: Any, fields: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _unknown_fields(data: dict[str, Any], allowed: Any) -> None:
    extra = set(data) - set(allowed)
    if extra:
        raise DomainError(
            "unknown_field",
            _("Unknown field: %(field)s") % {"field": ", ".join(sorted(extra))},
            field=sorted(extra)[0],
        )


# ---- households ---------------------------------------------------------------------------


def _clean_household(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, choices in HOUSEHOLD_CHOICE_FIELDS.items():
        if name in data:
            clean[name] = check_choice(name, data[name], choices, blank=name != "household_type")
    for name in HOUSEHOLD_BOOL_FIELDS:
        if name in data:
            value = data[name]
            clean[name] = (
                None
                if value is None and name not in ("fully_incapable", "military_family")
                else bool(value)
            )
    for name in HOUSEHOLD_AREA_FIELDS:
        if name in data:
            clean[name] = None if data[name] in (None, "") else check_amount(name, data[name])
    for name in HOUSEHOLD_TEXT_FIELDS:
        if name in data:
            clean[name] = (data[name] or "").strip()
    if "national_number" in clean:
        clean["national_number"] = clean["national_number"] or None
    if "phone" in data:
        clean["phone"] = check_phone("phone", data["phone"])
    causes = [clean.get(f, "") for f in ("main_cause", "second_cause", "third_cause")]
    named = [c for c in causes if c]
    if len(named) != len(set(named)):
        raise DomainError(
            "duplicate_cause", _("A cause of poverty is listed twice."), field="second_cause"
        )
    if clean.get("monitoring_category") and clean.get("household_type") == codes.HouseholdType.POOR:
        raise DomainError(
            "category_for_poor",
            _("A registered poor household is assisted as poor, not placed under monitoring."),
            field="monitoring_category",
        )
    return clean


def _check_duplicate_national_number(number: str | None, household: Household | None) -> None:
    if not number:
        return
    clashes = Household.objects.filter(national_number=number)
    if household is not None:
        clashes = clashes.exclude(pk=household.pk)
    if clashes.exists():
        raise DomainError(
            "duplicate_national_number",
            _("This national household number is already registered."),
            field="national_number",
        )


def _resolve_place(
    actor: User, village_code: str, group_code: str | None
) -> tuple[OrgUnit, OrgUnit | None]:
    village = villages_visible_to(actor).filter(code=village_code).first()
    if village is None:
        raise DomainError(
            "unknown_village", _("Choose a village within your area."), field="village"
        )
    group = None
    if group_code:
        group = OrgUnit.objects.filter(
            code=group_code, parent=village, kind=OrgUnitKind.GROUP
        ).first()
        if group is None:
            raise DomainError(
                "unknown_group", _("This group is not in the chosen village."), field="group"
            )
    return village, group


@transaction.atomic
def household_register(
    *,
    actor: User,
    village_code: str,
    group_code: str | None,
    household: dict[str, Any],
    head: dict[str, Any],
) -> Household:
    """Register a household (建档) with its head (户主)."""
    _require(actor, Capability.REGISTER_HOUSEHOLD)
    _unknown_fields(
        household,
        (
            *HOUSEHOLD_CHOICE_FIELDS,
            *HOUSEHOLD_BOOL_FIELDS,
            *HOUSEHOLD_AREA_FIELDS,
            *HOUSEHOLD_TEXT_FIELDS,
            "phone",
        ),
    )
    village, group = _resolve_place(actor, village_code, group_code)
    clean = _clean_household({"household_type": "", **household})
    _check_duplicate_national_number(clean.get("national_number"), None)
    created = Household.objects.create(village=village, group=group, **clean)
    if clean.get("monitoring_category"):
        created.monitoring_identified_on = timezone.localdate()
        created.save(update_fields=["monitoring_identified_on"])
    audit.record(
        actor=actor,
        action="household.register",
        target=created,
        org_unit=village,
        changes=audit.diff(
            {}, {"village": village.code, "group": group.code if group else None, **clean}
        ),
    )
    _member_create(actor, created, {**head, "relation": codes.Relation.HEAD})
    return created


@transaction.atomic
def household_update(
    *,
    actor: User,
    household: Household,
    expected_version: int | None,
    data: dict[str, Any],
    reason: str = "",
) -> Household:
    """Edit a household's facts (housing, water, land, causes …); status has its own action."""
    _require(actor, Capability.EDIT_HOUSEHOLD)
    locked = _lock_household(actor, household, expected_version)
    if any(name in data for name in STATUS_FIELDS):
        raise DomainError(
            "status_via_status_change",
            _("Household type and monitoring category change only through a status change."),
            field=next(name for name in STATUS_FIELDS if name in data),
        )
    data = dict(data)
    moving = "village" in data or "group" in data
    village_code = data.pop("village", None)
    group_code = (
        data.pop("group", None)
        if "group" in data
        else (locked.group.code if locked.group else None)
    )
    _unknown_fields(
        data,
        (
            *HOUSEHOLD_CHOICE_FIELDS,
            *HOUSEHOLD_BOOL_FIELDS,
            *HOUSEHOLD_AREA_FIELDS,
            *HOUSEHOLD_TEXT_FIELDS,
            "phone",
        ),
    )
    clean = _clean_household(
        {
            **_snapshot(
                locked,
                (
                    "main_cause",
                    "second_cause",
                    "third_cause",
                    "household_type",
                    "monitoring_category",
                ),
            ),
            **data,
        }
    )
    for name in STATUS_FIELDS:
        clean.pop(name, None)
    before = _snapshot(locked, clean)
    if moving:
        village, group = _resolve_place(actor, village_code or locked.village.code, group_code)
        before.update(
            village=locked.village.code, group=locked.group.code if locked.group else None
        )
        locked.village, locked.group = village, group
        clean_place = {"village": village.code, "group": group.code if group else None}
    else:
        clean_place = {}
    _check_duplicate_national_number(clean.get("national_number"), locked)
    for name, value in clean.items():
        setattr(locked, name, value)
    changes = audit.diff(before, {**clean, **clean_place})
    if not changes:
        return locked
    locked.save()
    _bump(locked)
    audit.record(
        actor=actor,
        action="household.update",
        target=locked,
        org_unit=locked.village,
        changes=changes,
        reason=reason,
    )
    return locked


@transaction.atomic
def household_change_status(
    *,
    actor: User,
    household: Household,
    expected_version: int | None,
    household_type: str,
    monitoring_category: str,
    effective_on: dt.date,
    reason: str,
) -> StatusChange:
    """Change 户类型 or 监测对象类别 on a date, with the reason (dated status history)."""
    _require(actor, Capability.CHANGE_STATUS)
    locked = _lock_household(actor, household, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give the reason for the change."), field="reason")
    effective_on = check_date("effective_on", effective_on)
    clean = _clean_household(
        {"household_type": household_type, "monitoring_category": monitoring_category}
    )
    if monitoring_category and monitoring_category not in codes.categories_in_force(
        effective_on.year
    ):
        raise DomainError(
            "category_not_in_force",
            _("This monitoring category is not in use in %(year)s.") % {"year": effective_on.year},
            field="monitoring_category",
        )
    if (clean["household_type"], clean["monitoring_category"]) == (
        locked.household_type,
        locked.monitoring_category,
    ):
        raise DomainError("status_unchanged", _("The new status is the same as the current one."))
    change = StatusChange.objects.create(
        household=locked,
        effective_on=effective_on,
        reason=reason,
        actor=actor,
        old_household_type=locked.household_type,
        new_household_type=clean["household_type"],
        old_monitoring_category=locked.monitoring_category,
        new_monitoring_category=clean["monitoring_category"],
    )
    before = _snapshot(locked, STATUS_FIELDS)
    locked.household_type = clean["household_type"]
    if clean["monitoring_category"] and not locked.monitoring_category:
        locked.monitoring_identified_on = effective_on
    locked.monitoring_category = clean["monitoring_category"]
    if (
        clean["household_type"] == codes.HouseholdType.LIFTED_OUT
        and before["household_type"] == codes.HouseholdType.POOR
    ):
        locked.lifted_out_year = effective_on.year
    locked.save()
    _bump(locked)
    audit.record(
        actor=actor,
        action="household.change_status",
        target=locked,
        org_unit=locked.village,
        changes=audit.diff(before, clean),
        reason=reason,
    )
    return change


@transaction.atomic
def household_set_risks(
    *,
    actor: User,
    household: Household,
    expected_version: int | None,
    risk_types: list[str],
    noted_on: dt.date | None = None,
) -> Household:
    """Record the household's risk types (致贫/返贫风险, several allowed)."""
    _require(actor, Capability.EDIT_HOUSEHOLD)
    locked = _lock_household(actor, household, expected_version)
    wanted = {check_choice("risk_types", code, codes.RiskType, blank=False) for code in risk_types}
    current = set(locked.risks.values_list("risk_type", flat=True))
    if wanted == current:
        return locked
    day = check_date("noted_on", noted_on or timezone.localdate())
    locked.risks.filter(risk_type__in=current - wanted).delete()
    HouseholdRisk.objects.bulk_create(
        [
            HouseholdRisk(household=locked, risk_type=code, noted_on=day)
            for code in sorted(wanted - current)
        ]
    )
    _bump(locked)
    audit.record(
        actor=actor,
        action="household.set_risks",
        target=locked,
        org_unit=locked.village,
        changes={"risk_types": [sorted(current), sorted(wanted)]},
    )
    return locked


@transaction.atomic
def household_record_elimination(
    *,
    actor: User,
    household: Household,
    eliminated: bool,
    mode: str = "",
    eliminated_on: dt.date | None = None,
    reason: str,
) -> Household:
    """风险消除: the household's risk is eliminated (how, on which day), or monitored again."""
    _require(actor, Capability.CHANGE_STATUS)
    locked = _lock_household(actor, household, None)
    clean = {
        "risk_eliminated": eliminated,
        "elimination_mode": check_choice("mode", mode, codes.EliminationMode) if eliminated else "",
        "risk_eliminated_on": eliminated_on if eliminated else None,
    }
    before = _snapshot(locked, clean)
    changes = audit.diff(before, clean)
    if not changes:
        return locked
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*clean, "updated_at"])
    _bump(locked)
    audit.record(
        actor=actor,
        action="household.record_elimination",
        target=locked,
        org_unit=locked.village,
        changes=changes,
        reason=reason,
    )
    return locked


# ---- members ------------------------------------------------------------------------------


def _clean_member(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    _unknown_fields(data, MEMBER_FIELDS)
    clean: dict[str, Any] = {}
    for name, (choices, blank) in MEMBER_CHOICE_FIELDS.items():
        if name in data or not partial:
            clean[name] = check_choice(name, data.get(name) or "", choices, blank=blank)
    for name in MEMBER_BOOL_FIELDS:
        if name in data:
            clean[name] = bool(data[name])
    for name in MEMBER_TEXT_FIELDS:
        if name in data:
            clean[name] = (data[name] or "").strip()
    if (not partial or "name" in data) and not clean.get("name"):
        raise errors.required("name")
    for name, limit in MEMBER_INT_FIELDS.items():
        if name in data:
            value = data[name]
            if value in (None, ""):
                clean[name] = None
                continue
            if not isinstance(value, int) or not 0 <= value <= limit:
                raise DomainError(
                    "out_of_range",
                    _("Enter a whole number from 0 to %(limit)s.") % {"limit": limit},
                    field=name,
                )
            clean[name] = value
    if "phone" in data:
        clean["phone"] = check_phone("phone", data["phone"])
    if not clean.get("health"):
        clean.pop("health", None)
    if not clean.get("ethnicity"):
        clean.pop("ethnicity", None)
    return clean


def _check_member_rules(
    actor: User, household: Household, member: Member | None, merged: dict[str, Any]
) -> None:
    same_id = Member.objects.filter(id_number=merged["id_number"], status=MemberStatus.ACTIVE)
    if member is not None:
        same_id = same_id.exclude(pk=member.pk)
    clash = same_id.select_related("household").first()
    if clash is not None:
        message: Any
        visible = households_visible_to(actor).filter(pk=clash.household_id).exists()
        if visible:
            message = _(
                "This ID number is already registered in household %(household)s (%(name)s)."
            ) % {
                "household": clash.household,
                "name": clash.name,
            }
        else:
            message = _(
                "This ID number is already registered in another household outside your area."
            )
        raise DomainError("duplicate_id_number", message, field="id_number")
    if merged["relation"] == codes.Relation.HEAD:
        other_head = household.members.filter(
            status=MemberStatus.ACTIVE, relation=codes.Relation.HEAD
        )
        if member is not None:
            other_head = other_head.exclude(pk=member.pk)
        if other_head.exists():
            raise DomainError(
                "second_head", _("This household already has a head (户主)."), field="relation"
            )
    if merged["relation"] in codes.FEMALE_ONLY_RELATIONS and merged["sex"] == codes.Sex.MALE:
        raise DomainError(
            "relation_sex_mismatch",
            _("This relation is for a woman, but the ID number is a man's."),
            field="relation",
        )
    if merged["relation"] in codes.MALE_ONLY_RELATIONS and merged["sex"] == codes.Sex.FEMALE:
        raise DomainError(
            "relation_sex_mismatch",
            _("This relation is for a man, but the ID number is a woman's."),
            field="relation",
        )


def _member_create(actor: User, household: Household, data: dict[str, Any]) -> Member:
    clean = _clean_member(data, partial=False)
    clean.update(check_identity(data))
    _check_member_rules(actor, household, None, clean)
    member = Member.objects.create(household=household, **clean)
    audit.record(
        actor=actor,
        action="member.add",
        target=member,
        subject=household,
        org_unit=household.village,
        changes=audit.diff({}, clean),
    )
    return member


@transaction.atomic
def member_add(
    *, actor: User, household: Household, expected_version: int | None, data: dict[str, Any]
) -> Member:
    """Add a person to a household (家庭成员新增)."""
    _require(actor, Capability.EDIT_HOUSEHOLD)
    locked = _lock_household(actor, household, expected_version)
    member = _member_create(actor, locked, data)
    _bump(locked)
    return member


@transaction.atomic
def member_update(
    *, actor: User, member: Member, expected_version: int | None, data: dict[str, Any]
) -> Member:
    """Edit a person's record (家庭成员信息变更)."""
    _require(actor, Capability.EDIT_HOUSEHOLD)
    household = _lock_household(actor, member.household, expected_version)
    member = Member.objects.select_for_update().get(pk=member.pk, household=household)
    if member.status != MemberStatus.ACTIVE:
        raise DomainError("member_removed", _("This person has been removed from the household."))
    clean = _clean_member(data, partial=True)
    identity_keys = {"id_type", "id_number", "birth_date", "sex"}
    if identity_keys & set(data):
        merged_identity = {key: data.get(key, getattr(member, key)) for key in identity_keys}
        if "id_number" in data and "birth_date" not in data:
            merged_identity.pop("birth_date")
        if "id_number" in data and "sex" not in data:
            merged_identity.pop("sex")
        clean.update(check_identity(merged_identity))
    merged = {**_snapshot(member, ("id_number", "relation", "sex")), **clean}
    _check_member_rules(actor, household, member, merged)
    before = _snapshot(member, clean)
    changes = audit.diff(before, clean)
    if not changes:
        return member
    for name, value in clean.items():
        setattr(member, name, value)
    member.save()
    _bump(household)
    audit.record(
        actor=actor,
        action="member.update",
        target=member,
        subject=household,
        org_unit=household.village,
        changes=changes,
    )
    return member


@transaction.atomic
def member_remove(
    *,
    actor: User,
    member: Member,
    expected_version: int | None,
    reason: str,
    removed_on: dt.date,
    note: str = "",
) -> Member:
    """Remove a person from the household (death, moving out …); the record stays."""
    _require(actor, Capability.EDIT_HOUSEHOLD)
    household = _lock_household(actor, member.household, expected_version)
    member = Member.objects.select_for_update().get(pk=member.pk, household=household)
    if member.status != MemberStatus.ACTIVE:
        raise DomainError("member_removed", _("This person has already been removed."))
    reason = check_choice("reason", reason, RemovalReason, blank=False)
    removed_on = check_date("removed_on", removed_on)
    if (
        member.relation == codes.Relation.HEAD
        and household.members.filter(status=MemberStatus.ACTIVE).count() > 1
    ):
        raise DomainError(
            "head_removal",
            _("Make another member the head (户主) before removing the head."),
            field="relation",
        )
    before = _snapshot(member, ("status", "removed_reason", "removed_on"))
    member.status, member.removed_reason, member.removed_on = (
        MemberStatus.REMOVED,
        reason,
        removed_on,
    )
    member.save()
    _bump(household)
    audit.record(
        actor=actor,
        action="member.remove",
        target=member,
        subject=household,
        org_unit=household.village,
        changes=audit.diff(before, _snapshot(member, before)),
        reason=note,
    )
    return member


# ---- income -------------------------------------------------------------------------------


def net_income(amounts: dict[str, Decimal]) -> Decimal:
    """家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出 (POLICY.md §4)."""
    return (
        amounts["wage"]
        + amounts["business"]
        + amounts["property"]
        + amounts["transfer"]
        - amounts["business_expense"]
    )


@transaction.atomic
def income_record(
    *,
    actor: User,
    household: Household,
    expected_version: int | None,
    year: int,
    amounts: dict[str, Any],
    household_size: int | None = None,
    note: str = "",
) -> IncomeRecord:
    """Record (or correct) a household's income for a year."""
    _require(actor, Capability.EDIT_HOUSEHOLD)
    locked = _lock_household(actor, household, expected_version)
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year:
        raise DomainError(
            "invalid_year",
            _("Enter a year from 2000 to %(year)s.") % {"year": this_year},
            field="year",
        )
    _unknown_fields(amounts, INCOME_FIELDS)
    clean = {name: check_amount(name, amounts.get(name)) for name in INCOME_FIELDS}
    size = household_size or locked.members.filter(status=MemberStatus.ACTIVE).count()
    if not isinstance(size, int) or size <= 0:
        raise DomainError(
            "invalid_size", _("The household size must be at least 1."), field="household_size"
        )
    net = net_income(clean)
    record = IncomeRecord.objects.filter(household=locked, year=year).first()
    before = _snapshot(record, (*INCOME_FIELDS, "household_size")) if record else {}
    values = {
        **clean,
        "household_size": size,
        "net_income": quantize(net),
        "per_capita_net_income": quantize(net / size),
        "note": note.strip(),
        "recorded_by": actor,
    }
    if record is None:
        record = IncomeRecord.objects.create(household=locked, year=year, **values)
    else:
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
    _bump(locked)
    audit.record(
        actor=actor,
        action="income.record",
        target=record,
        subject=locked,
        org_unit=locked.village,
        changes=audit.diff(before, {"year": year, **clean, "household_size": size}),
    )
    return record


# ---- pairing ------------------------------------------------------------------------------


@transaction.atomic
def pairing_add(
    *,
    actor: User,
    household: Household,
    helper: User,
    start_on: dt.date,
    end_on: dt.date | None = None,
    helper_unit_name: str = "",
) -> Pairing:
    """Pair a helper cadre with a household (结对帮扶)."""
    _require(actor, Capability.REGISTER_HOUSEHOLD)
    locked = _lock_household(actor, household, None)
    if helper.role != "helper_cadre":
        raise DomainError(
            "not_a_helper", _("Only a helper cadre can be paired with a household."), field="helper"
        )
    if end_on is not None and end_on < start_on:
        raise DomainError(
            "invalid_period", _("The end date is before the start date."), field="end_on"
        )
    pairing = Pairing.objects.create(
        household=locked,
        helper=helper,
        start_on=start_on,
        end_on=end_on,
        helper_unit_name=helper_unit_name,
    )
    _bump(locked)
    audit.record(
        actor=actor,
        action="pairing.add",
        target=pairing,
        subject=locked,
        org_unit=locked.village,
        changes={"helper": [None, helper.username], "start_on": [None, start_on.isoformat()]},
    )
    return pairing
