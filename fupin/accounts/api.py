"""Account endpoints under /api/v1/accounts/, and the caller of an API request.

User management (账号管理) is for roles with `accounts.manage_users`: a list without it is
refused (403 `permission_denied`); an account outside what the caller manages answers 404
`not_found`, exactly like one that does not exist. Every write goes through its action
(capability, scope, the roles the caller may grant, validation, audit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from django.http import HttpRequest
from ninja import Query, Router, Status

from fupin.accounts import actions, selectors
from fupin.accounts.models import User
from fupin.accounts.roles import CAPABILITIES
from fupin.accounts.schemas import (
    ACCOUNT_READ_ERRORS,
    MeOut,
    OkOut,
    OwnPasswordIn,
    PasswordResetIn,
    PasswordResetOut,
    ReasonIn,
    TokenOut,
    TokensRevokedOut,
    UnitOut,
    UnitRefOut,
    UserCreatedOut,
    UserCreateIn,
    UserDetailOut,
    UserOut,
    UserPageOut,
    UserPatchIn,
    UserQuery,
)
from fupin.accounts.scope import registration_units
from fupin.core.schemas import WRITE_ERRORS

router = Router(tags=["accounts"])


def caller(request: HttpRequest) -> User:
    """The user the API's auth (session or bearer token) authenticated for this request."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/me", response=MeOut, url_name="accounts_me", summary="Who am I")
def me(request: HttpRequest) -> MeOut:
    """The caller's account: role, org unit and capabilities, so a client can build its menus."""
    user = caller(request)
    unit = user.org_unit
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=str(user.get_role_display()),
        unit=UnitRefOut(code=unit.code, name=unit.name) if unit else None,
        unit_kind=unit.kind if unit else "",
        capabilities=sorted(CAPABILITIES.get(user.role, frozenset())) if user.is_active else [],
    )


@router.post(
    "/me/password",
    response={200: OkOut, **WRITE_ERRORS},
    url_name="accounts_own_password_change",
    summary="Change my own password",
)
def own_password_change(request: HttpRequest, payload: OwnPasswordIn) -> object:
    """Change your own password; the current one is required (`wrong_password` otherwise) and
    the new one must pass the password rules (`weak_password`). A browser session stays
    logged in; other sessions of yours end."""
    user = caller(request)
    actions.password_change_own(
        user=user, old_password=payload.old_password, new_password=payload.new_password
    )
    if request.session.get(SESSION_KEY) == str(user.pk):  # logged in by this browser session
        update_session_auth_hash(request, user)
    return OkOut(ok=True)


@router.get(
    "/units",
    response=list[UnitOut],
    summary="Villages and groups I may register households in",
)
def unit_list(request: HttpRequest) -> list[UnitOut]:
    """The villages and village groups (村, 村民小组) where you may register a household, for the
    choices of a registration form: each with its code, name, kind and the code of its parent.
    Empty for a role that does not register households."""
    units = registration_units(caller(request)).select_related("parent").order_by("path")
    return [UnitOut.build(unit) for unit in units]


# ---- user management ----------------------------------------------------------------------


def _detail(user: User, viewer: User) -> UserDetailOut:
    tokens = list(selectors.user_tokens(user=user))
    base = UserOut.build(
        user, viewer=viewer, active_tokens=sum(1 for t in tokens if t.revoked_at is None)
    )
    return UserDetailOut(**base.model_dump(), tokens=[TokenOut.build(t) for t in tokens])


def _managed_write(
    request: HttpRequest, user_id: int, write: Callable[[User, User], object]
) -> UserDetailOut:
    """A change of an account the caller manages, answered with the account as it now stands."""
    actor = caller(request)
    write(actor, selectors.user_get(actor=actor, user_id=user_id))
    return _detail(selectors.user_get(actor=actor, user_id=user_id), actor)


@router.get(
    "/users",
    response={200: UserPageOut, **ACCOUNT_READ_ERRORS},
    summary="List the user accounts I manage",
)
def user_list(request: HttpRequest, query: Query[UserQuery]) -> object:
    """Accounts within your area of the roles you may grant, a page at a time, by unit.

    `q` finds part of a username or real name; `role`, `unit` (that unit and below) and
    `active` narrow the list. Phones are masked unless your role may see them.
    """
    user = caller(request)
    users = selectors.user_list(actor=user, filters=query.filters())
    return UserPageOut.of(users, query, lambda item: UserOut.build(item, viewer=user))


@router.post(
    "/users",
    response={201: UserCreatedOut, **WRITE_ERRORS},
    summary="Create a user account",
)
def user_create(request: HttpRequest, payload: UserCreateIn) -> object:
    """Create an account with a role you may grant at a unit within your area.

    Without `password` one is generated and answered in `generated_password`, this once.
    Refusals: `role_not_grantable`, `unit_outside_scope`, `role_unit_mismatch`,
    `duplicate_username`, `weak_password`, `invalid_phone` …
    """
    actor = caller(request)
    user, generated = actions.user_create(
        actor=actor,
        username=payload.username,
        display_name=payload.display_name,
        role=payload.role,
        unit_code=payload.unit,
        phone=payload.phone,
        password=payload.password,
    )
    base = UserOut.build(user, viewer=actor, active_tokens=0)
    return Status(201, UserCreatedOut(**base.model_dump(), generated_password=generated))


@router.get(
    "/users/{user_id}",
    response={200: UserDetailOut, **ACCOUNT_READ_ERRORS},
    summary="One user account with its API tokens",
)
def user_detail(request: HttpRequest, user_id: int) -> object:
    """An account you manage, with its API tokens (prefixes only)."""
    actor = caller(request)
    return _detail(selectors.user_get(actor=actor, user_id=user_id), actor)


@router.patch(
    "/users/{user_id}",
    response={200: UserDetailOut, **WRITE_ERRORS},
    summary="Change a user's name, phone, role or unit",
)
def user_update(request: HttpRequest, user_id: int, payload: UserPatchIn) -> object:
    """Change only the fields sent. Nobody changes their own role or unit
    (`cannot_change_own_role`), nor gives a role or unit beyond their own reach."""
    return _managed_write(
        request,
        user_id,
        lambda actor, user: actions.user_update(actor=actor, user=user, data=payload.changes()),
    )


@router.post(
    "/users/{user_id}/deactivate",
    response={200: UserDetailOut, **WRITE_ERRORS},
    summary="Deactivate a user account",
)
def user_deactivate(request: HttpRequest, user_id: int, payload: ReasonIn) -> object:
    """The user can no longer log in and their API tokens are revoked; the account is kept
    (nothing is ever deleted). You cannot deactivate yourself (`cannot_deactivate_self`)."""
    return _managed_write(
        request,
        user_id,
        lambda actor, user: actions.user_deactivate(actor=actor, user=user, reason=payload.reason),
    )


@router.post(
    "/users/{user_id}/reactivate",
    response={200: UserDetailOut, **WRITE_ERRORS},
    summary="Reactivate a deactivated user account",
)
def user_reactivate(request: HttpRequest, user_id: int, payload: ReasonIn) -> object:
    """The user may log in again; tokens revoked at deactivation stay revoked."""
    return _managed_write(
        request,
        user_id,
        lambda actor, user: actions.user_reactivate(actor=actor, user=user, reason=payload.reason),
    )


@router.post(
    "/users/{user_id}/password",
    response={200: PasswordResetOut, **WRITE_ERRORS},
    summary="Reset a user's password",
)
def user_reset_password(request: HttpRequest, user_id: int, payload: PasswordResetIn) -> object:
    """Set a new password, or leave `password` out to generate one (answered this once).
    The user's open sessions end. Your own password changes at `/me/password`."""
    actor = caller(request)
    user = selectors.user_get(actor=actor, user_id=user_id)
    generated = actions.user_reset_password(actor=actor, user=user, password=payload.password)
    return PasswordResetOut(username=user.username, generated_password=generated)


@router.delete(
    "/users/{user_id}/tokens",
    response={200: TokensRevokedOut, **WRITE_ERRORS},
    summary="Revoke all of a user's API tokens",
)
def user_revoke_tokens(request: HttpRequest, user_id: int) -> object:
    """Every live API token of the user stops working at once."""
    actor = caller(request)
    user = selectors.user_get(actor=actor, user_id=user_id)
    revoked = actions.user_revoke_tokens(actor=actor, user=user)
    return TokensRevokedOut(username=user.username, revoked=revoked)
