"""Who may read and set policy parameters. The numbers are public policy, not personal data:
every signed-in role reads them; the county office and the system administrator set a site's
own values (a township office follows the county's)."""

from __future__ import annotations

from fupin.accounts.models import User
from fupin.accounts.roles import Role
from fupin.core.errors import PermissionDenied

EDIT_ROLES = frozenset({Role.COUNTY_OFFICER, Role.SYSTEM_ADMIN})


def may(user: User, roles: frozenset[str]) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def require(user: User, roles: frozenset[str]) -> None:
    if not may(user, roles):
        raise PermissionDenied()
