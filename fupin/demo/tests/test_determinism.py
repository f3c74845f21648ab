"""Same seed, same township: names, ID numbers, 户编号 and incomes are reproducible."""

import hashlib

import pytest
from django.db import transaction

from fupin.demo.generator import DemoError, generate
from fupin.demo.households import EXACT_FROM, SEED_QUOTAS, quotas, sizes
from fupin.registry.models import Household, IncomeRecord, Member, Pairing

SMALL = 120


def fingerprint() -> str:
    """A digest of everything a person would recognise, leaving out database ids."""
    rows = [
        *Household.objects.order_by("national_number").values_list(
            "national_number", "group__code", "household_type", "monitoring_category",
            "main_cause", "housing_grade", "lifted_out_year", "monitoring_identified_on",
        ),
        *Member.objects.order_by("id_number").values_list(
            "id_number", "name", "relation", "household__national_number", "health",
            "labour_skill", "school_status", "phone",
        ),
        *IncomeRecord.objects.order_by("household__national_number", "year").values_list(
            "household__national_number", "year", "net_income", "per_capita_net_income"
        ),
        *Pairing.objects.order_by("household__national_number").values_list(
            "household__national_number", "helper__username", "start_on"
        ),
    ]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def seeded_fingerprint(*, seed: int, households: int = SMALL) -> str:
    """Load a small township, take its fingerprint, and roll it back."""
    with transaction.atomic():
        generate(seed=seed, households=households)
        digest = fingerprint()
        transaction.set_rollback(True)
    return digest


def test_the_same_seed_gives_identical_households_people_and_incomes(db):
    # when
    first = seeded_fingerprint(seed=7)
    second = seeded_fingerprint(seed=7)
    # then
    assert first == second
    assert Household.objects.count() == 0  # both runs were rolled back


def test_another_seed_gives_another_township(db):
    assert seeded_fingerprint(seed=7) != seeded_fingerprint(seed=8)


def test_a_small_township_scales_the_seed_figures_down_and_keeps_its_totals(db):
    # when
    summary = generate(seed=3, households=SMALL)
    # then
    assert Household.objects.count() == summary.households == SMALL
    assert Member.objects.count() == summary.people
    lifted_out = Household.objects.filter(household_type="脱贫户")
    expected = summary.by_type["脱贫户"]
    assert (lifted_out.count(), Member.objects.filter(household__in=lifted_out).count()) == (
        expected.households,
        expected.people,
    )
    assert 0 < expected.households < SMALL / 2


def test_the_seed_figures_are_exact_from_934_households_up():
    for total in (EXACT_FROM, 6250, 250_000):
        drawn = quotas(total)
        assert drawn[: len(SEED_QUOTAS)] == list(SEED_QUOTAS)
        assert sum(quota.households for quota in drawn) == total
    assert quotas(6250)[-1].people == 20_000 - 1375 - 152


def test_household_sizes_add_up_exactly_to_each_quota():
    import random

    rng = random.Random(1)
    for quota in [*quotas(6250), *quotas(50)]:
        drawn = sizes(rng, quota)
        assert len(drawn) == quota.households and sum(drawn) == quota.people
        assert min(drawn) >= 1 and max(drawn) <= 7


def test_a_township_below_the_minimum_size_is_refused(db):
    with pytest.raises(DemoError) as exc:
        generate(households=5)
    assert exc.value.code == "demo_too_small"
    assert Household.objects.count() == 0
