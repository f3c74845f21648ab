"""Forms of the account pages. They parse what people type; the actions decide what is allowed
(a role or unit out of reach is refused there, with the same message as in the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fupin.accounts.models import OrgUnit, User
from fupin.accounts.roles import Role, grantable_roles
from fupin.accounts.scope import scope_root
from fupin.accounts.selectors import UserFilters, assignable_units
from fupin.core.forms import BootstrapForm

BLANK = ("", "—")
ACTIVE_CHOICES = [BLANK, ("1", pgettext_lazy("account", "Active")), ("0", _("Deactivated"))]


def role_choices(actor: User) -> list[tuple[str, Any]]:
    allowed = grantable_roles(actor.role)
    return [(value, label) for value, label in Role.choices if value in allowed]


def unit_choices(actor: User) -> list[tuple[str, str]]:
    """The units the actor may place people in, indented under one another."""
    root = scope_root(actor)
    base = root.path.count("/") if root else 0
    return [
        (unit.code, "\u3000" * (unit.path.count("/") - base) + f"{unit.name}（{unit.code}）")
        for unit in assignable_units(actor).order_by("path")
    ]


def _select(label: Any, choices: list[tuple[str, Any]], *, required: bool = True) -> forms.Field:
    # A plain text field under a select: a value that is not on offer reaches the action and
    # is refused there with its own message (role_not_grantable, unit_outside_scope …).
    return forms.CharField(
        label=label, required=required, widget=forms.Select(choices=[BLANK, *choices])
    )


def _password(label: Any, *, required: bool, autocomplete: str = "new-password") -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class UserFilterForm(BootstrapForm):
    """The search box and filters of the user list (a GET form)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Username or name"), "type": "search"}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [BLANK, *role_choices(actor)]  # type: ignore[attr-defined]
        self.fields["unit"].choices = [BLANK, *unit_choices(actor)]  # type: ignore[attr-defined]

    def filters(self) -> UserFilters:
        """The filters asked for; a value that is not on offer is ignored."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        active = {"1": True, "0": False}.get(data.get("active", ""))
        return UserFilters(
            q=data.get("q", ""), role=data.get("role", ""), unit=data.get("unit", ""), active=active
        )


class _PasswordPair(BootstrapForm):
    """A new password typed twice; the second must match the first."""

    first, second = "password", "password_confirm"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get(self.first) and data.get(self.first) != data.get(self.second):
            self.add_error(self.second, _("The two passwords differ."))
        return data


class UserCreateForm(_PasswordPair):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Real name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = _password(_("Initial password"), required=False)
    password_confirm = _password(_("Initial password again"), required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _select(_("Role"), role_choices(actor))
        self.fields["unit"] = _select(_("Unit"), unit_choices(actor))
        self.fields["password"].help_text = _(
            "Leave it empty to have a password generated; it is shown once."
        )
        for name in ("role", "unit"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.order_fields(["username", "display_name", "role", "unit", "phone"])


class UserEditForm(BootstrapForm):
    display_name = forms.CharField(label=_("Real name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, actor: User, user: User, **kwargs: Any) -> None:
        unit: OrgUnit | None = user.org_unit
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.display_name,
                "phone": user.phone,
                "role": user.role,
                "unit": unit.code if unit else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["role"] = _select(_("Role"), role_choices(actor))
        self.fields["unit"] = _select(_("Unit"), unit_choices(actor))
        for name in ("role", "unit"):
            self.fields[name].widget.attrs["class"] = "form-select"
        if actor.pk == user.pk:  # nobody changes their own role or unit
            for name in ("role", "unit"):
                self.fields[name].disabled = True


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(BootstrapForm):
    """A write with nothing to type: the button is the confirmation."""


class PasswordResetForm(_PasswordPair):
    password = _password(_("New password"), required=False)
    password_confirm = _password(_("New password again"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "Leave it empty to have a password generated; it is shown once."
        )


class OwnPasswordForm(_PasswordPair):
    first, second = "new_password", "new_password_confirm"
    old_password = _password(_("Current password"), required=True, autocomplete="current-password")
    new_password = _password(_("New password"), required=True)
    new_password_confirm = _password(_("New password again"), required=True)
