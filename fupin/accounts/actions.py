"""Writes on users and tokens: one function per use case, each checking the actor's right to
manage the account, writing, and recording an audit event (who, when, old → new)."""

from __future__ import annotations

import re
import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fupin.accounts import audit
from fupin.accounts.models import ApiToken, OrgUnit, User, hash_token
from fupin.accounts.roles import UNIT_KINDS, Role, grantable_roles
from fupin.accounts.selectors import assignable_units, require_manager, users_manageable_by
from fupin.core.errors import DomainError, NotFound, PermissionDenied

TOKEN_PREFIX = "fp_"
# A mobile number, or a landline with its area code (the same rule as a household's phone).
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
NAME_MAX_LENGTH = 64
# Generated passwords: no 0/O, 1/l/I, so they can be read out over the phone.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
GENERATED_PASSWORD_LENGTH = 12
EDITABLE = ("display_name", "phone", "role", "unit")


# ---- checks -------------------------------------------------------------------------------


def _check_role(actor: User | None, role: str) -> str:
    if role not in Role.values:
        raise DomainError(
            "unknown_role", _("Unknown role: %(role)s") % {"role": role}, field="role"
        )
    if actor is not None and role not in grantable_roles(actor.role):
        raise DomainError(
            "role_not_grantable",
            _("You may not give the role “%(role)s”.") % {"role": Role(role).label},
            field="role",
            status=403,
        )
    return role


def _check_unit(actor: User | None, code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=(code or "").strip()).first()
    if unit is None:
        raise DomainError(
            "unknown_unit", _("Unknown org unit code: %(code)s") % {"code": code}, field="unit"
        )
    if actor is not None and not assignable_units(actor).filter(pk=unit.pk).exists():
        raise DomainError(
            "unit_outside_scope",
            _("You may only place users in units within your own area."),
            field="unit",
            status=403,
        )
    return unit


def _check_role_fits_unit(role: str, unit: OrgUnit) -> None:
    if unit.kind not in UNIT_KINDS[role]:
        raise DomainError(
            "role_unit_mismatch",
            _("This role cannot be attached to a unit of this kind."),
            field="unit",
        )


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise DomainError("required", _("Enter a username."), field="username")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError:
        raise DomainError(
            "invalid_username",
            _("A username has at most 150 letters, digits and @ . + - _ characters."),
            field="username",
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("duplicate_username", _("This username is taken."), field="username")
    return username


def _check_display_name(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError("required", _("Enter the person's real name."), field="display_name")
    if len(value) > NAME_MAX_LENGTH:
        raise DomainError(
            "too_long",
            _("A name has at most %(count)s characters.") % {"count": NAME_MAX_LENGTH},
            field="display_name",
        )
    return value


def _check_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not PHONE.match(value):
        raise DomainError(
            "invalid_phone",
            _("Enter an 11-digit mobile number or a landline such as 023-48612345."),
            field="phone",
        )
    return value


def _check_password(password: str, user: User, *, field: str) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), in the user's words."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        message = " ".join(_password_problem(error) for error in exc.error_list)
        raise DomainError("weak_password", message, field=field) from None


def _password_problem(error: ValidationError) -> str:
    # Django 5.2's catalogs miss the Chinese of the too-short message (its msgid changed).
    if error.code == "password_too_short" and error.params:
        count = error.params["min_length"]
        return ngettext(
            "The password is too short: it needs at least %(count)d character.",
            "The password is too short: it needs at least %(count)d characters.",
            count,
        ) % {"count": count}
    return " ".join(error.messages)


def generate_password(user: User) -> str:
    """A random password that passes the validators: letters and digits, read-aloud safe."""
    while True:
        candidate = "".join(
            secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH)
        )
        if not (any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate)):
            continue
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


def _lock(actor: User, user: User) -> User:
    """Re-read the account under lock, through the actor's scope; refuse if it is not theirs."""
    require_manager(actor)
    locked = (
        users_manageable_by(actor)
        .select_for_update(of=("self",))
        .select_related("org_unit")
        .filter(pk=user.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _snapshot(user: User) -> dict[str, object]:
    unit = user.org_unit
    return {
        "display_name": user.display_name,
        "phone": user.phone,
        "role": user.role,
        "org_unit": unit.code if unit else None,
    }


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# ---- adding accounts ----------------------------------------------------------------------


@transaction.atomic
def user_add(
    *,
    actor: User | None,
    username: str,
    role: str,
    unit_code: str,
    password: str | None = None,
    display_name: str = "",
    phone: str = "",
    password_change_required: bool = False,
) -> User:
    """Add a user with a role at an org unit (账号管理).

    With an actor, the actor must manage users, may give only a role they may grant, at a
    unit within their own area, and must give the person's real name. Without one (the
    `fupin users add` command, the demo), any role may be placed at any unit of its kind.
    Without a password the account cannot log in until one is set.
    """
    if actor is not None:
        require_manager(actor)
    username = _check_username(username)
    role = _check_role(actor, role)
    unit = _check_unit(actor, unit_code)
    _check_role_fits_unit(role, unit)
    display_name = _check_display_name(display_name, required=actor is not None)
    user = User(
        username=username,
        role=role,
        org_unit=unit,
        display_name=display_name,
        phone=_check_phone(phone),
        password_change_required=password_change_required,
    )
    if password:
        _check_password(password, user, field="password")
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():  # a savepoint: the same name added at the same moment
            user.save()
    except IntegrityError:
        raise DomainError(
            "duplicate_username", _("This username is taken."), field="username"
        ) from None
    audit.record(
        actor=actor,
        action="user.add",
        target=user,
        org_unit=unit,
        changes={field: [None, value] for field, value in _snapshot(user).items() if value},
    )
    return user


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    display_name: str,
    role: str,
    unit_code: str,
    phone: str = "",
    password: str | None = None,
) -> tuple[User, str | None]:
    """新增账号 from the user-management page or API. Without a password one is generated;
    it is returned (to be shown once) and never stored in clear, and the user must change it
    at their first login."""
    require_manager(actor)
    generated = None
    if not password:
        generated = generate_password(User(username=username, display_name=display_name))
    user = user_add(
        actor=actor,
        username=username,
        role=role,
        unit_code=unit_code,
        password=password or generated,
        display_name=display_name,
        phone=phone,
        password_change_required=generated is not None,
    )
    return user, generated


# ---- changing accounts --------------------------------------------------------------------


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict[str, str]) -> User:
    """Change a user's real name, phone, role or unit (账号信息变更). Only the keys sent change.

    Nobody changes their own role or unit, and nobody gives a role or unit beyond their own
    reach (the same checks as adding an account).
    """
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise DomainError(
            "unknown_field", _("This field cannot be changed here."), field=sorted(unknown)[0]
        )
    user = _lock(actor, user)
    before = _snapshot(user)
    role = data.get("role", user.role)
    unit = user.org_unit
    if "unit" in data and (unit is None or data["unit"] != unit.code):
        unit = _check_unit(actor, data["unit"])
    if role != user.role or unit != user.org_unit:
        if user.pk == actor.pk:
            raise DomainError(
                "cannot_change_own_role",
                _("You cannot change your own role or unit; ask another administrator."),
                field="role" if role != user.role else "unit",
            )
        _check_role(actor, role)
        assert unit is not None  # a managed user always has a unit (users_manageable_by)
        _check_role_fits_unit(role, unit)
    if "display_name" in data:
        user.display_name = _check_display_name(data["display_name"], required=True)
    if "phone" in data:
        user.phone = _check_phone(data["phone"])
    user.role, user.org_unit = role, unit
    changes = audit.diff(before, _snapshot(user))
    if not changes:
        return user
    user.save(update_fields=["display_name", "phone", "role", "org_unit"])
    audit.record(
        actor=actor, action="user.update", target=user, org_unit=user.org_unit, changes=changes
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str = "") -> User:
    """停用账号: the user can no longer log in, and their API tokens are revoked. The account
    stays, because audit history and case records point at it."""
    user = _lock(actor, user)
    if user.pk == actor.pk:
        raise DomainError("cannot_deactivate_self", _("You cannot deactivate your own account."))
    if not user.is_active:
        raise DomainError("already_inactive", _("This account is already deactivated."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = _revoke_tokens(user)
    changes: dict[str, list[object]] = {"is_active": [True, False]}
    if revoked:
        changes["active_tokens"] = [revoked, 0]
    audit.record(
        actor=actor,
        action="user.deactivate",
        target=user,
        org_unit=user.org_unit,
        changes=changes,
        reason=(reason or "").strip(),
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User, reason: str = "") -> User:
    """启用账号: a deactivated user may log in again; tokens revoked before stay revoked."""
    user = _lock(actor, user)
    if user.is_active:
        raise DomainError("already_active", _("This account is already active."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="user.reactivate",
        target=user,
        org_unit=user.org_unit,
        changes={"is_active": [False, True]},
        reason=(reason or "").strip(),
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str | None = None) -> str | None:
    """重置密码: set a new password chosen by the actor, or generate one and return it (to be
    shown once). The user's open sessions end, because their password changed, and the user
    must choose their own password at the next login: the actor knows this one."""
    user = _lock(actor, user)
    if user.pk == actor.pk:
        raise DomainError(
            "cannot_reset_own_password",
            _("Change your own password on your profile page; it asks for the current one."),
        )
    generated = None
    if password:
        _check_password(password, user, field="password")
    else:
        generated = generate_password(user)
    user.set_password(password or generated)
    user.password_change_required = True
    user.save(update_fields=["password", "password_change_required"])
    audit.record(
        actor=actor,
        action="user.password_reset",
        target=user,
        org_unit=user.org_unit,
        changes={"password_generated": [None, generated is not None]},
    )
    return generated


@transaction.atomic
def user_revoke_tokens(*, actor: User, user: User) -> int:
    """Revoke every live API token of the user (吊销令牌); returns how many were revoked."""
    user = _lock(actor, user)
    revoked = _revoke_tokens(user)
    if revoked:
        audit.record(
            actor=actor,
            action="token.revoke",
            target=user,
            org_unit=user.org_unit,
            changes={"active_tokens": [revoked, 0]},
        )
    return revoked


@transaction.atomic
def password_change_own(*, user: User, old_password: str, new_password: str) -> None:
    """修改密码: a user changes their own password, proving they know the current one. A
    password a manager gave them no longer has to be changed."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied()
    if not user.check_password(old_password or ""):
        raise DomainError(
            "wrong_password", _("The current password is wrong."), field="old_password"
        )
    _check_password(new_password or "", user, field="new_password")
    user.set_password(new_password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    audit.record(actor=user, action="user.password_change", target=user, org_unit=user.org_unit)


# ---- tokens -------------------------------------------------------------------------------


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
