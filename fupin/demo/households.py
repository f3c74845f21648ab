"""Household plans: how many of each kind, their sizes, and one household drawn in full.

The seed's figures (POLICY.md §8) are quotas of households *and* people, met exactly by
drawing household sizes and then nudging them until they add up.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from fupin.demo import incomes, people
from fupin.demo.people import IdNumbers, Person, PhoneBook
from fupin.registry import codes

HT, MC, C = codes.HouseholdType, codes.MonitoringCategory, codes.PovertyCause

# The four kinds of household the demo draws, each with its own hardship.
MONITORED, LIFTED, EDGE, ORDINARY = "monitored", "lifted", "edge", "ordinary"


@dataclass(frozen=True)
class Quota:
    kind: str
    household_type: str
    category: str
    households: int
    people: int


# 424 脱贫户 / 1,375 people, of which 42 脱贫监测户 / 132; 43 边缘户 / 152 (POLICY.md §8).
SEED_QUOTAS = (
    Quota(MONITORED, HT.LIFTED_OUT, MC.UNSTABLE_2020, 42, 132),
    Quota(LIFTED, HT.LIFTED_OUT, "", 424 - 42, 1375 - 132),
    Quota(EDGE, HT.ORDINARY, MC.EDGE_2020, 43, 152),
)
SEED_HOUSEHOLDS = sum(quota.households for quota in SEED_QUOTAS)
SEED_PEOPLE = sum(quota.people for quota in SEED_QUOTAS)
DEFAULT_HOUSEHOLDS = 6250
DEFAULT_RESIDENTS = 20_000
# Below this many households the seed's quotas shrink in proportion (for quick test runs).
EXACT_FROM = 2 * SEED_HOUSEHOLDS
MIN_HOUSEHOLDS = 20
ORDINARY_MEAN_SIZE = Fraction(
    DEFAULT_RESIDENTS - SEED_PEOPLE, DEFAULT_HOUSEHOLDS - SEED_HOUSEHOLDS
)  # ≈ 3.19, so the default township has exactly 20,000 residents
SIZE_WEIGHTS = {1: 10, 2: 22, 3: 26, 4: 22, 5: 12, 6: 6, 7: 2}

HARDSHIP = {MONITORED: 3.0, LIFTED: 2.0, EDGE: 2.5, ORDINARY: 1.0}
MIGRANT_RATE = {MONITORED: 0.2, LIFTED: 0.35, EDGE: 0.2, ORDINARY: 0.45}
DIBAO_RATE = {MONITORED: 0.3, LIFTED: 0.12, EDGE: 0.1, ORDINARY: 0.01}
COMMERCIAL_RATE = {MONITORED: 0.6, LIFTED: 0.6, EDGE: 0.3, ORDINARY: 0.05}
# 2020 per-capita net income (元) each kind lands in: monitored and edge households below the
# 2020 monitoring line of about 6000 (POLICY.md §1), the others comfortably above it.
INCOME_BANDS = {
    MONITORED: (4500, 6500),
    EDGE: (4300, 5900),
    LIFTED: (7000, 20000),
    ORDINARY: (7500, 40000),
}
CAUSE_WEIGHTS = {
    C.ILLNESS: 30, C.DISABILITY: 18, C.SCHOOLING: 12, C.NO_LABOUR: 12, C.NO_SKILLS: 10,
    C.NO_CAPITAL: 8, C.DISASTER: 3, C.POOR_TRANSPORT: 2, C.LOW_MOTIVATION: 3, C.OTHER: 2,
}  # fmt: skip
RT = codes.RiskType
RISK_WEIGHTS = {
    RT.ILLNESS: 30, RT.DISABILITY: 14, RT.NO_LABOUR: 14, RT.UNSTABLE_JOB: 14, RT.SCHOOLING: 8,
    RT.FLOOD: 5, RT.GEOLOGICAL: 4, RT.ACCIDENT: 5, RT.BUSINESS_FAILURE: 3,
    RT.HOUSING_UNSAFE: 2, RT.WATER_UNSAFE: 2, RT.UNINSURED: 1,
}  # fmt: skip
RISK_FOR_CAUSE: dict[str, str] = {
    C.ILLNESS: RT.ILLNESS,
    C.DISABILITY: RT.DISABILITY,
    C.SCHOOLING: RT.SCHOOLING,
    C.NO_LABOUR: RT.NO_LABOUR,
    C.DISASTER: RT.FLOOD,
}
LIFTED_OUT_YEARS = {2014: 6, 2015: 12, 2016: 18, 2017: 22, 2018: 20, 2019: 14, 2020: 8}
PUBLIC_JOBS = ("护林员", "保洁员", "护路员", "水管员", "治安巡逻员")


# ---- how many, how big --------------------------------------------------------------------


def quotas(total: int) -> list[Quota]:
    """The seed's quotas (exact from EXACT_FROM households, scaled below) and the ordinary rest."""
    scale = min(Fraction(1), Fraction(total, EXACT_FROM))
    scaled = []
    for quota in SEED_QUOTAS:
        households = max(1, round(quota.households * scale))
        persons = min(7 * households, max(households, round(quota.people * scale)))
        scaled.append(replace(quota, households=households, people=persons))
    ordinary = total - sum(quota.households for quota in scaled)
    scaled.append(Quota(ORDINARY, HT.ORDINARY, "", ordinary, round(ordinary * ORDINARY_MEAN_SIZE)))
    return scaled


def sizes(rng: random.Random, quota: Quota) -> list[int]:
    """Household sizes (1–7) that add up to exactly `quota.people`."""
    drawn = rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()), k=quota.households)
    gap = quota.people - sum(drawn)
    while gap:
        index = rng.randrange(len(drawn))
        step = 1 if gap > 0 else -1
        if 1 <= drawn[index] + step <= 7:
            drawn[index] += step
            gap -= step
    return drawn


# ---- one household ------------------------------------------------------------------------


@dataclass
class HouseholdPlan:
    """One household as drawn, before it is written to the database."""

    quota: Quota
    members: list[Person]
    village: int = 0  # index into the township's villages
    group: int = 1  # group number within the village
    serial: int = 0  # position within the village, for the 户编号
    main_cause: str = ""
    second_cause: str = ""
    third_cause: str = ""
    lifted_out_year: int | None = None
    identified_on: dt.date | None = None
    risks: list[str] = field(default_factory=list)
    fully_incapable: bool = False
    military_family: bool = False
    housing: dict[str, object] = field(default_factory=dict)
    incomes: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.quota.kind

    @property
    def lifted_out(self) -> bool:
        return self.quota.household_type == HT.LIFTED_OUT

    @property
    def causes(self) -> list[str]:
        return [c for c in (self.main_cause, self.second_cause, self.third_cause) if c]


def _pick_member(rng: random.Random, members: list[Person], *, min_age: int = 0) -> Person:
    return rng.choice([p for p in members if p.age >= min_age] or members)


def _has_pupil(plan: HouseholdPlan) -> bool:
    """Someone of compulsory-school age (6–15), who is always a pupil in the demo."""
    return any(6 <= p.age <= 15 for p in plan.members)


def _fits(plan: HouseholdPlan, reason: str) -> bool:
    """Whether the members can bear out a cause or risk (one health status per person)."""
    health = {p.health for p in plan.members}
    if reason in (C.SCHOOLING, RT.SCHOOLING):
        return _has_pupil(plan)
    if reason in (C.ILLNESS, RT.ILLNESS):
        return bool(health & {codes.Health.CHRONIC, codes.Health.SERIOUS, codes.Health.HEALTHY})
    if reason in (C.DISABILITY, RT.DISABILITY):
        return bool(health & {codes.Health.DISABLED, codes.Health.HEALTHY})
    return True


def _imprint(rng: random.Random, plan: HouseholdPlan, reason: str) -> None:
    """Make the members bear out a cause or risk: 因病 needs someone ill, 因残 someone disabled."""
    health = {p.health for p in plan.members}
    healthy = [p for p in plan.members if p.health == codes.Health.HEALTHY]
    ill = bool(health & {codes.Health.CHRONIC, codes.Health.SERIOUS})
    if reason in (C.ILLNESS, RT.ILLNESS) and not ill:
        people.make_ill(rng, _pick_member(rng, healthy, min_age=30))
    elif reason in (C.DISABILITY, RT.DISABILITY) and codes.Health.DISABLED not in health:
        people.make_disabled(rng, _pick_member(rng, healthy))


def _draw_causes(rng: random.Random, plan: HouseholdPlan) -> None:
    """致贫原因 (one main, up to two others) and the year the household was lifted out."""
    chosen: list[str] = []
    for chance in (1.0, 0.5, 0.4):
        if rng.random() >= chance:
            break
        left = {c: w for c, w in CAUSE_WEIGHTS.items() if c not in chosen and _fits(plan, c)}
        cause = rng.choices(list(left), weights=list(left.values()))[0]
        chosen.append(cause)
        _imprint(rng, plan, cause)
    plan.main_cause, plan.second_cause, plan.third_cause = chosen + [""] * (3 - len(chosen))
    # A household monitored in 2020 as 脱贫监测户 was lifted out before that year.
    years = {y: w for y, w in LIFTED_OUT_YEARS.items() if y < 2020 or plan.kind != MONITORED}
    plan.lifted_out_year = rng.choices(list(years), weights=list(years.values()))[0]


def _draw_risks(rng: random.Random, plan: HouseholdPlan) -> None:
    """致贫/返贫风险 for a monitored household, identified in 2020 (国开发〔2020〕6号)."""
    first = RISK_FOR_CAUSE.get(plan.main_cause)
    risks: list[str] = [first] if first else []
    wanted = 1 if rng.random() < 0.6 else 2
    while len(risks) < wanted:
        risk = rng.choices(list(RISK_WEIGHTS), weights=list(RISK_WEIGHTS.values()))[0]
        if risk not in risks and _fits(plan, risk):
            risks.append(risk)
            _imprint(rng, plan, risk)
    plan.risks = risks
    plan.identified_on = dt.date(2020, 4, 1) + dt.timedelta(days=rng.randrange(244))


def _draw_insurance(rng: random.Random, plan: HouseholdPlan, person: Person) -> None:
    """Everyone has one basic medical insurance: the residents', or the employees' if employed."""
    employee_rate = 0.25 if plan.kind == ORDINARY else 0.1
    employee = person.work_place in people.MIGRANT_PLACES and rng.random() < employee_rate
    person.employee_medical_insurance = person.employee_pension = employee
    person.resident_medical_insurance = person.critical_illness_insurance = not employee
    adult = person.age >= 16 and not person.student
    pension_rate = 0.97 if person.age >= 60 else 0.9
    person.resident_pension = adult and not employee and rng.random() < pension_rate
    person.commercial_medical_insurance = rng.random() < COMMERCIAL_RATE[plan.kind]
    person.medical_assistance = plan.lifted_out or person.dibao or person.tekun


def _draw_support(rng: random.Random, plan: HouseholdPlan) -> None:
    """兜底, 低保/特困, insurance and 公益岗位, consistent with who can work."""
    members = plan.members
    special = plan.lifted_out or bool(plan.quota.category)
    plan.fully_incapable = special and not any(p.can_work for p in members)
    dibao_rate = DIBAO_RATE[plan.kind] * (2 if {C.ILLNESS, C.DISABILITY} & set(plan.causes) else 1)
    if plan.fully_incapable and len(members) == 1 and members[0].age >= 60:
        members[0].tekun = True
    elif plan.fully_incapable or rng.random() < dibao_rate:
        for person in members:
            person.dibao = True
    for person in members:
        _draw_insurance(rng, plan, person)
    if RT.UNINSURED in plan.risks:
        person = _pick_member(rng, plan.members, min_age=16)
        person.resident_medical_insurance = person.employee_medical_insurance = False
        person.critical_illness_insurance = person.medical_assistance = False
    idle = [p for p in members if p.can_work and not p.work_place and 40 <= p.age <= 70]
    if plan.lifted_out and idle and rng.random() < 0.15:
        worker = rng.choice(idle)
        worker.public_job, worker.public_job_months = rng.choice(PUBLIC_JOBS), rng.randint(6, 12)


def _draw_phones(rng: random.Random, plan: HouseholdPlan, phones: PhoneBook) -> None:
    for person in plan.members:
        head = person.relation == codes.Relation.HEAD
        if head or (18 <= person.age <= 70 and rng.random() < 0.35):
            person.phone = phones.issue(rng)


def _tenths(rng: random.Random, low: int, high: int, chance: float = 1.0) -> Decimal:
    return Decimal(rng.randint(low, high)) / 10 if rng.random() < chance else Decimal(0)


def _draw_housing(rng: random.Random, plan: HouseholdPlan) -> None:
    """Housing grade (C/D only where the risk says so, or a few ordinary homes), water, land."""
    size = len(plan.members)
    if RT.HOUSING_UNSAFE in plan.risks:
        grade = rng.choice(("C", "D"))
    elif plan.kind == ORDINARY:
        grade = rng.choices("ABCD", weights=(60, 37, 2.5, 0.5))[0]
    else:
        grade = rng.choices("AB", weights=(55, 45))[0]
    plan.housing = {
        "housing_grade": grade,
        "house_area": Decimal(50 + size * rng.randint(15, 30)),
        "water_safe": RT.WATER_UNSAFE not in plan.risks
        and (plan.kind != ORDINARY or rng.random() < 0.99),
        "electricity": True,
        "sanitary_toilet": rng.random() < 0.88,
        "road_hardened": rng.random() < 0.92,
        "distance_to_road_km": _tenths(rng, 0, 30),
        "arable_land_mu": _tenths(rng, 6 * size, 14 * size),
        "forest_land_mu": _tenths(rng, 5, 80, 0.6),
        "returned_farmland_mu": _tenths(rng, 5, 30, 0.2),
        "orchard_mu": _tenths(rng, 5, 40, 0.15),
        "pasture_mu": Decimal(0),
        "water_surface_mu": _tenths(rng, 2, 15, 0.02),
    }
    plan.military_family = rng.random() < 0.015


def build_household(
    rng: random.Random, *, quota: Quota, size: int, numbers: IdNumbers, phones: PhoneBook
) -> HouseholdPlan:
    """Draw one household of a quota in full: people, causes, risks, support, housing, income."""
    plan = HouseholdPlan(quota=quota, members=people.compose(rng, size=size))
    for person in plan.members:
        people.draw_health(rng, person, hardship=HARDSHIP[quota.kind])
    if plan.lifted_out:
        _draw_causes(rng, plan)
    if quota.category:
        _draw_risks(rng, plan)
    for person in plan.members:
        people.draw_schooling(rng, person)
    for person in plan.members:
        people.draw_labour(rng, person)
        people.draw_work(rng, person, migrant_rate=MIGRANT_RATE[quota.kind])
        people.draw_politics_and_ethnicity(rng, person)
    people.draw_names(rng, plan.members)
    for person in plan.members:
        person.id_number = numbers.issue(rng, birth=person.birth_date, sex=person.sex)
    _draw_support(rng, plan)
    _draw_phones(rng, plan, phones)
    _draw_housing(rng, plan)
    plan.incomes = incomes.draw(
        rng,
        plan.members,
        land=plan.housing,
        band=INCOME_BANDS[quota.kind],
        lifted_out=plan.lifted_out,
    )
    return plan
