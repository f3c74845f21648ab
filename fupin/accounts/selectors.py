"""Reads of user accounts for the people who manage them (账号管理). Every function takes the
reader and returns only the accounts and units they may manage (denied by default)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import ApiToken, AuditEvent, OrgUnit, OrgUnitQuerySet, User
from fupin.accounts.roles import UNIT_KINDS, Capability, Role, grantable_roles
from fupin.accounts.scope import scope_root, units_visible_to
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.core.masking import mask_phone

USER_SUBJECT = "accounts.user"


@dataclass(frozen=True)
class UserFilters:
    q: str = ""  # part of the username or the real name
    role: str = ""  # a role code
    unit: str = ""  # a unit's statistical code: users at it or below it
    active: bool | None = None  # None: active and deactivated alike


def users_manageable_by(actor: User) -> QuerySet[User]:
    """The accounts an actor may see and change: of a role the actor may grant, at a unit
    within the actor's subtree. Empty for a role without `accounts.manage_users`."""
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    roles = grantable_roles(actor.role)
    root = scope_root(actor)
    if not roles or root is None:
        return User.objects.none()
    return User.objects.filter(org_unit__path__startswith=root.path, role__in=roles)


def assignable_units(actor: User) -> OrgUnitQuerySet:
    """The units within the actor's subtree that can hold a role the actor may grant."""
    root = scope_root(actor) if actor.is_authenticated else None
    kinds = {kind for role in grantable_roles(actor.role) for kind in UNIT_KINDS[role]}
    if root is None or not kinds or not actor.is_active:
        return OrgUnit.objects.none()
    return OrgUnit.objects.subtree_of(root).filter(kind__in=kinds)


def require_manager(actor: User) -> None:
    if not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied(_("Your role may not manage user accounts."))


def user_list(*, actor: User, filters: UserFilters) -> QuerySet[User]:
    """账号列表: the accounts the actor manages, filtered, with their unit and live tokens."""
    require_manager(actor)
    users = users_manageable_by(actor)
    if filters.q.strip():
        term = filters.q.strip()
        users = users.filter(Q(username__icontains=term) | Q(display_name__icontains=term))
    if filters.role:
        if filters.role not in Role.values:
            raise DomainError(
                "unknown_role",
                _("Unknown role: %(role)s") % {"role": filters.role},
                field="role",
            )
        users = users.filter(role=filters.role)
    if filters.unit:
        unit = units_visible_to(actor).filter(code=filters.unit).first()
        if unit is None:
            raise DomainError("unknown_unit", _("Choose a unit within your area."), field="unit")
        users = users.filter(org_unit__path__startswith=unit.path)
    if filters.active is not None:
        users = users.filter(is_active=filters.active)
    return (
        users.select_related("org_unit")
        .annotate(active_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True)))
        .order_by("org_unit__path", "username")
    )


def user_get(*, actor: User, user_id: int) -> User:
    """One account the actor manages; any other answers not found, as if it did not exist."""
    user = users_manageable_by(actor).select_related("org_unit").filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def user_tokens(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (only their 8-character prefix is ever shown)."""
    return user.api_tokens.order_by("-created_at", "-pk")


def user_history(*, user: User) -> QuerySet[AuditEvent]:
    """What was done to the account, by whom and when, newest first."""
    return AuditEvent.objects.filter(
        subject_type=USER_SUBJECT, subject_id=str(user.pk)
    ).select_related("actor")


def can_see_phone(viewer: User) -> bool:
    return viewer.can(Capability.VIEW_SENSITIVE)


def phone_for(viewer: User, user: User) -> str:
    """A user's phone as the viewer may see it: whole for themselves and for roles that may
    see personal data, masked otherwise."""
    if viewer.pk == user.pk or can_see_phone(viewer):
        return user.phone
    return mask_phone(user.phone)
