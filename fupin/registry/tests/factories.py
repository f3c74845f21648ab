"""Households and members with valid synthetic ID numbers."""

import datetime as dt
import itertools

import factory

from fupin.core import ids
from fupin.registry.models import Household, IncomeRecord, Member

_sequence = itertools.count(1)


def id_number(birth: dt.date = dt.date(1980, 5, 17), *, male: bool = True) -> str:
    """A fresh valid number; the sequence digit's parity gives the sex."""
    while True:
        seq = next(_sequence) % 1000
        if (seq % 2 == 1) == male:
            return ids.make("500110", birth, seq) if seq else ids.make("500110", birth, 2)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    household_type = "脱贫户"
    national_number = factory.Sequence(lambda n: f"50011010320{n:07d}")
    address = "关坝镇"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("name", locale="zh_CN")
    relation = "户主"
    sex = "1"
    birth_date = dt.date(1980, 5, 17)
    id_number = factory.LazyAttribute(lambda m: id_number(m.birth_date, male=m.sex == "1"))
    labour_skill = "普通劳动力"
    resident_medical_insurance = True


class IncomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeRecord

    year = 2025
    wage = 20000
    household_size = 1
    net_income = 20000
    per_capita_net_income = 20000
