"""What the access walk (fupin/tests/test_access.py) needs of user management: an account of
凉风村 to open and change (with a phone and a live API token), a deactivated one to
reactivate, plausible bodies for the account writes, and the state of every account so a
change that should not happen shows up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fupin.accounts.actions import token_create
from fupin.accounts.models import ApiToken, OrgUnit, User
from fupin.accounts.tests.factories import UserFactory

# Routes where the caller changes nothing but their own account (their password): any
# signed-in role may use them, so the walk leaves the caller's own account out of "nothing
# changed" there.
OWN_ACCOUNT = {"api/v1/accounts/me/password", "accounts/password/"}
FACTORY_PASSWORD = "pass-word-123"
# The walk's personas whose role may not manage users (see fupin.accounts.roles).
NOT_MANAGERS = (
    "village_cadre_a",
    "work_team_a",
    "paired_helper",
    "leader",
    "department_staff",
    "county_officer",
)


@dataclass
class AccountsWorld:
    account: User  # a village cadre of 凉风村, with a phone and a live API token
    retired: User  # a deactivated work-team member of 凉风村

    def user_for(self, pattern: str) -> User:
        """The account a route is walked with: reactivation needs a deactivated one."""
        return self.retired if "reactivate" in pattern else self.account


def build_world(village: OrgUnit) -> AccountsWorld:
    account = UserFactory(
        username="walk_cadre", role="village_cadre", org_unit=village, phone="13600006666"
    )
    token_create(actor=None, user=account, label="walk")
    retired = UserFactory(username="walk_retired", role="work_team", org_unit=village)
    User.objects.filter(pk=retired.pk).update(is_active=False)
    retired.refresh_from_db()
    return AccountsWorld(account=account, retired=retired)


def plausible() -> dict[str, Any]:
    """Body values for the account writes: a new cadre of 凉风村, valid passwords, and the
    personas' own password (the factory's) as the old one."""
    return {
        "username": "walk_new",
        "display_name": "王新",
        "role": "village_cadre",
        "unit": "500110103201",
        "password": "Walk-pass-2025",
        "old_password": FACTORY_PASSWORD,
        "new_password": "Walk-pass-2026",
    }


def state(*, but: User | None = None) -> dict[str, Any]:
    """Every account and API token as it stands, leaving out `but`'s own."""
    users = User.objects.order_by("pk")
    tokens = ApiToken.objects.order_by("pk")
    if but is not None:
        users, tokens = users.exclude(pk=but.pk), tokens.exclude(user=but)
    return {
        "accounts": list(
            users.values(
                "pk", "password", "is_active", "role", "org_unit_id", "display_name", "phone"
            )
        ),
        "tokens": list(tokens.values("pk", "revoked_at")),
    }
