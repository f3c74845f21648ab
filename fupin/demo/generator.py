"""generate(): the deterministic demo township, written in one transaction with bulk inserts.

One `random.Random(seed)` draws everything in a fixed order, so the same seed gives the same
households, names, ID numbers, phones and incomes. The demo is a bulk load: it writes
straight to the tables, keeping every row valid by the rules the registry actions enforce.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import OrgUnit, User
from fupin.core.errors import DomainError
from fupin.core.money import quantize
from fupin.demo.cases import create_cases
from fupin.demo.households import (
    DEFAULT_HOUSEHOLDS,
    MIN_HOUSEHOLDS,
    ORDINARY,
    HouseholdPlan,
    Quota,
    build_household,
    quotas,
    sizes,
)
from fupin.demo.people import IdNumbers, PhoneBook
from fupin.demo.places import Places, create_places, demo_codes
from fupin.demo.users import DEMO_LOGINS, create_users, pair_helper
from fupin.registry import codes
from fupin.registry.actions import net_income
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, Member, StatusChange

DEFAULT_SEED = 2020
CHUNK = 1000  # households drawn and written at a time
BATCH = 500  # rows per INSERT
MEMBER_FIELDS = (
    "name", "sex", "id_number", "birth_date", "relation", "ethnicity", "political_status",
    "education", "school_status", "health", "disability_grade", "labour_skill", "work_place",
    "work_months", "resident_medical_insurance", "employee_medical_insurance",
    "critical_illness_insurance", "commercial_medical_insurance", "medical_assistance",
    "resident_pension", "employee_pension", "dibao", "tekun", "public_job", "public_job_months",
    "phone",
)  # fmt: skip
SPECIAL_VILLAGE_WEIGHT = 1.8  # 凉风村, a former poverty village, has more lifted-out households


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class DemoError(DomainError):
    """The demo cannot be loaded here (the database is not empty, or the size is too small)."""


@dataclass(frozen=True)
class Tally:
    households: int = 0
    people: int = 0

    def plus(self, people: int) -> Tally:
        return Tally(self.households + 1, self.people + people)


@dataclass
class DemoSummary:
    seed: int
    villages: int = 0
    groups: int = 0
    households: int = 0
    people: int = 0
    by_type: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[str, Tally] = field(default_factory=dict)
    cases: int = 0
    seconds: float = 0.0

    def count(self, plan: HouseholdPlan) -> None:
        size = len(plan.members)
        self.households += 1
        self.people += size
        kind = plan.quota.household_type
        self.by_type[kind] = self.by_type.get(kind, Tally()).plus(size)
        if plan.quota.category:
            category = plan.quota.category
            self.by_category[category] = self.by_category.get(category, Tally()).plus(size)


def generate(
    *, seed: int = DEFAULT_SEED, households: int | None = None, stdout: Writer | None = None
) -> DemoSummary:
    """Build the demo township 关坝镇 into an empty database (all or nothing).

    `households` is the total number of households (default 6,250 ≈ 20,000 residents). The
    seed's figures are exact from 934 households up and shrink in proportion below that.
    """
    total = DEFAULT_HOUSEHOLDS if households is None else households
    if total < MIN_HOUSEHOLDS:
        raise DemoError(
            "demo_too_small",
            _("The demo needs at least %(count)s households.") % {"count": MIN_HOUSEHOLDS},
        )
    started = time.monotonic()
    rng = random.Random(seed)
    summary = DemoSummary(seed=seed)
    with transaction.atomic():
        _refuse_non_empty()
        places = create_places(rng)
        users = create_users()
        _say(stdout, f"org units and {len(users)} users written; drawing {total} households")
        for plans in _draw_in_chunks(rng, places, total):
            _save(plans, places, actor=users["township"])
            for plan in plans:
                summary.count(plan)
            _say(stdout, f"  {summary.households:>7} households, {summary.people:>8} people")
        pair_helper(rng, helper=users["helper"], village=places.villages[0])
        summary.cases = len(create_cases(users=users, villages=places.villages[:2]).cases)
        audit.record(
            actor=None,
            action="demo.seed",
            target=places.township,
            org_unit=places.township,
            changes={"seed": [None, seed], "households": [None, summary.households]},
        )
    summary.villages = len(places.villages)
    summary.groups = sum(len(groups) for groups in places.groups)
    summary.seconds = time.monotonic() - started
    return summary


def _say(stdout: Writer | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def _refuse_non_empty() -> None:
    if Household.objects.exists():
        raise DemoError(
            "demo_database_not_empty",
            _("The database already has households; the demo is only loaded into an empty one."),
        )
    logins = [login.username for login in DEMO_LOGINS]
    if (
        OrgUnit.objects.filter(code__in=demo_codes()).exists()
        or User.objects.filter(username__in=logins).exists()
    ):
        raise DemoError(
            "demo_units_exist",
            _("The database already has the demo's org units or users; start from an empty one."),
        )


# ---- drawing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A household's quota, size and place, drawn before the household itself."""

    quota: Quota
    size: int
    village: int
    group: int
    serial: int


def _slots(rng: random.Random, places: Places, total: int) -> list[Slot]:
    village_weights = [1.3] + [rng.uniform(0.7, 1.2) for _ in places.villages[1:]]
    special_weights = [village_weights[0] * SPECIAL_VILLAGE_WEIGHT, *village_weights[1:]]
    drawn: list[tuple[Quota, int]] = []
    for quota in quotas(total):
        drawn += [(quota, size) for size in sizes(rng, quota)]
    rng.shuffle(drawn)
    serials: Counter[int] = Counter()
    slots = []
    for quota, size in drawn:
        weights = village_weights if quota.kind == ORDINARY else special_weights
        village = rng.choices(range(len(places.villages)), weights=weights)[0]
        serials[village] += 1
        group = rng.randint(1, len(places.groups[village]))
        slots.append(Slot(quota, size, village, group, serials[village]))
    return slots


def _draw_in_chunks(
    rng: random.Random, places: Places, total: int
) -> Iterator[list[HouseholdPlan]]:
    numbers, phones = IdNumbers(), PhoneBook()
    slots = _slots(rng, places, total)
    for start in range(0, len(slots), CHUNK):
        chunk = []
        for slot in slots[start : start + CHUNK]:
            plan = build_household(
                rng, quota=slot.quota, size=slot.size, numbers=numbers, phones=phones
            )
            plan.village, plan.group, plan.serial = slot.village, slot.group, slot.serial
            chunk.append(plan)
        yield chunk


# ---- writing ------------------------------------------------------------------------------


def _household_row(plan: HouseholdPlan, places: Places) -> Household:
    village = places.villages[plan.village]
    group = places.groups[plan.village][plan.group - 1]
    head = plan.members[0]
    return Household(
        national_number=f"{village.code}{plan.serial:04d}",
        village=village,
        group=group,
        address=f"{places.township.name}{village.name}{group.name}",
        phone=head.phone,
        household_type=plan.quota.household_type,
        monitoring_category=plan.quota.category,
        monitoring_identified_on=plan.identified_on,
        lifted_out_year=plan.lifted_out_year,
        main_cause=plan.main_cause,
        second_cause=plan.second_cause,
        third_cause=plan.third_cause,
        fully_incapable=plan.fully_incapable,
        military_family=plan.military_family,
        **plan.housing,
    )


def _income_rows(plan: HouseholdPlan, household: Household, actor: User) -> list[IncomeRecord]:
    size = len(plan.members)
    rows = []
    for year, amounts in plan.incomes.items():
        net = net_income(amounts)
        rows.append(
            IncomeRecord(
                household=household,
                year=year,
                household_size=size,
                net_income=quantize(net),
                per_capita_net_income=quantize(net / size),
                recorded_by=actor,
                **amounts,
            )
        )
    return rows


def _status_rows(plan: HouseholdPlan, household: Household, actor: User) -> list[StatusChange]:
    """The dated history behind the status: lifted out in its year, then identified in 2020."""
    rows = []
    base: dict[str, Any] = {"household": household, "actor": actor}
    if plan.lifted_out_year:
        rows.append(
            StatusChange(
                **base,
                effective_on=dt.date(plan.lifted_out_year, 12, 1),
                old_household_type=codes.HouseholdType.POOR,
                new_household_type=codes.HouseholdType.LIFTED_OUT,
                reason="脱贫退出（演示数据）",
            )
        )
    if plan.identified_on:
        rows.append(
            StatusChange(
                **base,
                effective_on=plan.identified_on,
                old_household_type=plan.quota.household_type,
                new_household_type=plan.quota.household_type,
                new_monitoring_category=plan.quota.category,
                reason="动态监测识别（演示数据）",
            )
        )
    return rows


def _save(plans: list[HouseholdPlan], places: Places, *, actor: User) -> None:
    rows = Household.objects.bulk_create(
        [_household_row(plan, places) for plan in plans], batch_size=BATCH
    )
    members, incomes, risks, changes = [], [], [], []
    for plan, household in zip(plans, rows, strict=True):
        for person in plan.members:
            values = {name: getattr(person, name) for name in MEMBER_FIELDS}
            members.append(Member(household=household, **values))
        incomes += _income_rows(plan, household, actor)
        if plan.identified_on:
            risks += [
                HouseholdRisk(household=household, risk_type=risk, noted_on=plan.identified_on)
                for risk in plan.risks
            ]
        changes += _status_rows(plan, household, actor)
    Member.objects.bulk_create(members, batch_size=BATCH)
    IncomeRecord.objects.bulk_create(incomes, batch_size=BATCH)
    HouseholdRisk.objects.bulk_create(risks, batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
