"""Yearly household income for the demo (2019, 2020, 2025), by the national items (POLICY.md §4).

The 2020 figures are built from the household itself (wages from who works and for how long,
farming from the land, pensions and 低保 from who receives them), then brought into the
per-capita band of the household's kind; 2019 and 2025 follow by plausible growth.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fupin.demo.people import Person

YEARS = (2019, 2020, 2025)
# Per-item growth from 2020: (low, high) factors drawn for each household.
GROWTH = {
    2019: {"wage": (0.85, 0.97), "business": (0.85, 1.0), "property": (0.9, 1.0),
           "transfer": (0.9, 0.98)},
    2025: {"wage": (1.25, 1.5), "business": (1.15, 1.4), "property": (1.0, 1.5),
           "transfer": (1.2, 1.45)},
}  # fmt: skip


def _transfers(rng: random.Random, members: Sequence[Person], land: dict[str, Any]) -> int:
    """转移性收入: pensions, 低保金, 特困供养金, disability subsidies, ecological compensation."""
    total = 0
    for person in members:
        if person.age >= 60 and person.resident_pension:
            total += rng.randint(1380, 1900)
        if person.age >= 60 and person.employee_pension:
            total += 12 * rng.randint(1500, 2500)
        if person.dibao:
            total += rng.randint(2400, 4200)
        if person.tekun:
            total += rng.randint(6000, 7800)
        if person.disability_grade in (1, 2):
            total += rng.randint(600, 1300)
    return total + int(land["returned_farmland_mu"] * 200 + land["forest_land_mu"] * 15)


def _earned(rng: random.Random, members: Sequence[Person], land: dict[str, Any]) -> tuple[int, int]:
    """(工资性收入, net 生产经营性收入) before the household is brought into its band."""
    wage = sum((p.work_months or 0) * p.monthly_wage for p in members)
    wage += sum((p.public_job_months or 0) * rng.randint(400, 800) for p in members)
    farming = int(land["arable_land_mu"] * rng.randint(500, 1200))
    livestock = rng.randint(500, 6000) if rng.random() < 0.6 else 0
    return wage, farming + livestock


def _income_2020(
    rng: random.Random,
    members: Sequence[Person],
    *,
    land: dict[str, Any],
    band: tuple[int, int],
    lifted_out: bool,
) -> dict[str, int]:
    size = len(members)
    transfer = _transfers(rng, members, land) + (rng.randint(0, 1000) if lifted_out else 0)
    if lifted_out:
        prop = rng.randint(100, 600)  # 集体经济分红
    else:
        prop = rng.randint(200, 3000) if rng.random() < 0.25 else 0
    wage, business_net = _earned(rng, members, land)
    low, high = band
    per_capita = (wage + business_net + transfer + prop) / size
    if not low <= per_capita <= high:
        target = (
            rng.uniform(low, low + (high - low) * 0.3)
            if per_capita < low
            else rng.uniform(high * 0.8, high)
        )
        need = max(round(target * size) - transfer - prop, 300 * size)
        earned = wage + business_net
        wage = round(wage * need / earned) if earned else 0
        business_net = need - wage
    expense_rate = rng.uniform(0.25, 0.45)
    business = round(business_net / (1 - expense_rate))
    return {
        "wage": wage,
        "business": business,
        "property": prop,
        "transfer": transfer,
        "business_expense": business - business_net,
    }


def _grown(rng: random.Random, base: dict[str, int], year: int) -> dict[str, int]:
    factors = {item: rng.uniform(*span) for item, span in GROWTH[year].items()}
    grown = {item: round(base[item] * factors[item]) for item in factors}
    # Expenses move with the business they belong to.
    grown["business_expense"] = round(base["business_expense"] * factors["business"])
    return grown


def _out_of_pocket(rng: random.Random, members: Sequence[Person]) -> dict[str, int]:
    """理赔收入 and 合规自付支出, recorded from 2021 on."""
    serious = any(p.health in ("患有大病", "残疾") for p in members)
    chronic = any(p.health == "长期慢性病" for p in members)
    insured = any(p.commercial_medical_insurance for p in members)
    spent = rng.randint(800, 9000) if serious else rng.randint(100, 1500) if chronic else 0
    claims = rng.randint(500, 3000) if serious and insured else 0
    return {"claims_income": claims, "compliant_out_of_pocket": spent}


def draw(
    rng: random.Random,
    members: Sequence[Person],
    *,
    land: dict[str, Any],
    band: tuple[int, int],
    lifted_out: bool,
) -> dict[int, dict[str, Decimal]]:
    """The income items for each of YEARS, in whole yuan."""
    base = _income_2020(rng, members, land=land, band=band, lifted_out=lifted_out)
    years = {2019: _grown(rng, base, 2019), 2020: base, 2025: _grown(rng, base, 2025)}
    years[2025].update(_out_of_pocket(rng, members))
    return {
        year: {item: Decimal(amount) for item, amount in items.items()}
        for year, items in years.items()
    }
