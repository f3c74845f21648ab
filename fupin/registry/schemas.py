"""API shapes of the registry: what clients send and what they get back.

Inputs carry code values as plain strings so an unknown value reaches the action and is
refused there as `unknown_code` (400), the same as from a form or an import. Amounts are
taken as strings or numbers ("12,000", "12000.50", 12000) and parsed by the action.

Outputs are built with the caller in hand: ID numbers, phones and health are masked here,
once, for every endpoint, unless the caller's role may see them (DESIGN non-negotiable 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from ninja import Field, Schema
from pydantic import PlainValidator, WithJsonSchema

from fupin.accounts.models import AuditEvent, OrgUnit, User
from fupin.accounts.schemas import UnitRefOut
from fupin.core.masking import mask_id_number, mask_phone, mask_text
from fupin.core.schemas import InputSchema, PageOut, PageQuery
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdRisk,
    IncomeRecord,
    Member,
    Pairing,
    RemovalReason,
    StatusChange,
)
from fupin.registry.selectors import HouseholdFilters, can_see_sensitive, member_sensitive_values
from fupin.registry.validation import check_choice


def _string_or_number(value: Any) -> Any:
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return value
    raise ValueError("an amount is a number or a string such as 12000.50")


# An amount in yuan as people type it ("12,000", "１２０００元") or a JSON number; the action
# parses it and refuses anything else as `invalid_amount`, naming the field.
Amount = Annotated[
    str | int | float | None,
    PlainValidator(_string_or_number),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
]

# ---- inputs -------------------------------------------------------------------------------


class HouseholdQuery(PageQuery):
    q: str = Field("", max_length=64, description="A member's name (part), ID number or 户编号.")
    village: str = Field("", description="Village statistical code.")
    group: str = Field("", description="Village-group code.")
    household_type: str = Field("", description="户类型 code (see /registry/codes).")
    monitoring_category: str = Field("", description="监测对象类别 code.")
    cause: str = Field("", description="致贫原因 code, matched against all three causes.")
    risk_type: str = Field("", description="致贫/返贫风险 code.")
    include_closed: bool = Field(False, description="Also list closed households.")

    def filters(self) -> HouseholdFilters:
        """The selector's filters; a code filter outside its code list is refused, not ignored."""
        for name, choices in (
            ("household_type", codes.HouseholdType),
            ("monitoring_category", codes.MonitoringCategory),
            ("cause", codes.PovertyCause),
            ("risk_type", codes.RiskType),
        ):
            check_choice(name, getattr(self, name), choices)
        return HouseholdFilters(
            q=self.q,
            village=self.village,
            group=self.group,
            household_type=self.household_type,
            monitoring_category=self.monitoring_category,
            cause=self.cause,
            risk_type=self.risk_type,
            include_closed=self.include_closed,
        )


class HouseholdFieldsIn(InputSchema):
    """The household facts of the national collection form; send only what changes."""

    national_number: str | None = Field(None, description="户编号 of the national system.")
    address: str | None = None
    phone: str | None = None
    main_cause: str | None = None
    second_cause: str | None = None
    third_cause: str | None = None
    fully_incapable: bool | None = None
    military_family: bool | None = None
    housing_grade: str | None = Field(None, description="A, B, C or D.")
    house_area: Amount = None
    water_safe: bool | None = None
    electricity: bool | None = None
    sanitary_toilet: bool | None = None
    road_hardened: bool | None = None
    distance_to_road_km: Amount = None
    arable_land_mu: Amount = None
    forest_land_mu: Amount = None
    returned_farmland_mu: Amount = None
    orchard_mu: Amount = None
    pasture_mu: Amount = None
    water_surface_mu: Amount = None


class _MemberFieldsIn(InputSchema):
    """A person's fields; birth date and sex are derived from the ID number when not sent."""

    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = Field(None, description="1 male, 2 female.")
    ethnicity: str | None = None
    political_status: str | None = None
    education: str | None = None
    school_status: str | None = None
    health: str | None = None
    disability_grade: int | None = None
    labour_skill: str | None = None
    work_place: str | None = None
    work_months: int | None = None
    resident_medical_insurance: bool | None = None
    employee_medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    commercial_medical_insurance: bool | None = None
    medical_assistance: bool | None = None
    resident_pension: bool | None = None
    employee_pension: bool | None = None
    dibao: bool | None = None
    tekun: bool | None = None
    public_job: str | None = None
    public_job_months: int | None = None
    phone: str | None = None


class HeadIn(_MemberFieldsIn):
    """The head of household (户主); the relation is set by the registration."""

    name: str
    id_number: str


class HouseholdCreateIn(HouseholdFieldsIn):
    village: str = Field(description="Statistical code of a village within your area.")
    group: str | None = Field(None, description="Code of a group of that village.")
    household_type: str = Field(description="户类型 code.")
    monitoring_category: str | None = Field(None, description="监测对象类别 code, if monitored.")
    head: HeadIn

    def household_fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"village", "group", "head"})


class HouseholdPatchIn(HouseholdFieldsIn):
    version: int = Field(description="The household version the edit was based on.")
    village: str | None = Field(None, description="Move to this village (within your area).")
    group: str | None = None
    reason: str = ""

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version", "reason"})


class MemberAddIn(_MemberFieldsIn):
    version: int = Field(description="The household version the edit was based on.")
    name: str
    id_number: str
    relation: str = Field(description="与户主关系 code.")

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version"})


class MemberPatchIn(_MemberFieldsIn):
    version: int = Field(description="The household version the edit was based on.")
    relation: str | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version"})


class MemberRemoveIn(InputSchema):
    version: int = Field(description="The household version the edit was based on.")
    reason: str = Field(description="deceased, moved_out, married_out, entered_in_error, other.")
    removed_on: dt.date
    note: str = ""


class IncomeIn(InputSchema):
    """One year's income; an amount not sent is 0. Amounts as numbers or strings in yuan."""

    version: int = Field(description="The household version the edit was based on.")
    wage: Amount = None
    business: Amount = None
    property: Amount = None
    transfer: Amount = None
    business_expense: Amount = None
    claims_income: Amount = None
    compliant_out_of_pocket: Amount = None
    household_size: int | None = Field(
        None, description="Defaults to the number of people now in the household."
    )
    note: str = ""

    def amounts(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version", "household_size", "note"})


class StatusChangeIn(InputSchema):
    version: int = Field(description="The household version the edit was based on.")
    household_type: str = Field(description="The new 户类型 code.")
    monitoring_category: str = Field("", description="The new 监测对象类别 code, or empty.")
    effective_on: dt.date
    reason: str = Field(description="Why (e.g. the county decision); required.")


class RisksIn(InputSchema):
    version: int = Field(description="The household version the edit was based on.")
    risk_types: list[str] = Field(description="The complete list of risk-type codes.")
    noted_on: dt.date | None = None


# ---- outputs ------------------------------------------------------------------------------


def _unit(unit: OrgUnit | None) -> UnitRefOut | None:
    return UnitRefOut(code=unit.code, name=unit.name) if unit else None


class HouseholdListItemOut(Schema):
    id: int
    national_number: str | None
    village: UnitRefOut
    group: UnitRefOut | None
    head_name: str
    head_id_number: str = Field(description="Masked unless your role may see ID numbers.")
    size: int = Field(description="People now in the household.")
    household_type: str
    monitoring_category: str
    causes: list[str]
    risk_eliminated: bool = Field(description="风险是否已消除.")
    elimination_mode: str = Field(description="风险消除方式 code (帮扶消除, 自然消除) or empty.")
    risk_eliminated_on: dt.date | None = Field(description="风险消除时间.")
    version: int

    @classmethod
    def build(
        cls, household: Household, *, head: Member | None, user: User
    ) -> HouseholdListItemOut:
        sensitive = member_sensitive_values(user=user, member=head) if head else {}
        return cls(
            id=household.pk,
            national_number=household.national_number,
            village=UnitRefOut(code=household.village.code, name=household.village.name),
            group=_unit(household.group),
            head_name=head.name if head else "",
            head_id_number=sensitive.get("id_number", ""),
            size=household.size,  # type: ignore[attr-defined]  # annotated by the selector
            household_type=household.household_type,
            monitoring_category=household.monitoring_category,
            causes=household.causes,
            risk_eliminated=household.risk_eliminated,
            elimination_mode=household.elimination_mode,
            risk_eliminated_on=household.risk_eliminated_on,
            version=household.version,
        )


class HouseholdPageOut(PageOut):
    items: list[HouseholdListItemOut]


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    id_type: str
    id_number: str = Field(description="Masked unless your role may see ID numbers.")
    birth_date: dt.date
    relation: str
    ethnicity: str
    political_status: str
    education: str
    school_status: str
    health: str = Field(description="Masked (***) unless your role may see health status.")
    disability_grade: int | None
    labour_skill: str
    work_place: str
    work_months: int | None
    resident_medical_insurance: bool
    employee_medical_insurance: bool
    critical_illness_insurance: bool
    commercial_medical_insurance: bool
    medical_assistance: bool
    resident_pension: bool
    employee_pension: bool
    dibao: bool
    tekun: bool
    public_job: str
    public_job_months: int | None
    phone: str = Field(description="Masked unless your role may see phone numbers.")
    status: str

    @classmethod
    def build(cls, member: Member, *, user: User) -> MemberOut:
        visible = can_see_sensitive(user)
        masked = member_sensitive_values(user=user, member=member)
        plain = {name: getattr(member, name) for name in cls.model_fields}
        return cls(
            **{
                **plain,
                "id_number": masked["id_number"],
                "phone": masked["phone"],
                # The code value (not its label), so a client can send it back unchanged.
                "health": member.health if visible else mask_text(member.health),
                "disability_grade": member.disability_grade if visible else None,
            }
        )


class IncomeOut(Schema):
    year: int
    wage: Decimal
    business: Decimal
    property: Decimal
    transfer: Decimal
    business_expense: Decimal
    claims_income: Decimal
    compliant_out_of_pocket: Decimal
    household_size: int
    net_income: Decimal = Field(
        description="工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出"
    )
    per_capita_net_income: Decimal
    note: str


class RiskOut(Schema):
    risk_type: str
    noted_on: dt.date


class HelperOut(Schema):
    """An active helper cadre (帮扶责任人) of the household."""

    name: str
    unit: str
    phone: str
    start_on: dt.date
    end_on: dt.date | None


# HouseholdOut fields that are not copied from the model as they are.
_HOUSEHOLD_BUILT = {"village", "group", "phone", "members", "incomes", "risks", "helpers"}


class HouseholdOut(Schema):
    id: int
    national_number: str | None
    village: UnitRefOut
    group: UnitRefOut | None
    address: str
    phone: str = Field(description="Masked unless your role may see phone numbers.")
    household_type: str
    monitoring_category: str
    monitoring_identified_on: dt.date | None
    risk_eliminated: bool = Field(description="风险是否已消除.")
    elimination_mode: str = Field(description="风险消除方式 code (帮扶消除, 自然消除) or empty.")
    risk_eliminated_on: dt.date | None = Field(description="风险消除时间.")
    lifted_out_year: int | None
    main_cause: str
    second_cause: str
    third_cause: str
    causes: list[str]
    fully_incapable: bool
    military_family: bool
    housing_grade: str
    house_area: Decimal | None
    water_safe: bool | None
    electricity: bool | None
    sanitary_toilet: bool | None
    road_hardened: bool | None
    distance_to_road_km: Decimal | None
    arable_land_mu: Decimal | None
    forest_land_mu: Decimal | None
    returned_farmland_mu: Decimal | None
    orchard_mu: Decimal | None
    pasture_mu: Decimal | None
    water_surface_mu: Decimal | None
    status: str
    version: int = Field(description="Send it back with every edit; a stale one is refused (409).")
    created_at: dt.datetime
    updated_at: dt.datetime
    members: list[MemberOut]
    incomes: list[IncomeOut]
    risks: list[RiskOut]
    helpers: list[HelperOut]

    @classmethod
    def build(
        cls,
        household: Household,
        *,
        user: User,
        members: Iterable[Member],
        incomes: Iterable[IncomeRecord],
        risks: Iterable[HouseholdRisk],
        pairings: Iterable[Pairing],
    ) -> HouseholdOut:
        scalar = {
            name: getattr(household, name)
            for name in cls.model_fields
            if name not in _HOUSEHOLD_BUILT
        }
        return cls(
            **scalar,
            village=UnitRefOut(code=household.village.code, name=household.village.name),
            group=_unit(household.group),
            phone=household.phone if can_see_sensitive(user) else mask_phone(household.phone),
            members=[MemberOut.build(member, user=user) for member in members],
            incomes=[IncomeOut.model_validate(income) for income in incomes],
            risks=[RiskOut.model_validate(risk) for risk in risks],
            helpers=[_helper(pairing) for pairing in pairings],
        )


def _helper(pairing: Pairing) -> HelperOut:
    helper = pairing.helper
    return HelperOut(
        name=str(helper),
        unit=pairing.helper_unit_name,
        phone=helper.phone,
        start_on=pairing.start_on,
        end_on=pairing.end_on,
    )


# ---- history ------------------------------------------------------------------------------

_MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "health": mask_text}


def _masked_changes(changes: dict[str, Any], *, visible: bool) -> dict[str, list[Any]]:
    if visible:
        return changes
    return {
        name: [_MASKERS[name](value) if value else value for value in values]
        if name in _MASKERS
        else values
        for name, values in changes.items()
    }


class AuditEventOut(Schema):
    at: dt.datetime
    actor: str
    action: str = Field(description="e.g. household.update, member.add, income.record.")
    target_type: str
    target_id: str
    changes: dict[str, list[Any]] = Field(
        description="{field: [old, new]}; ID numbers, phones and health masked per role."
    )
    reason: str

    @classmethod
    def build(cls, event: AuditEvent, *, user: User) -> AuditEventOut:
        return cls(
            at=event.at,
            actor=str(event.actor) if event.actor else "",
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            changes=_masked_changes(event.changes, visible=can_see_sensitive(user)),
            reason=event.reason,
        )


class StatusChangeOut(Schema):
    effective_on: dt.date
    old_household_type: str
    new_household_type: str
    old_monitoring_category: str
    new_monitoring_category: str
    reason: str
    actor: str
    at: dt.datetime

    @classmethod
    def build(cls, change: StatusChange) -> StatusChangeOut:
        plain = {name: getattr(change, name) for name in cls.model_fields if name != "actor"}
        return cls(**plain, actor=str(change.actor) if change.actor else "")


class HistoryOut(Schema):
    events: list[AuditEventOut] = Field(description="Audited changes, newest first.")
    status_changes: list[StatusChangeOut] = Field(description="户类型/监测 changes, newest first.")


# ---- reference data -----------------------------------------------------------------------


class CodeOut(Schema):
    value: str = Field(description="What the API stores and accepts.")
    label: str = Field(description="What people read, in the request's language.")


def code_list(choices: Iterable[tuple[Any, Any]]) -> list[CodeOut]:
    return [CodeOut(value=str(value), label=str(label)) for value, label in choices]


def _choices(enum: type[models.Choices]) -> list[tuple[Any, Any]]:
    return list(enum.choices)


CODE_LISTS: dict[str, list[tuple[Any, Any]]] = {
    "household_type": _choices(codes.HouseholdType),
    "monitoring_category": _choices(codes.MonitoringCategory),
    "elimination_mode": _choices(codes.EliminationMode),
    "cause": _choices(codes.PovertyCause),
    "risk_type": _choices(codes.RiskType),
    "housing_grade": _choices(codes.HousingGrade),
    "sex": _choices(codes.Sex),
    "id_type": _choices(codes.IdType),
    "relation": _choices(codes.Relation),
    "ethnicity": list(codes.ETHNICITY_CHOICES),
    "political_status": _choices(codes.PoliticalStatus),
    "education": _choices(codes.Education),
    "school_status": _choices(codes.SchoolStatus),
    "health": _choices(codes.Health),
    "labour_skill": _choices(codes.LabourSkill),
    "removal_reason": _choices(RemovalReason),
}


# ---- summary ------------------------------------------------------------------------------


class CountOut(Schema):
    households: int
    people: int


class SummaryRowOut(Schema):
    village_code: str
    village_name: str
    households: int
    people: int
    by_type: dict[str, CountOut]
    by_category: dict[str, CountOut]
