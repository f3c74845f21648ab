"""Synthetic people: who lives in a household, and their age, schooling, health and work.

Everything is drawn from the generator's `random.Random`, in a fixed order, so one seed
always gives the same people.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from fupin.core import ids
from fupin.demo import names
from fupin.registry import codes

# Ages, school stages and working capacity are as of this day: the start of the school year
# 2026/27. A fixed day (not "today") keeps the data identical from one run to the next.
REFERENCE_DAY = dt.date(2026, 9, 1)
COUNTY_CODE = "500110"  # 綦江区 since 2011
OLD_COUNTY_CODE = "500222"  # the former 綦江县, still in older people's ID numbers
MIGRANT_PLACES = (
    "重庆市九龙坡区", "重庆市渝北区", "重庆市江北区", "广东省东莞市", "广东省深圳市",
    "浙江省宁波市", "福建省厦门市", "江苏省苏州市", "四川省成都市",
)  # fmt: skip
LOCAL_PLACES = ("綦江区", "万盛经开区", "关坝镇")
PHONE_PREFIXES = ("133", "135", "136", "138", "139", "150", "151", "157", "158", "177", "180",
                  "181", "183", "187", "189", "199")  # fmt: skip

S, R, E, SS, H, L = (
    codes.Sex,
    codes.Relation,
    codes.Education,
    codes.SchoolStatus,
    codes.Health,
    codes.LabourSkill,
)
STUDENT_STATUSES = frozenset(
    {
        SS.PRIMARY,
        SS.JUNIOR,
        SS.SENIOR,
        SS.VOCATIONAL,
        SS.HIGHER_VOCATIONAL,
        SS.UNDERGRADUATE,
        SS.HOME_TEACHING,
    }
)


@dataclass
class Person:
    """One synthetic member, with the fields of the national collection form."""

    relation: str
    sex: str
    age: int
    surname: str = ""
    name: str = ""
    birth_date: dt.date = REFERENCE_DAY
    id_number: str = ""
    ethnicity: str = "汉族"
    political_status: str = ""
    education: str = ""
    school_status: str = ""
    health: str = H.HEALTHY
    disability_grade: int | None = None
    labour_skill: str = ""
    work_place: str = ""
    work_months: int | None = None
    monthly_wage: int = 0  # not stored: it drives the household's wage income
    resident_medical_insurance: bool = False
    employee_medical_insurance: bool = False
    critical_illness_insurance: bool = False
    commercial_medical_insurance: bool = False
    medical_assistance: bool = False
    resident_pension: bool = False
    employee_pension: bool = False
    dibao: bool = False
    tekun: bool = False
    public_job: str = ""
    public_job_months: int | None = None
    phone: str = ""

    @property
    def student(self) -> bool:
        return self.school_status in STUDENT_STATUSES

    @property
    def can_work(self) -> bool:
        return self.labour_skill in codes.WORKING_CAPACITY

    @property
    def insured(self) -> bool:
        return self.resident_medical_insurance or self.employee_medical_insurance


def _other(sex: str) -> str:
    return S.FEMALE if sex == S.MALE else S.MALE


def _sex(rng: random.Random) -> str:
    return S.MALE if rng.random() < 0.51 else S.FEMALE


# ---- who lives together -------------------------------------------------------------------


def _head_age(rng: random.Random, *, size: int) -> int:
    if size == 1:
        return rng.randint(45, 88)
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(27, 34)
    return rng.randint(35, 75) if roll < 0.93 else rng.randint(76, 86)


def _child(rng: random.Random, parent_age: int) -> Person:
    sex = _sex(rng)
    age = rng.randint(max(0, parent_age - 40), max(0, parent_age - 22))
    return Person(R.SON if sex == S.MALE else R.DAUGHTER, sex, age)


def _grandchildren(rng: random.Random, parent: Person, count: int) -> list[Person]:
    via_son = parent.sex == S.MALE
    out = []
    for _ in range(count):
        sex = _sex(rng)
        if via_son:
            relation = R.GRANDSON if sex == S.MALE else R.GRANDDAUGHTER
        else:
            relation = R.GRANDSON_DAUGHTERS if sex == S.MALE else R.GRANDDAUGHTER_DAUGHTERS
        age = rng.randint(max(0, parent.age - 40), max(0, parent.age - 20))
        out.append(Person(relation, sex, age))
    return out


def _descendants(rng: random.Random, head_age: int, count: int) -> list[Person]:
    """Children; an adult child may bring a spouse and their children (三代同堂)."""
    n_children = count if head_age < 48 else min(count, rng.choice((1, 1, 2, 2, 3)))
    children = [_child(rng, head_age) for _ in range(n_children)]
    left = count - n_children
    # A son usually stays with his parents; a son-in-law moves in (上门) only where there is none.
    adults = sorted((c for c in children if c.age >= 23), key=lambda c: c.sex != S.MALE)
    married = adults[0] if adults else None
    if married is not None and married.sex == S.FEMALE and rng.random() < 0.6:
        married = None
    if not left or married is None:
        return children + [_child(rng, head_age) for _ in range(left)]
    in_law_sex = _other(married.sex)
    in_law = Person(
        R.DAUGHTER_IN_LAW if married.sex == S.MALE else R.SON_IN_LAW,
        in_law_sex,
        max(20, married.age + rng.randint(-3, 3)),
    )
    return [*children, in_law, *_grandchildren(rng, married, left - 1)]


def compose(rng: random.Random, *, size: int) -> list[Person]:
    """The relations, sexes and ages of a household of `size`, the head first."""
    head = Person(R.HEAD, S.MALE if rng.random() < 0.88 else S.FEMALE, _head_age(rng, size=size))
    people = [head]
    if size > 1 and rng.random() < (0.9 if head.age < 70 else 0.7):
        gap = rng.randint(-2, 6)
        age = head.age - gap if head.sex == S.MALE else head.age + gap
        people.append(Person(R.SPOUSE, _other(head.sex), max(22, age)))
    left = size - len(people)
    if left >= 2 and head.age <= 62 and rng.random() < 0.4:
        parents = [(R.FATHER, S.MALE), (R.MOTHER, S.FEMALE)]
        for relation, sex in rng.sample(parents, rng.choice((1, 2))):
            people.append(Person(relation, sex, min(95, head.age + rng.randint(22, 32))))
        left = size - len(people)
    return people + _descendants(rng, head.age, left)


# ---- health, schooling and work -----------------------------------------------------------


def draw_health(rng: random.Random, person: Person, *, hardship: float) -> None:
    band = 0 if person.age < 40 else 1 if person.age < 60 else 2
    disabled = (0.008, 0.02, 0.035)[band] * hardship
    serious = (0.004, 0.012, 0.025)[band] * hardship
    chronic = (0.02, 0.07, 0.18)[band] * hardship
    roll = rng.random()
    if roll < disabled:
        make_disabled(rng, person)
    elif roll < disabled + serious:
        person.health = H.SERIOUS
    elif roll < disabled + serious + chronic:
        person.health = H.CHRONIC


def make_disabled(rng: random.Random, person: Person) -> None:
    person.health = H.DISABLED
    person.disability_grade = rng.choices((1, 2, 3, 4), weights=(1, 2, 3, 4))[0]


def make_ill(rng: random.Random, person: Person) -> None:
    person.health = H.SERIOUS if rng.random() < 0.5 else H.CHRONIC
    person.disability_grade = None


def _adult_education(rng: random.Random, birth_year: int) -> str:
    levels = (E.ILLITERATE, E.PRIMARY, E.JUNIOR, E.SENIOR, E.VOCATIONAL, E.COLLEGE)
    if birth_year < 1950:
        weights: tuple[int, ...] = (45, 45, 10, 0, 0, 0)
    elif birth_year < 1965:
        weights = (20, 50, 25, 5, 0, 0)
    elif birth_year < 1980:
        weights = (3, 35, 50, 8, 4, 0)
    elif birth_year < 1995:
        weights = (0, 10, 55, 15, 12, 8)
    else:
        weights = (0, 2, 33, 20, 25, 20)
    return rng.choices(levels, weights=weights)[0]


def _compulsory_stage(rng: random.Random, person: Person) -> tuple[str, str]:
    """School stage for ages 6–15 (义务教育); 15-year-olds are finishing or just past 九年级."""
    if person.disability_grade in (1, 2) and rng.random() < 0.5:
        return SS.HOME_TEACHING, E.PRIMARY if person.age < 12 else E.JUNIOR
    if person.age <= 11:
        return SS.PRIMARY, E.PRIMARY
    if person.age <= 14 or rng.random() < 0.3:
        return SS.JUNIOR, E.JUNIOR
    return (SS.SENIOR, E.SENIOR) if rng.random() < 0.65 else (SS.VOCATIONAL, E.VOCATIONAL)


def draw_schooling(rng: random.Random, person: Person) -> None:
    """School status and education matching the age (POLICY.md §2: no dropouts aged 6–15)."""
    age = person.age
    if age < 6:
        stage = SS.PRESCHOOL if age >= 3 else SS.NOT_IN_SCHOOL
        person.school_status, person.education = stage, E.PRESCHOOL
    elif age <= 15:
        person.school_status, person.education = _compulsory_stage(rng, person)
    elif age <= 18 and rng.random() < 0.75:
        person.school_status, person.education = rng.choice(
            ((SS.SENIOR, E.SENIOR), (SS.SENIOR, E.SENIOR), (SS.VOCATIONAL, E.VOCATIONAL))
        )
    elif 19 <= age <= 22 and rng.random() < 0.35:
        person.school_status = rng.choice((SS.HIGHER_VOCATIONAL, SS.UNDERGRADUATE))
        person.education = E.COLLEGE
    else:
        person.school_status = SS.NOT_IN_SCHOOL
        person.education = _adult_education(rng, REFERENCE_DAY.year - age)


def draw_labour(rng: random.Random, person: Person) -> None:
    """Working capacity consistent with age and health (under 16 and students: none)."""
    age, health = person.age, person.health
    if age < 16 or person.student:
        skill = L.NONE
    elif health == H.DISABLED:
        skill = L.LOST if person.disability_grade in (1, 2) else L.WEAK
    elif health == H.SERIOUS:
        skill = L.LOST if age >= 60 or rng.random() < 0.4 else L.WEAK
    elif age >= 75:
        skill = L.LOST if rng.random() < 0.8 else L.WEAK
    elif age >= 65:
        skill = rng.choices((L.WEAK, L.LOST, L.ORDINARY), weights=(70, 15, 15))[0]
    elif age >= 60 or health == H.CHRONIC:
        skill = L.WEAK if rng.random() < 0.5 else L.ORDINARY
    else:
        skill = L.SKILLED if rng.random() < 0.18 else L.ORDINARY
    person.labour_skill = skill


def draw_work(rng: random.Random, person: Person, *, migrant_rate: float) -> None:
    """Where a working-age person with capacity works, for how long and for what monthly pay."""
    if not person.can_work or not 16 <= person.age < 65:
        return
    rate = migrant_rate if person.labour_skill != L.WEAK else migrant_rate / 4
    roll = rng.random()
    if roll < rate:
        person.work_place = rng.choice(MIGRANT_PLACES)
        person.work_months = rng.randint(6, 12)
        person.monthly_wage = rng.randint(3000, 5500)
    elif roll < rate + 0.2:
        person.work_place = rng.choice(LOCAL_PLACES)
        person.work_months = rng.randint(3, 10)
        person.monthly_wage = rng.randint(1800, 3200)


def draw_politics_and_ethnicity(rng: random.Random, person: Person) -> None:
    if person.age >= 18 and rng.random() < (0.04 if person.age < 50 else 0.07):
        person.political_status = codes.PoliticalStatus.PARTY_MEMBER
    elif 14 <= person.age <= 28 and rng.random() < 0.3:
        person.political_status = codes.PoliticalStatus.LEAGUE_MEMBER
    else:
        person.political_status = codes.PoliticalStatus.MASSES
    person.ethnicity = rng.choices(("汉族", "土家族", "苗族"), weights=(96, 2.5, 1.5))[0]


# ---- names and numbers --------------------------------------------------------------------


def birth_date_for(rng: random.Random, age: int) -> dt.date:
    """A birth date giving exactly `age` full years on REFERENCE_DAY."""
    last_birthday_limit = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - age)
    return last_birthday_limit - dt.timedelta(days=rng.randrange(365))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - int((day.month, day.day) < (birth.month, birth.day))


def draw_names(rng: random.Random, people: list[Person]) -> None:
    """Surnames along the family line: children take the father's, in-laws bring their own."""
    head = people[0]
    children_surname = names.surname(rng)
    head.surname = children_surname if head.sex == S.MALE else names.surname(rng)
    in_law_surname = names.surname(rng)
    by_relation: dict[str, str | None] = {
        R.SPOUSE: children_surname if head.sex == S.FEMALE else None,
        R.SON: children_surname,
        R.DAUGHTER: children_surname,
        R.GRANDSON: children_surname,
        R.GRANDDAUGHTER: children_surname,
        R.FATHER: head.surname,
        R.SON_IN_LAW: in_law_surname,
        R.GRANDSON_DAUGHTERS: in_law_surname,
        R.GRANDDAUGHTER_DAUGHTERS: in_law_surname,
    }
    for person in people:
        if person is not head:
            person.surname = by_relation.get(person.relation) or names.surname(rng)
        person.birth_date = birth_date_for(rng, person.age)
        person.name = names.full_name(
            rng, family_name=person.surname, sex=person.sex, birth_year=person.birth_date.year
        )


class IdNumbers:
    """Issues unique synthetic ID numbers with valid check characters (GB 11643-1999)."""

    def __init__(self) -> None:
        self.issued: set[str] = set()

    def issue(self, rng: random.Random, *, birth: dt.date, sex: str) -> str:
        old = birth.year < 2011 and rng.random() < 0.3
        address = OLD_COUNTY_CODE if old else COUNTY_CODE
        while True:
            # The 17th digit is odd for men and even for women; 000 is never issued.
            odd, even = rng.randrange(500) * 2 + 1, rng.randrange(1, 500) * 2
            sequence = odd if sex == S.MALE else even
            number = ids.make(address, birth, sequence)
            if number not in self.issued:
                self.issued.add(number)
                return number


class PhoneBook:
    """Issues unique synthetic mobile numbers (one phone is never shared by two households)."""

    def __init__(self) -> None:
        self.issued: set[str] = set()

    def issue(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number not in self.issued:
                self.issued.add(number)
                return number
