"""Roles and what each may do. The one table every permission check reads."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import PermissionDenied


class Role(models.TextChoices):
    TOWNSHIP_OFFICER = "township_officer", _("Township poverty-alleviation office")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    WORK_TEAM = "work_team", _("Resident work team")
    HELPER_CADRE = "helper_cadre", _("Helper cadre")
    LEADER = "leader", _("Leader")
    COUNTY_OFFICER = "county_officer", _("County office")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Capability(models.TextChoices):
    VIEW_REGISTRY = "registry.view", _("View households")
    VIEW_SENSITIVE = "registry.view_sensitive", _("See ID numbers, phones and health")
    EDIT_HOUSEHOLD = "registry.edit", _("Edit households, members and income")
    REGISTER_HOUSEHOLD = "registry.register", _("Register households")
    CHANGE_STATUS = "registry.change_status", _("Change household status")
    MANAGE_USERS = "accounts.manage_users", _("Manage users")
    VIEW_IMPORTS = "datahub.view", _("See department data imports")
    IMPORT_FEEDS = "datahub.import", _("Import department files")
    ROLLBACK_IMPORTS = "datahub.rollback", _("Roll back an import")


R, C = Role, Capability
_ALL_VIEW = {C.VIEW_REGISTRY}
_FIELD = {C.VIEW_REGISTRY, C.VIEW_SENSITIVE, C.EDIT_HOUSEHOLD, C.REGISTER_HOUSEHOLD}
# Department staff import only the feeds of their own department (fupin.datahub.feeds).
_IMPORTS = {C.VIEW_IMPORTS, C.IMPORT_FEEDS}

CAPABILITIES: dict[str, frozenset[str]] = {
    R.TOWNSHIP_OFFICER: frozenset(
        _FIELD | _IMPORTS | {C.CHANGE_STATUS, C.ROLLBACK_IMPORTS, C.MANAGE_USERS}
    ),
    R.DEPARTMENT_STAFF: frozenset(_ALL_VIEW | _IMPORTS),
    R.VILLAGE_CADRE: frozenset(_FIELD),
    R.WORK_TEAM: frozenset(_FIELD),
    R.HELPER_CADRE: frozenset({C.VIEW_REGISTRY, C.VIEW_SENSITIVE, C.EDIT_HOUSEHOLD}),
    R.LEADER: frozenset(_ALL_VIEW | {C.VIEW_IMPORTS}),
    R.COUNTY_OFFICER: frozenset(_FIELD | _IMPORTS | {C.CHANGE_STATUS}),
    R.SYSTEM_ADMIN: frozenset(set(Capability.values)),
}

# Which kind of org unit each role is attached to; checked when a user is added.
UNIT_KINDS: dict[str, frozenset[str]] = {
    R.TOWNSHIP_OFFICER: frozenset({"township"}),
    R.DEPARTMENT_STAFF: frozenset({"department"}),
    R.VILLAGE_CADRE: frozenset({"village"}),
    R.WORK_TEAM: frozenset({"village"}),
    R.HELPER_CADRE: frozenset({"township", "village", "department", "county"}),
    R.LEADER: frozenset({"township", "county", "city", "province"}),
    R.COUNTY_OFFICER: frozenset({"county"}),
    R.SYSTEM_ADMIN: frozenset({"province", "city", "county", "township"}),
}


# Which roles a holder of accounts.manage_users may give, and so whose accounts they manage,
# always within their own unit's subtree (docs/accounts.md, ADR 20). The township office
# looks after the people who work in its villages and pairings; a system administrator
# looks after every role whose unit lies in their subtree, their own level included.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    R.TOWNSHIP_OFFICER: frozenset({R.VILLAGE_CADRE, R.WORK_TEAM, R.HELPER_CADRE}),
    R.SYSTEM_ADMIN: frozenset(Role.values),
}


def grantable_roles(role: str) -> frozenset[str]:
    """The roles a user of `role` may give to others (empty for most roles)."""
    if not has_capability(role, Capability.MANAGE_USERS):
        return frozenset()
    return GRANTABLE_ROLES.get(role, frozenset())


def has_capability(role: str, capability: str) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())


def has_role(user: Any, roles: frozenset[str]) -> bool:
    """Whether `user` is signed in, active, and holds one of `roles` (for verbs an app lists as
    role sets rather than capabilities: screening's, the policy parameters')."""
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def require_role(user: Any, roles: frozenset[str]) -> None:
    """PermissionDenied unless `has_role`."""
    if not has_role(user, roles):
        raise PermissionDenied()
