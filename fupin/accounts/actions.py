"""Writes on users and tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import ApiToken, OrgUnit, User, hash_token
from fupin.accounts.roles import UNIT_KINDS, Role
from fupin.core.errors import DomainError

TOKEN_PREFIX = "fp_"


@transaction.atomic
def user_add(
    *,
    actor: User | None,
    username: str,
    role: str,
    unit_code: str,
    password: str | None = None,
    display_name: str = "",
) -> User:
    """Add a user with a role at an org unit (账号管理)."""
    if role not in Role.values:
        raise DomainError(
            "unknown_role", _("Unknown role: %(role)s") % {"role": role}, field="role"
        )
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        raise DomainError(
            "unknown_unit", _("Unknown org unit code: %(code)s") % {"code": unit_code}
        )
    if unit.kind not in UNIT_KINDS[role]:
        raise DomainError(
            "role_unit_mismatch",
            _("This role cannot be attached to a unit of this kind."),
            field="unit",
        )
    if User.objects.filter(username=username).exists():
        raise DomainError("duplicate_username", _("This username is taken."), field="username")
    user = User(username=username, role=role, org_unit=unit, display_name=display_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action="user.add",
        target=user,
        org_unit=unit,
        changes={"role": [None, role], "org_unit": [None, unit.code]},
    )
    return user


@transaction.atomic
def token_create(*, actor: User | None, user: User, label: str = "") -> str:
    """Create an API token and return the raw value; only its hash is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token(raw), prefix=raw[:8], label=label
    )
    audit.record(actor=actor, action="token.create", target=token, subject=user)
    return raw


def token_authenticate(raw: str) -> User | None:
    """The active user behind a bearer token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
