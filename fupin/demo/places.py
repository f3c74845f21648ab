"""The demo's org tree: 重庆市 ▸ 綦江区 ▸ 关坝镇 ▸ villages ▸ groups, and the departments."""

from __future__ import annotations

import random
from dataclasses import dataclass

from fupin.accounts.models import OrgUnit, OrgUnitKind

PROVINCE = ("500000", "重庆市")
COUNTY = ("500110", "綦江区")
TOWNSHIP = ("500110103", "关坝镇")
# 凉风村 is the one real village name we know (POLICY.md §7); the others are plainly synthetic.
VILLAGE_NAMES = ("凉风村", "示范一村", "示范二村", "示范三村", "示范四村", "示范五村", "示范六村",
                 "示范七村")  # fmt: skip
FIRST_VILLAGE_NUMBER = 201
GROUPS_PER_VILLAGE = (4, 8)
# Township departments (站所), with the suffix of their code.
DEPARTMENTS = (
    ("FP", "扶贫中心"), ("MZ", "民政办"), ("SB", "社保所"), ("GJ", "规建环保办"),
    ("NF", "农服中心"), ("CZ", "财政办"), ("JF", "经发办"), ("WF", "文服中心"),
    ("DZ", "党政办"), ("DQ", "党群办"), ("PA", "平安办"),
)  # fmt: skip


@dataclass
class Places:
    province: OrgUnit
    county: OrgUnit
    township: OrgUnit
    villages: list[OrgUnit]
    groups: list[list[OrgUnit]]  # per village, group n at index n - 1
    departments: dict[str, OrgUnit]  # by name


def demo_codes() -> list[str]:
    """The codes the demo creates above group level (to refuse a database that has them)."""
    township = TOWNSHIP[0]
    villages = [f"{township}{FIRST_VILLAGE_NUMBER + i}" for i in range(len(VILLAGE_NAMES))]
    departments = [f"{township}-{suffix}" for suffix, _name in DEPARTMENTS]
    return [PROVINCE[0], COUNTY[0], township, *villages, *departments]


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    return OrgUnit(
        code=code, name=name, kind=kind, parent=parent, path=OrgUnit.path_for(code, parent)
    )


def create_places(rng: random.Random) -> Places:
    """Write the org tree; each village gets 4–8 groups (1组, 2组 …)."""
    province = _unit(*PROVINCE, OrgUnitKind.PROVINCE, None)
    province.save()
    county = _unit(*COUNTY, OrgUnitKind.COUNTY, province)
    county.save()
    township = _unit(*TOWNSHIP, OrgUnitKind.TOWNSHIP, county)
    township.save()
    villages = OrgUnit.objects.bulk_create(
        [
            _unit(f"{township.code}{FIRST_VILLAGE_NUMBER + i}", name, OrgUnitKind.VILLAGE, township)
            for i, name in enumerate(VILLAGE_NAMES)
        ]
    )
    groups = [
        [
            _unit(f"{village.code}-{n:02d}", f"{n}组", OrgUnitKind.GROUP, village)
            for n in range(1, rng.randint(*GROUPS_PER_VILLAGE) + 1)
        ]
        for village in villages
    ]
    OrgUnit.objects.bulk_create([group for village_groups in groups for group in village_groups])
    departments = OrgUnit.objects.bulk_create(
        [
            _unit(f"{township.code}-{suffix}", name, OrgUnitKind.DEPARTMENT, township)
            for suffix, name in DEPARTMENTS
        ]
    )
    by_name = {unit.name: unit for unit in departments}
    return Places(province, county, township, villages, groups, by_name)
