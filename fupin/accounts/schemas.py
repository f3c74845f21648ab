"""API shapes of accounts.

Outputs are built with the reader in hand: a user's phone is masked unless the reader's role
may see personal data (DESIGN non-negotiable 4). Passwords and token values never appear,
except a generated password in the one answer that created it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from fupin.accounts.models import ApiToken, OrgUnit, User
from fupin.accounts.roles import Role
from fupin.accounts.selectors import UserFilters, phone_for
from fupin.core.schemas import (
    READ_ERRORS,
    ErrorOut,
    InputSchema,
    PageOut,
    PageQuery,
)


class UnitRefOut(Schema):
    """An org unit as clients refer to it: its statistical code and its name."""

    code: str = Field(description="Statistical code (统计用区划代码) of the unit.")
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str = Field(description="Role code, e.g. village_cadre.")
    role_label: str = Field(description="The role's name in the request's language.")
    unit: UnitRefOut | None = Field(description="The org unit the user works at.")
    unit_kind: str = Field(description="county, township, village, department …")
    capabilities: list[str] = Field(
        description="What the role may do, e.g. registry.edit; clients show or hide actions by it."
    )


# The reads of user management also answer 403 to a role without `accounts.manage_users`.
ACCOUNT_READ_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, **READ_ERRORS}


# ---- units --------------------------------------------------------------------------------


class UnitOut(Schema):
    code: str = Field(description="Statistical code (统计用区划代码).")
    name: str
    kind: str = Field(description="village or group.")
    parent: str | None = Field(description="The statistical code of the unit above it.")

    @classmethod
    def build(cls, unit: OrgUnit) -> UnitOut:
        parent = unit.parent
        return cls(
            code=unit.code, name=unit.name, kind=unit.kind, parent=parent.code if parent else None
        )


# ---- users --------------------------------------------------------------------------------


class UserQuery(PageQuery):
    q: str = Field("", max_length=64, description="Part of the username or the real name.")
    role: str = Field("", description="Role code, e.g. village_cadre.")
    unit: str = Field("", description="Statistical code of a unit: users at it or below it.")
    active: bool | None = Field(None, description="true: active only; false: deactivated only.")

    def filters(self) -> UserFilters:
        return UserFilters(q=self.q, role=self.role, unit=self.unit, active=self.active)


class UserCreateIn(InputSchema):
    username: str = Field(max_length=150, description="Letters, digits and @ . + - _.")
    display_name: str = Field(max_length=64, description="The person's real name (姓名).")
    role: str = Field(description="A role you may grant, e.g. village_cadre.")
    unit: str = Field(description="Statistical code of a unit within your area.")
    phone: str = Field("", max_length=20)
    password: str | None = Field(
        None,
        max_length=128,
        description="The initial password; leave it out to have one generated (answered once).",
    )


class UserPatchIn(InputSchema):
    """Send only what changes."""

    display_name: str | None = Field(None, max_length=64)
    phone: str | None = Field(None, max_length=20)
    role: str | None = None
    unit: str | None = Field(None, description="Statistical code of a unit within your area.")

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.model_dump(exclude_unset=True).items()}


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=500, description="Why, for the audit log.")


class PasswordResetIn(InputSchema):
    password: str | None = Field(
        None, max_length=128, description="The new password; leave it out to generate one."
    )


class OwnPasswordIn(InputSchema):
    old_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class TokenOut(Schema):
    prefix: str = Field(description="The first 8 characters, to tell tokens apart.")
    label: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def build(cls, token: ApiToken) -> TokenOut:
        return cls(
            prefix=token.prefix,
            label=token.label,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit: UnitRefOut | None
    unit_kind: str
    phone: str = Field(description="Masked (138****5678) unless your role may see phones.")
    is_active: bool
    date_joined: dt.datetime
    last_login: dt.datetime | None
    active_tokens: int = Field(description="API tokens not revoked.")

    @classmethod
    def build(cls, user: User, *, viewer: User, active_tokens: int | None = None) -> UserOut:
        unit = user.org_unit
        if active_tokens is None:
            active_tokens = getattr(user, "active_tokens", None)
        if active_tokens is None:
            active_tokens = user.api_tokens.filter(revoked_at__isnull=True).count()
        return cls(
            id=user.pk,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            role_label=str(Role(user.role).label) if user.role in Role.values else user.role,
            unit=UnitRefOut(code=unit.code, name=unit.name) if unit else None,
            unit_kind=unit.kind if unit else "",
            phone=phone_for(viewer, user),
            is_active=user.is_active,
            date_joined=user.date_joined,
            last_login=user.last_login,
            active_tokens=active_tokens,
        )


class UserDetailOut(UserOut):
    tokens: list[TokenOut]


class UserCreatedOut(UserOut):
    generated_password: str | None = Field(
        description="The generated initial password, shown only in this answer; null if sent."
    )


class UserPageOut(PageOut):
    items: list[UserOut]


class PasswordResetOut(Schema):
    username: str
    generated_password: str | None = Field(
        description="The generated password, shown only in this answer; null if you set one."
    )


class TokensRevokedOut(Schema):
    username: str
    revoked: int = Field(description="How many live tokens were revoked.")


class OkOut(Schema):
    ok: bool
