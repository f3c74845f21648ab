"""The one place that says which org units a user's role reaches (denied by default)."""

from __future__ import annotations

from fupin.accounts.models import OrgUnit, OrgUnitKind, OrgUnitQuerySet, User
from fupin.accounts.roles import Capability, Role


def scope_root(user: User) -> OrgUnit | None:
    """The unit whose subtree the user may see, or None for no unit-wide access.

    Department staff work township-wide in their domain, so their scope is the township
    above their department. Helper cadres see only paired households (see registry).
    """
    if not user.is_authenticated or not user.is_active or user.org_unit_id is None:
        return None
    unit = user.org_unit
    if unit is None:
        return None
    if user.role == Role.HELPER_CADRE:
        return None
    if user.role == Role.DEPARTMENT_STAFF:
        return unit.parent if unit.kind == OrgUnitKind.DEPARTMENT else None
    if user.role in Role.values:
        return unit
    return None


def units_visible_to(user: User) -> OrgUnitQuerySet:
    root = scope_root(user)
    if root is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.subtree_of(root)


def villages_visible_to(user: User) -> OrgUnitQuerySet:
    return units_visible_to(user).villages()


def registration_units(user: User) -> OrgUnitQuerySet:
    """The villages and village groups the user may register households in (登记新户).

    The same scope as every read (`units_visible_to`), narrowed to the places a household
    lives in, and empty for a role without `registry.register`.
    """
    if not user.can(Capability.REGISTER_HOUSEHOLD):
        return OrgUnit.objects.none()
    return units_visible_to(user).filter(kind__in=(OrgUnitKind.VILLAGE, OrgUnitKind.GROUP))
