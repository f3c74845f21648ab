"""A small fixture township for screening: two villages, a few households with planted
problems, one department batch. Each planted problem is named where it is planted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.datahub.models import BatchStatus, ImportBatch, MedicalClaim, RegisterEvent
from fupin.registry.models import Household, IncomeRecord, Member
from fupin.registry.tests.factories import HouseholdFactory, MemberFactory

SCREENING_DATE = dt.date(2020, 12, 31)


@pytest.fixture(autouse=True)
def screening_dir(settings, tmp_path):
    """Run snapshots go to the test's own folder."""
    settings.SCREENING_DIR = tmp_path / "screening"
    return settings.SCREENING_DIR


def income(household: Household, year: int, per_capita: int, size: int = 1) -> IncomeRecord:
    net = Decimal(per_capita * size)
    return IncomeRecord.objects.create(
        household=household,
        year=year,
        wage=net,
        household_size=size,
        net_income=net,
        per_capita_net_income=Decimal(per_capita),
    )


def batch(org: dict[str, Any], feed: str) -> ImportBatch:
    return ImportBatch.objects.create(
        feed=feed,
        file_name=f"{feed}.xlsx",
        sha256="0" * 64,
        size=1,
        stored_path="",
        org_unit=org["township"],
        status=BatchStatus.PROMOTED,
    )


def claim(org: dict[str, Any], member: Member, out_of_pocket: int, on: dt.date) -> MedicalClaim:
    return MedicalClaim.objects.create(
        batch=batch(org, "medical"),
        source_row=2,
        natural_key=f"claim-{member.pk}-{on}",
        id_number=member.id_number,
        name=member.name,
        person=member,
        period_year=on.year,
        period_month=on.month,
        claim_no=f"C{member.pk}{on:%m%d}",
        visit_type="住院",
        visit_on=on,
        total_cost=Decimal(out_of_pocket * 2),
        out_of_pocket=Decimal(out_of_pocket),
    )


@pytest.fixture
def township(org, household_a, household_b) -> dict[str, Any]:
    """凉风村 (A) and 示范一村 (B), each planted problem named:

    - A1 household_a (脱贫户, not monitored): per-capita income 3000 < 6000 in 2020
      ▸ income_below_line_not_monitored; its head had an 8000 元 hospital bill
      ▸ inpatient_cost_lifted_out.
    - A2 an ordinary household of A, grade C house ▸ unsafe_housing; its "daughter" is male
      ▸ female_relation_on_male.
    - B1 household_b (脱贫户): income 9000 (fine); its head is dead per 公安 but still
      active ▸ deceased_still_active.
    """
    income(household_a, 2020, 3000)
    head_a = household_a.members.get()
    claim(org, head_a, 8000, dt.date(2020, 6, 1))
    a2 = HouseholdFactory(
        village=org["village_a"],
        group=org["group_a1"],
        household_type="一般农户",
        housing_grade="C",
    )
    MemberFactory(household=a2, name="王五")
    son = MemberFactory(
        household=a2, name="王小五", relation="之女", sex="1", birth_date=dt.date(2000, 1, 1)
    )
    income(a2, 2020, 12000, size=2)
    income(household_b, 2020, 9000)
    head_b = household_b.members.get()
    RegisterEvent.objects.create(
        batch=batch(org, "police"),
        source_row=2,
        natural_key=f"death-{head_b.pk}",
        id_number=head_b.id_number,
        name=head_b.name,
        person=head_b,
        period_year=2020,
        period_month=9,
        event="死亡",
        event_on=dt.date(2020, 9, 1),
    )
    return {
        "a1": household_a,
        "a2": a2,
        "son": son,
        "b1": household_b,
        "head_b": head_b,
        "head_a": head_a,
    }
