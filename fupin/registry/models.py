"""Households (一户一档), members, yearly income, risks, status history and helper pairing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import OrgUnit
from fupin.registry import codes


def money_field(label: Any, **options: Any) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=12, decimal_places=2, **options)


def area_field(label: Any) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=9, decimal_places=2, null=True, blank=True)


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed (whole household deceased or moved away)")


class Household(models.Model):
    """One registered household. Its national number (户编号) is kept apart from our id."""

    national_number = models.CharField(
        _("national household number"), max_length=32, null=True, blank=True, unique=True
    )
    village = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="households", verbose_name=_("village")
    )
    group = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_households",
        verbose_name=_("village group"),
    )
    address = models.CharField(_("address"), max_length=128, blank=True)
    phone = models.CharField(_("household phone"), max_length=20, blank=True)
    household_type = models.CharField(
        _("household type"), max_length=16, choices=codes.HouseholdType.choices
    )
    monitoring_category = models.CharField(
        _("monitoring category"),
        max_length=16,
        choices=codes.MonitoringCategory.choices,
        blank=True,
    )
    monitoring_identified_on = models.DateField(
        _("identified for monitoring on"), null=True, blank=True
    )
    lifted_out_year = models.PositiveSmallIntegerField(_("year lifted out"), null=True, blank=True)
    # 风险是否已消除 / 风险消除方式 / 消除监测时间, as the national system records them: written
    # by the county's approval of a risk elimination (fupin.monitoring) or by a national import.
    risk_eliminated = models.BooleanField(_("risk eliminated"), default=False)
    elimination_mode = models.CharField(
        _("elimination mode"), max_length=8, choices=codes.EliminationMode.choices, blank=True
    )
    risk_eliminated_on = models.DateField(_("risk eliminated on"), null=True, blank=True)
    main_cause = models.CharField(
        _("main cause of poverty"), max_length=16, choices=codes.PovertyCause.choices, blank=True
    )
    second_cause = models.CharField(
        _("second cause"), max_length=16, choices=codes.PovertyCause.choices, blank=True
    )
    third_cause = models.CharField(
        _("third cause"), max_length=16, choices=codes.PovertyCause.choices, blank=True
    )
    fully_incapable = models.BooleanField(
        _("whole household without working capacity (兜底)"), default=False
    )
    military_family = models.BooleanField(_("military or martyr family"), default=False)
    housing_grade = models.CharField(
        _("housing appraisal grade"), max_length=1, choices=codes.HousingGrade.choices, blank=True
    )
    house_area = area_field(_("house area (m²)"))
    water_safe = models.BooleanField(_("safe drinking water"), null=True, blank=True)
    electricity = models.BooleanField(_("household electricity"), null=True, blank=True)
    sanitary_toilet = models.BooleanField(_("sanitary toilet"), null=True, blank=True)
    road_hardened = models.BooleanField(_("hardened access road"), null=True, blank=True)
    distance_to_road_km = area_field(_("distance to main road (km)"))
    arable_land_mu = area_field(_("arable land (mu)"))
    forest_land_mu = area_field(_("forest land (mu)"))
    returned_farmland_mu = area_field(_("farmland returned to forest (mu)"))
    orchard_mu = area_field(_("orchard (mu)"))
    pasture_mu = area_field(_("pasture (mu)"))
    water_surface_mu = area_field(_("water surface (mu)"))
    status = models.CharField(
        _("record status"), max_length=16, choices=HouseholdStatus.choices, default="active"
    )
    # Bumped by every write to the household or anything under it; a form that carries an
    # older number is refused instead of overwriting someone else's change.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["village__path", "id"]
        verbose_name = _("household")
        indexes = [
            models.Index(fields=["household_type"]),
            models.Index(fields=["monitoring_category"]),
        ]

    def __str__(self) -> str:
        return self.national_number or f"#{self.pk}"

    @property
    def causes(self) -> list[str]:
        return [c for c in (self.main_cause, self.second_cause, self.third_cause) if c]


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("In the household")
    REMOVED = "removed", _("Removed")


class RemovalReason(models.TextChoices):
    DECEASED = "deceased", _("Deceased")
    MOVED_OUT = "moved_out", _("Moved out of the household register")
    MARRIED_OUT = "married_out", _("Married out")
    ENTERED_ERROR = "entered_in_error", _("Entered in error")
    OTHER = "other", _("Other")


class Member(models.Model):
    """A person of a household. The ID number is validated and normalised in fupin.core.ids."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=32)
    sex = models.CharField(_("sex"), max_length=1, choices=codes.Sex.choices)
    id_type = models.CharField(
        _("ID type"), max_length=8, choices=codes.IdType.choices, default=codes.IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("ID number"), max_length=20)
    birth_date = models.DateField(_("birth date"))
    relation = models.CharField(_("relation to head"), max_length=8, choices=codes.Relation.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=8, choices=codes.ETHNICITY_CHOICES, default="汉族"
    )
    political_status = models.CharField(
        _("political status"), max_length=8, choices=codes.PoliticalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=8, choices=codes.Education.choices, blank=True
    )
    school_status = models.CharField(
        _("schooling"), max_length=8, choices=codes.SchoolStatus.choices, blank=True
    )
    health = models.CharField(
        _("health"), max_length=8, choices=codes.Health.choices, default="健康"
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    labour_skill = models.CharField(
        _("working capacity"), max_length=12, choices=codes.LabourSkill.choices, blank=True
    )
    work_place = models.CharField(_("place of work"), max_length=64, blank=True)
    work_months = models.PositiveSmallIntegerField(_("months worked"), null=True, blank=True)
    resident_medical_insurance = models.BooleanField(
        _("resident basic medical insurance"), default=False
    )
    employee_medical_insurance = models.BooleanField(_("employee medical insurance"), default=False)
    critical_illness_insurance = models.BooleanField(_("critical illness insurance"), default=False)
    commercial_medical_insurance = models.BooleanField(
        _("commercial medical insurance"), default=False
    )
    medical_assistance = models.BooleanField(_("medical assistance"), default=False)
    resident_pension = models.BooleanField(_("resident basic pension"), default=False)
    employee_pension = models.BooleanField(_("employee pension"), default=False)
    dibao = models.BooleanField(_("minimum living allowance (低保)"), default=False)
    tekun = models.BooleanField(_("destitute support (特困供养)"), default=False)
    public_job = models.CharField(_("public welfare job"), max_length=32, blank=True)
    public_job_months = models.PositiveSmallIntegerField(
        _("public welfare job months"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    removed_reason = models.CharField(
        _("removal reason"), max_length=20, choices=RemovalReason.choices, blank=True
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="active"),
                name="member_unique_active_id_number",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="active", relation="户主"),
                name="member_one_active_head",
            ),
        ]
        indexes = [models.Index(fields=["id_number"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


class IncomeRecord(models.Model):
    """A household's income for one year, by the national formula (POLICY.md §4).

    家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出;
    人均纯收入 = 家庭纯收入 ÷ 家庭人口数. Both are stored as computed at write time.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"))
    wage = money_field(_("wage income"), default=Decimal("0"))
    business = money_field(_("business income"), default=Decimal("0"))
    property = money_field(_("property income"), default=Decimal("0"))
    transfer = money_field(_("transfer income"), default=Decimal("0"))
    business_expense = money_field(_("business expenses"), default=Decimal("0"))
    claims_income = money_field(_("insurance claims income"), default=Decimal("0"))
    compliant_out_of_pocket = money_field(
        _("compliant out-of-pocket spending"), default=Decimal("0")
    )
    household_size = models.PositiveSmallIntegerField(_("household size"))
    net_income = money_field(_("net household income"))
    per_capita_net_income = money_field(_("per-capita net income"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_one_per_year"),
            models.CheckConstraint(condition=Q(household_size__gt=0), name="income_size_positive"),
        ]


class HouseholdRisk(models.Model):
    """A risk type (致贫/返贫风险) recorded for a household; several are allowed."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="risks")
    risk_type = models.CharField(_("risk type"), max_length=12, choices=codes.RiskType.choices)
    noted_on = models.DateField(_("noted on"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "risk_type"], name="risk_once_per_household"
            )
        ]


class StatusChange(models.Model):
    """A dated change of household type or monitoring category, with the reason given."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="status_changes"
    )
    effective_on = models.DateField(_("effective on"))
    old_household_type = models.CharField(max_length=16, blank=True)
    new_household_type = models.CharField(max_length=16, blank=True)
    old_monitoring_category = models.CharField(max_length=16, blank=True)
    new_monitoring_category = models.CharField(max_length=16, blank=True)
    reason = models.TextField(_("reason"))
    # Null for a change made by a national import run from the command line without a user.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]


class PairingQuerySet(models.QuerySet["Pairing"]):
    def active_on(self, day: dt.date) -> PairingQuerySet:
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=day), start_on__lte=day)


class Pairing(models.Model):
    """结对帮扶: a helper cadre responsible for a household between two dates."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="pairings")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pairings"
    )
    helper_unit_name = models.CharField(_("helper's work unit"), max_length=64, blank=True)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="pairing_end_after_start",
            )
        ]
