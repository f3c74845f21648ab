"""The demo's logins, one per role, and the helper cadre's pairings (结对帮扶)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from fupin.accounts.actions import user_add
from fupin.accounts.models import OrgUnit, User
from fupin.accounts.roles import Role
from fupin.registry import codes
from fupin.registry.models import Household, Pairing

DEMO_PASSWORD = "demo12345"
PAIRED_HOUSEHOLDS = 5
PAIRING_START = dt.date(2020, 1, 1)
HELPER_UNIT_NAME = "关坝镇人民政府"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str
    display_name: str


DEMO_LOGINS = (
    DemoLogin("admin", Role.SYSTEM_ADMIN, "500110", "系统管理员"),
    DemoLogin("township", Role.TOWNSHIP_OFFICER, "500110103", "刘建华"),
    DemoLogin("civil", Role.DEPARTMENT_STAFF, "500110103-MZ", "陈晓燕"),
    DemoLogin("cadre_a", Role.VILLAGE_CADRE, "500110103201", "罗德明"),
    DemoLogin("cadre_b", Role.VILLAGE_CADRE, "500110103202", "谭红梅"),
    DemoLogin("team_a", Role.WORK_TEAM, "500110103201", "杨立新"),
    DemoLogin("helper", Role.HELPER_CADRE, "500110103", "王志刚"),
    DemoLogin("leader", Role.LEADER, "500110103", "赵国平"),
    DemoLogin("county", Role.COUNTY_OFFICER, "500110", "何静"),
)


def create_users() -> dict[str, User]:
    """Add the demo logins through the accounts action (audited), all with DEMO_PASSWORD."""
    users = {
        login.username: user_add(
            actor=None,
            username=login.username,
            role=login.role,
            unit_code=login.unit_code,
            display_name=login.display_name,
        )
        for login in DEMO_LOGINS
    }
    # One hash for all: the password is public and the hasher is deliberately slow.
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return users


def pair_helper(rng: random.Random, *, helper: User, village: OrgUnit) -> list[Pairing]:
    """Pair the helper cadre with lifted-out households of the village (monitored ones first)."""
    households = Household.objects.filter(village=village).order_by("national_number")
    lifted_out = households.filter(household_type=codes.HouseholdType.LIFTED_OUT)
    monitored = list(lifted_out.exclude(monitoring_category=""))
    others = list(lifted_out.filter(monitoring_category="")) or list(households)
    chosen = monitored[:2]
    chosen += rng.sample(others, min(PAIRED_HOUSEHOLDS - len(chosen), len(others)))
    return Pairing.objects.bulk_create(
        Pairing(
            household=household,
            helper=helper,
            helper_unit_name=HELPER_UNIT_NAME,
            start_on=PAIRING_START,
        )
        for household in chosen
    )
