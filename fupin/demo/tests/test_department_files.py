"""The demo's department files, one per feed, import with exactly the planted problems, and the
standard rule pack finds what was planted for it (docs/datahub.md, "The demo's department
files"). A small township (120 households) keeps it quick; the files are the same kind."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from fupin.accounts.models import OrgUnit, User
from fupin.core import ids
from fupin.datahub import selectors as datahub_selectors
from fupin.datahub.feeds import FEEDS
from fupin.datahub.models import (
    DisabilityCertificate,
    Employment,
    HousingAppraisal,
    ImportBatch,
    MedicalClaim,
    RegisterEvent,
    StudentEnrollment,
    WaterCheck,
)
from fupin.demo.department_files import (
    FILES,
    PLANTED,
    PROBLEMS,
    SCREENING_DATE,
    read_planted,
    write_department_files,
)
from fupin.demo.generator import generate
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.screening import actions as screening_actions
from fupin.screening.models import Finding, Rule, RunStatus
from fupin.screening.runs import execute_run

pytestmark = pytest.mark.django_db
LAST_DAY_IN_WINDOW = dt.date(2027, 2, 28)  # docs/datahub.md: a run until then finds them all

# feed ▸ (rejected, duplicates, unmatched) that `fupin import` must report for the demo file.
REFUSED = {
    "civil_affairs": (0, 0, 3),
    "medical": (6, 1, 0),
    "education": (0, 0, 0),
    "police": (0, 0, 0),
    "vehicles": (0, 0, 0),
    "business": (0, 0, 0),
    "disability": (1, 0, 1),
    "housing": (1, 0, 0),
    "water": (1, 0, 0),
    "employment": (2, 0, 0),
    "agriculture": (2, 1, 1),
}
# rule ▸ (feed, planted kind) whose people or households it must find, and nothing else.
RULES = {
    "dibao_not_in_registry": ("civil_affairs", "dibao_not_flagged"),
    "inpatient_cost_lifted_out": ("medical", "big_bills_lifted_out"),
    "inpatient_cost_other": ("medical", "big_bills_others"),
    "deceased_still_active": ("police", "deaths"),
    "vehicle_of_lifted_out_member": ("vehicles", "vehicles_lifted_out"),
    "company_of_poor_member": ("business", "companies_lifted_out"),
    "disability_certificate_health_mismatch": ("disability", "disability_not_recorded"),
    "appraisal_unsafe_registry_safe": ("housing", "unsafe_house_registered_safe"),
    "unsafe_water": ("water", "unsafe_water_registered_safe"),
    "wage_out_of_range": ("employment", "wage_out_of_range"),
}


@pytest.fixture
def township(settings, tmp_path) -> OrgUnit:
    settings.SCREENING_DIR = tmp_path / "screening"
    generate(seed=2020, households=120)
    return OrgUnit.objects.get(code="500110103")


@pytest.fixture
def folder(township, tmp_path) -> Path:
    path = tmp_path / "demo-files"
    assert write_department_files(path, seed=7) == PLANTED
    return path


def fupin_import(folder: Path, feed: str) -> dict[str, Any]:
    """`fupin import FEED FILE --json`, as an officer runs it; the batch it prints."""
    out = io.StringIO()
    call_command(
        "import", feed, str(folder / FILES[feed]), "--json", stdout=out, stderr=io.StringIO()
    )
    summary: dict[str, Any] = json.loads(out.getvalue())
    return summary


def planted_people(folder: Path, feed: str, kind: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = read_planted(folder)["files"][feed]["problems"][kind]["rows"]
    return rows


def members(numbers: list[str]) -> dict[str, Member]:
    return {m.id_number: m for m in Member.objects.filter(id_number__in=numbers, status="active")}


# ---- the files -----------------------------------------------------------------------------


def test_every_feed_has_a_demo_file_with_every_problem_planted(folder):
    # then
    assert set(FILES) == set(FEEDS)
    assert all((folder / name).is_file() for name in FILES.values())
    planted = read_planted(folder)
    assert planted["screening_date"] == "2026-09-01" == SCREENING_DATE.isoformat()
    for feed, entry in planted["files"].items():
        assert entry["file"] == FILES[feed]
        counts = {kind: found["count"] for kind, found in entry["problems"].items()}
        assert counts == PLANTED[feed]
        assert tuple(entry["refused_by_import"].values()) == REFUSED[feed], feed


def test_a_rule_named_as_catching_a_problem_is_a_rule_of_the_standard_pack():
    named = {p.caught_by for kinds in PROBLEMS.values() for p in kinds.values() if p.caught_by}
    rules = named - {"rejected", "duplicate", "unmatched"}
    assert rules == set(RULES)
    assert set(Rule.objects.filter(code__in=rules).values_list("code", flat=True)) == rules


def test_the_files_come_in_the_formats_offices_send(folder):
    # GBK CSV (人社), UTF-8 without BOM (住建), title block and merged group header (残联, 水利)
    employment = (folder / FILES["employment"]).read_bytes()
    assert employment.decode("gbk").startswith("序号,姓名,身份证号,就业类型")
    housing = (folder / FILES["housing"]).read_bytes()
    assert housing.startswith("序号,村（社区）".encode())
    sheet = load_workbook(folder / FILES["disability"]).active
    assert sheet["A1"].value == "关坝镇持证残疾人花名册（截至2026年8月）"
    assert sheet["F2"].value == "残疾人证信息" and sheet["F3"].value == "残疾证号"
    assert "F2:I2" in {str(merged) for merged in sheet.merged_cells.ranges}
    water = load_workbook(folder / FILES["water"]).active
    assert "E2:I2" in {str(merged) for merged in water.merged_cells.ranges}
    agriculture = load_workbook(folder / FILES["agriculture"]).active
    last = [cell.value for cell in list(agriculture.rows)[-1]]
    assert last[0] == "合计" and last[3] is None


# ---- the import ----------------------------------------------------------------------------


def test_each_file_imports_with_exactly_the_planted_refusals(folder):
    # when each file is imported as `fupin import` does
    batches = {feed: fupin_import(folder, feed) for feed in FILES}
    # then every batch is promoted, adds up, and refuses exactly the planted rows
    for feed, batch in batches.items():
        rows = batch["rows"]
        assert batch["status"] == "promoted", (feed, batch["error"])
        assert batch["missing_columns"] == [], feed
        assert (rows["rejected"], rows["duplicates"], rows["unmatched"]) == REFUSED[feed], feed
        assert batch["adds_up"] and rows["read"] == rows["promoted"] + sum(REFUSED[feed]), feed
        model = FEEDS[feed].model
        assert model.objects.filter(batch_id=batch["batch"]).count() == rows["promoted"], feed
    # and the rows read are the registry's own people the department lists
    active = Member.objects.filter(status="active")
    heads = active.filter(relation=codes.Relation.HEAD)
    key = heads.exclude(household__household_type="一般农户", household__monitoring_category="")
    disabled = active.filter(health=codes.Health.DISABLED).count()
    assert batches["disability"]["rows"]["read"] == disabled + 3 + 1 + 1
    assert batches["housing"]["rows"]["read"] == key.exclude(household__housing_grade="").count()
    water = key | heads.filter(household__water_safe=False)
    assert batches["water"]["rows"]["read"] == water.distinct().count()
    workers = active.exclude(work_place="").count()
    jobs = active.exclude(public_job="").count() + active.filter(employee_pension=True).count()
    assert batches["employment"]["rows"]["read"] == workers + jobs
    # and the planted facts are in the department tables
    assert StudentEnrollment.objects.filter(enrolment="辍学").count() == 4
    assert RegisterEvent.objects.filter(event="死亡").count() == 5
    assert MedicalClaim.objects.filter(visit_type="住院", out_of_pocket__gte=5000).count() == 11
    assert HousingAppraisal.objects.filter(grade__in=("C", "D")).count() >= 3
    assert WaterCheck.objects.filter(safe=False).count() >= 3
    assert (
        Employment.objects.filter(job_kind="公益岗位").count()
        == active.exclude(public_job="").count()
    )
    grades = DisabilityCertificate.objects.filter(id_number__in=disabled_numbers(folder))
    assert sorted(grades.values_list("grade", flat=True)) == sorted(
        row["grade"] for row in planted_people(folder, "disability", "disability_not_recorded")
    )


def disabled_numbers(folder: Path) -> list[str]:
    return [
        row["id_number"] for row in planted_people(folder, "disability", "disability_not_recorded")
    ]


@pytest.mark.parametrize("feed", ["disability", "agriculture"])
def test_the_person_not_in_the_registry_comes_with_the_member_of_a_near_name(folder, feed):
    # given
    batch = ImportBatch.objects.get(pk=fupin_import(folder, feed)["batch"])
    officer = User.objects.get(username="township")
    [planted] = planted_people(folder, feed, "not_in_registry")
    # when
    [row] = datahub_selectors.unmatched_rows(user=officer, batch=batch)
    # then
    assert row.issue.name == planted["name"] != planted["candidate"]
    best = row.candidates[0]
    assert (best["name"], best["same_birth_date"], best["same_name"]) == (
        planted["candidate"],
        True,
        False,
    )
    member = Member.objects.get(pk=best["member_id"])
    assert ids.parse(planted["id_number"]).sex == member.sex  # a plausible number for them


def test_the_refused_rows_carry_the_reason_the_planted_problem_gives(folder):
    # when
    reasons = {}
    for feed in ("disability", "housing", "water", "employment", "agriculture"):
        batch = fupin_import(folder, feed)
        issues = ImportBatch.objects.get(pk=batch["batch"]).issues.order_by("row_number")
        reasons[feed] = sorted(issues.values_list("code", flat=True))
    # then
    assert reasons == {
        "disability": ["id_checksum", "not_in_registry"],
        "housing": ["date_invalid"],
        "water": ["yes_no_invalid"],
        "employment": ["amount_invalid", "id_number_as_number"],
        "agriculture": ["amount_invalid", "duplicate_key", "empty", "not_in_registry"],
    }


# ---- the screening -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [SCREENING_DATE, LAST_DAY_IN_WINDOW],
    ids=["on the demo's day", "on the last day a run still sees every planted row"],
)
def test_the_standard_rules_find_exactly_what_was_planted_for_them(township, folder, day):
    # given every file imported
    for feed in FILES:
        assert fupin_import(folder, feed)["status"] == "promoted"
    # when the rules that read them run on DuckDB as of the demo's day
    run = screening_actions.run_start(
        actor=None,
        units=[township],
        rule_codes=sorted(RULES),
        screening_date=day,
        queue=False,
    )
    run = execute_run(run.pk)
    # then each finds the planted people (or their households), and no one else
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.engine, run.screening_date) == ("duckdb", day)
    for code, (feed, kind) in RULES.items():
        found = set(
            Finding.objects.filter(rule__code=code).values_list("subject_type", "subject_id")
        )
        planted = members([row["id_number"] for row in planted_people(folder, feed, kind)])
        assert len(planted) == PLANTED[feed][kind], code
        subject = Rule.objects.get(code=code).subject
        if subject == "person":
            expected = {("person", m.pk) for m in planted.values()}
        else:
            expected = {("household", m.household_id) for m in planted.values()}
        if code == "unsafe_water":  # the households the registry itself records as unsafe
            unsafe = Household.objects.filter(status="active", water_safe=False)
            expected |= {("household", pk) for pk in unsafe.values_list("pk", flat=True)}
        assert found == expected, code


# ---- determinism ---------------------------------------------------------------------------


def sheet_values(path: Path) -> list[list[Any]]:
    sheet = load_workbook(path, read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_same_seed_writes_the_same_files_and_another_seed_others(township, tmp_path):
    # when
    write_department_files(tmp_path / "a", seed=3)
    write_department_files(tmp_path / "b", seed=3)
    write_department_files(tmp_path / "c", seed=4)
    # then
    for name in [*FILES.values(), "planted.json"]:
        a, b = tmp_path / "a" / name, tmp_path / "b" / name
        if name.endswith(".xlsx"):
            assert sheet_values(a) == sheet_values(b), name
        else:
            assert a.read_bytes() == b.read_bytes(), name
    other = tmp_path / "c" / "planted.json"
    assert other.read_bytes() != (tmp_path / "a" / "planted.json").read_bytes()
