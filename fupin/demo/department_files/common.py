"""What every demo department file needs: the registry's people, the catalogue of planted
problems (what each is and what catches it) and the record of what was planted."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fupin.core import ids
from fupin.registry import codes
from fupin.registry.models import Member, MemberStatus

TODAY = dt.date(2026, 9, 1)  # the demo's "now" (fupin.demo.people.REFERENCE_DAY)
SCREENING_DATE = TODAY  # screen the demo files as of this day: their windows end here
T = TypeVar("T")
REJECTED, DUPLICATE, UNMATCHED = "rejected", "duplicate", "unmatched"
# How a refusal is counted, by the names `fupin import --json` gives the counts.
REFUSED_COUNTS = {REJECTED: "rejected", DUPLICATE: "duplicates", UNMATCHED: "unmatched"}


@dataclass(frozen=True)
class Problem:
    """A kind of planted problem: how many, what it is, and what catches it.

    `caught_by` is how the import refuses the row (rejected, duplicate, unmatched), or the code
    of the standard rule pack's rule that finds it, or "" when no rule reads it yet.
    """

    count: int
    caught_by: str
    what: str

    @property
    def by_import(self) -> bool:
        return self.caught_by in (REJECTED, DUPLICATE, UNMATCHED)


# feed ▸ kind ▸ what is planted (when the township has enough people to plant it).
PROBLEMS: dict[str, dict[str, Problem]] = {
    "civil_affairs": {
        "dibao_not_flagged": Problem(
            6, "dibao_not_in_registry", "低保 paid to adults the registry does not flag as 低保"
        ),
        "not_in_registry": Problem(
            3, UNMATCHED, "ID numbers nobody in the registry has (the first: a member's namesake)"
        ),
    },
    "medical": {
        "big_bills_lifted_out": Problem(
            8, "inpatient_cost_lifted_out", "inpatient 合规自付 5,000–15,000 for members of 脱贫户"
        ),
        "big_bills_others": Problem(
            3, "inpatient_cost_other", "inpatient 合规自付 ≥ 20,000 for members of other households"
        ),
        "bad_checksum": Problem(2, REJECTED, "ID numbers with a wrong check character"),
        "bad_dates": Problem(2, REJECTED, "visit dates that do not exist (2026-02-30)"),
        "bad_amounts": Problem(2, REJECTED, "totals that are not amounts (一百二十元)"),
        "duplicate_rows": Problem(1, DUPLICATE, "a claim listed twice"),
    },
    "education": {
        "dropouts": Problem(4, "", "children aged 6–15 listed as 辍学"),
    },
    "police": {
        "deaths": Problem(5, "deceased_still_active", "deaths of active members (3 in 脱贫户)"),
        "moves_out": Problem(2, "", "active members moved out of the household register"),
    },
    "vehicles": {
        "vehicles_lifted_out": Problem(
            1, "vehicle_of_lifted_out_member", "a vehicle registered to a member of a 脱贫户"
        ),
    },
    "business": {
        "companies_lifted_out": Problem(
            1, "company_of_poor_member", "a business registered to a member of a 脱贫户"
        ),
    },
    "disability": {
        "disability_not_recorded": Problem(
            3,
            "disability_certificate_health_mismatch",
            "certificates of people the registry records as not disabled",
        ),
        "bad_checksum": Problem(1, REJECTED, "an ID number with a wrong check character"),
        "not_in_registry": Problem(
            1, UNMATCHED, "a name one character off a member's, same birth date, another ID number"
        ),
    },
    "housing": {
        "unsafe_house_registered_safe": Problem(
            3,
            "appraisal_unsafe_registry_safe",
            "C/D appraisals of houses the registry grades A or B",
        ),
        "bad_dates": Problem(1, REJECTED, "an appraisal date that does not exist (2026年2月30日)"),
    },
    "water": {
        "unsafe_water_registered_safe": Problem(
            3, "unsafe_water", "unsafe water found where the registry records safe water"
        ),
        "bad_yes_no": Problem(1, REJECTED, "是否饮水安全 written as 待查 (neither 是 nor 否)"),
    },
    "employment": {
        "wage_out_of_range": Problem(
            2, "wage_out_of_range", "务工 monthly wages below 100 or above 30,000"
        ),
        "bad_amounts": Problem(1, REJECTED, "a negative monthly wage"),
        "id_as_number": Problem(
            1, REJECTED, "an ID number Excel turned into a number (5.00110E+17)"
        ),
    },
    "agriculture": {
        "bad_amounts": Problem(1, REJECTED, "a refund entered as a negative subsidy"),
        "duplicate_rows": Problem(1, DUPLICATE, "a payment listed twice"),
        "total_row": Problem(1, REJECTED, "the 合计 line at the bottom (no ID number)"),
        "not_in_registry": Problem(
            1, UNMATCHED, "a name one character off a member's, same birth date, another ID number"
        ),
    },
}
PLANTED: dict[str, dict[str, int]] = {
    feed: {kind: problem.count for kind, problem in kinds.items()}
    for feed, kinds in PROBLEMS.items()
}


@dataclass
class Person:
    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    household_id: int
    village: str
    head: bool
    lifted_out: bool
    monitored: bool
    housing_grade: str
    water_safe: bool | None
    health: str
    disability_grade: int | None
    dibao: bool
    tekun: bool
    school_status: str
    work_place: str
    public_job: str
    employee_pension: bool

    @property
    def age(self) -> int:
        before = (TODAY.month, TODAY.day) < (self.birth_date.month, self.birth_date.day)
        return TODAY.year - self.birth_date.year - int(before)

    @property
    def key_household(self) -> bool:
        """A household the departments follow closely: 脱贫户 or under monitoring (edge too)."""
        return self.lifted_out or self.monitored


def registry_people() -> list[Person]:
    """The active members of the registry, by ID number (the order the files are drawn in)."""
    members = (
        Member.objects.filter(status=MemberStatus.ACTIVE)
        .select_related("household__village")
        .order_by("id_number")
    )
    return [
        Person(
            name=m.name,
            id_number=m.id_number,
            birth_date=m.birth_date,
            sex=m.sex,
            household_id=m.household_id,
            village=m.household.village.name,
            head=m.relation == codes.Relation.HEAD,
            lifted_out=m.household.household_type == codes.HouseholdType.LIFTED_OUT,
            monitored=bool(m.household.monitoring_category),
            housing_grade=m.household.housing_grade,
            water_safe=m.household.water_safe,
            health=m.health,
            disability_grade=m.disability_grade,
            dibao=m.dibao,
            tekun=m.tekun,
            school_status=m.school_status,
            work_place=m.work_place,
            public_job=m.public_job,
            employee_pension=m.employee_pension,
        )
        for m in members
    ]


@dataclass
class Planted:
    """What was planted, file by file: feed ▸ the file and its problems with the people."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def file(self, feed: str, name: str, layout: str) -> None:
        problems: dict[str, list[dict[str, Any]]] = {kind: [] for kind in PROBLEMS[feed]}
        self.files[feed] = {"file": name, "layout": layout, "problems": problems}

    def add(self, feed: str, kind: str, **facts: Any) -> None:
        self.files[feed]["problems"][kind].append(facts)

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            feed: {kind: len(found) for kind, found in entry["problems"].items()}
            for feed, entry in self.files.items()
        }

    def as_json(self, seed: int) -> dict[str, Any]:
        files = {}
        for feed, entry in self.files.items():
            refused = dict.fromkeys(REFUSED_COUNTS.values(), 0)
            caught: dict[str, dict[str, Any]] = {}
            for kind, found in entry["problems"].items():
                problem = PROBLEMS[feed][kind]
                if problem.by_import:
                    refused[REFUSED_COUNTS[problem.caught_by]] += len(found)
                caught[kind] = {
                    "what": problem.what,
                    "caught_by": problem.caught_by or None,
                    "count": len(found),
                    "rows": found,
                }
            files[feed] = {**entry, "problems": caught, "refused_by_import": refused}
        return {"seed": seed, "screening_date": SCREENING_DATE.isoformat(), "files": files}


# ---- helpers ------------------------------------------------------------------------------


def pick(rng: random.Random, pool: list[T], count: int) -> list[T]:
    """`count` of the pool at random (all of it if it is smaller)."""
    return rng.sample(pool, min(count, len(pool)))


def stranger(rng: random.Random, known: set[str], birth: dt.date, sex: str = "") -> str:
    """A valid ID number born on `birth` (of `sex`, if given: the 17th digit is odd for men)
    that nobody in `known` has (added to it)."""
    while True:
        sequence = rng.randint(500, 999)
        if sex:
            sequence = sequence // 2 * 2 + (1 if sex == codes.Sex.MALE else 0)
        number = ids.make("500110", birth, sequence)
        if number not in known:
            known.add(number)
            return number


def bad_checksum(number: str) -> str:
    wrong = next(c for c in "0123456789" if c != number[17])
    return number[:17] + wrong


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


# Given-name characters of fupin.demo.names and a character read the same way: how a name is
# miswritten when a clerk types what was said.
HOMOPHONES = dict(
    zip(
        "明华英芳军伟丽平林梅红兰珍玉勇涛斌刚鹏杰俊峰东辉静燕霞敏娟婷玲萍慧琼宇轩浩航阳鑫怡琪悦瑶",
        "铭桦瑛方君玮莉萍琳玫宏岚贞钰永韬彬钢朋洁峻锋冬晖靖艳侠闵鹃庭铃平惠穹雨宣皓杭洋欣宜琦月遥",
        strict=True,
    )
)


def near_namesake(
    rng: random.Random, people: list[Person], known: set[str]
) -> tuple[str, str, Person] | None:
    """(name, ID number, member): a name one character off an adult member's, with the
    member's birth date and an ID number nobody has — the import lists the member as a
    candidate (same birth date). None if no member's name can be miswritten so."""
    pool = [p for p in people if p.age >= 18 and p.name[-1] in HOMOPHONES]
    if not pool:
        return None
    member = rng.choice(pool)
    name = member.name[:-1] + HOMOPHONES[member.name[-1]]
    return name, stranger(rng, known, member.birth_date, member.sex), member
