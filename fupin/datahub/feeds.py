"""The department feeds, as data: what each file holds, where it goes, who may import it.

`SNAPSHOT_TABLES` is the contract with the screening engine (fupin.rules): the name its rules
use for a table ▸ the model whose rows it reads. docs/datahub.md documents each preset layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.datahub import excel
from fupin.datahub.excel import Column
from fupin.datahub.models import (
    BusinessRegistration,
    CivilAffairsBenefit,
    DepartmentRow,
    DisabilityCertificate,
    Employment,
    HousingAppraisal,
    IndustrySubsidy,
    MedicalClaim,
    RegisterEvent,
    StudentEnrollment,
    VehicleRegistration,
    WaterCheck,
)
from fupin.datahub.national import columns as national_columns

BATCH = "batch"  # a period source: the period given for the whole file
COMMON_FIELDS = ("id_number", "name")


@dataclass(frozen=True, eq=False, kw_only=True)
class Source:
    """What a file can be imported as: its code and names, its columns, who may import it.

    `department_codes` are the code suffixes of the township departments whose staff may
    import it (500110103-MZ is 民政办); township offices may import every source. `natural_key`
    names the fields that identify a row: a second row with the same key is a duplicate.
    `table` is where its rows go (a feed's department table; empty for a source that writes
    the registry itself).
    """

    code: str
    name: Promise
    department: str
    department_codes: tuple[str, ...]
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    table: str = ""

    @property
    def writes_registry(self) -> bool:
        return not isinstance(self, Feed)


@dataclass(frozen=True, eq=False, kw_only=True)
class Feed(Source):
    """One department feed, promoted into a department table of its own (`model`).

    `period_sources` says where a row's period comes from, in order: the row's own period
    column ("period"), a date field of the row, or the batch.
    """

    model: type[DepartmentRow]
    table: str
    period_sources: tuple[str, ...]

    @cached_property
    def fields(self) -> list[str]:
        """The model fields the columns fill (the period column fills period_year/_month)."""
        return [column.field for column in self.columns if column.field != "period"]

    @cached_property
    def value_fields(self) -> list[str]:
        """The feed's own fields, after the common ID number and name."""
        return [name for name in self.fields if name not in COMMON_FIELDS]

    @property
    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)

    def key_of(self, values: dict[str, Any]) -> str:
        return "|".join("" if values[f] is None else str(values[f]) for f in self.natural_key)


FEEDS: dict[str, Feed] = {
    feed.code: feed
    for feed in (
        Feed(
            code="civil_affairs",
            name=_("Civil affairs assistance (低保, 特困供养, 临时救助)"),
            department="民政",
            department_codes=("MZ",),
            model=CivilAffairsBenefit,
            table="civil_affairs_benefits",
            columns=excel.CIVIL_AFFAIRS,
            natural_key=("id_number", "benefit", "period_year", "period_month"),
            period_sources=("period", BATCH, "start_on"),
            aliases=("民政", "低保", "civil-affairs"),
        ),
        Feed(
            code="medical",
            name=_("Medical insurance claims (医保)"),
            department="医保",
            department_codes=("SB",),
            model=MedicalClaim,
            table="medical_claims",
            columns=excel.MEDICAL,
            natural_key=("claim_no",),
            period_sources=("visit_on",),
            aliases=("医保", "medical-claims"),
        ),
        Feed(
            code="education",
            name=_("Student roll (教育)"),
            department="教育",
            department_codes=("WF",),
            model=StudentEnrollment,
            table="student_enrollments",
            columns=excel.EDUCATION,
            natural_key=("id_number", "period_year", "period_month"),
            period_sources=("period", BATCH),
            aliases=("教育", "学籍"),
        ),
        Feed(
            code="housing",
            name=_("House safety appraisals (住建/规建)"),
            department="住建",
            department_codes=("GJ",),
            model=HousingAppraisal,
            table="housing_appraisals",
            columns=excel.HOUSING,
            natural_key=("id_number", "appraised_on"),
            period_sources=("appraised_on",),
            aliases=("住建", "规建", "危房"),
        ),
        Feed(
            code="water",
            name=_("Drinking water checks (水利)"),
            department="水利",
            department_codes=("NF",),
            model=WaterCheck,
            table="water_checks",
            columns=excel.WATER,
            natural_key=("id_number", "checked_on"),
            period_sources=("checked_on",),
            aliases=("水利", "饮水"),
        ),
        Feed(
            code="police",
            name=_("Household register events (公安: deaths, moves)"),
            department="公安",
            department_codes=("PA",),
            model=RegisterEvent,
            table="register_events",
            columns=excel.POLICE,
            natural_key=("id_number", "event", "event_on"),
            period_sources=("event_on",),
            aliases=("公安", "户籍"),
        ),
        Feed(
            code="disability",
            name=_("Disability certificates (残联)"),
            department="残联",
            department_codes=("MZ",),
            model=DisabilityCertificate,
            table="disability_certificates",
            columns=excel.DISABILITY,
            natural_key=("id_number",),
            period_sources=(BATCH, "issued_on"),
            aliases=("残联", "残疾"),
        ),
        Feed(
            code="employment",
            name=_("Employment, public welfare jobs and social insurance (人社)"),
            department="人社",
            department_codes=("SB",),
            model=Employment,
            table="employment",
            columns=excel.EMPLOYMENT,
            natural_key=("id_number", "job_kind", "employer", "start_on"),
            period_sources=("start_on",),
            aliases=("人社", "就业"),
        ),
        Feed(
            code="business",
            name=_("Business registrations (市场监管)"),
            department="市场监管",
            department_codes=("JF",),
            model=BusinessRegistration,
            table="business_registrations",
            columns=excel.BUSINESS,
            natural_key=("id_number", "credit_code", "role"),
            period_sources=(BATCH, "registered_on"),
            aliases=("市场监管", "工商"),
        ),
        Feed(
            code="vehicles",
            name=_("Vehicle registrations (车管)"),
            department="车管",
            department_codes=("PA",),
            model=VehicleRegistration,
            table="vehicle_registrations",
            columns=excel.VEHICLES,
            natural_key=("id_number", "plate_no"),
            period_sources=(BATCH, "registered_on"),
            aliases=("车管", "车辆"),
        ),
        Feed(
            code="agriculture",
            name=_("Industry subsidies (农业)"),
            department="农业",
            department_codes=("NF",),
            model=IndustrySubsidy,
            table="industry_subsidies",
            columns=excel.AGRICULTURE,
            natural_key=("id_number", "item", "period_year", "period_month"),
            period_sources=("period", "paid_on", BATCH),
            aliases=("农业", "产业补贴"),
        ),
    )
}

# The screening engine's names for the department tables (a contract: keep the names).
SNAPSHOT_TABLES: dict[str, type[DepartmentRow]] = {
    feed.table: feed.model for feed in FEEDS.values()
}
# Which township department imports which feed (by the suffix of the department's code).
FEED_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    feed.code: feed.department_codes for feed in FEEDS.values()
}


# The national 防返贫监测信息系统 export, which loads the registry itself (fupin.datahub.national).
NATIONAL = Source(
    code="national",
    name=_("National monitoring system export (（自定义）监测对象信息)"),
    department="全国防返贫监测信息系统",
    department_codes=(),
    columns=national_columns.COLUMNS,
    natural_key=("member.id_number",),
    aliases=("全国系统", "防返贫", "监测对象信息", "national-export"),
)
# Everything a file can be imported as: the department feeds, then the national export.
SOURCES: dict[str, Source] = {**FEEDS, NATIONAL.code: NATIONAL}


def find_feed(name: str) -> Source | None:
    """A source by its code, its table name or one of its aliases (民政, 医保, 全国系统 …)."""
    wanted = name.strip().lower().replace("-", "_")
    for feed in SOURCES.values():
        names = {
            feed.code,
            *([feed.table] if feed.table else []),
            *(alias.lower().replace("-", "_") for alias in feed.aliases),
        }
        if wanted in names:
            return feed
    return None


def department_code(unit_code: str) -> str:
    """The department part of a department's org unit code: 500110103-MZ ▸ MZ."""
    return unit_code.rsplit("-", 1)[-1] if "-" in unit_code else ""
