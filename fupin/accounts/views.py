"""Account pages under /accounts/: user management (账号管理) for roles with
`accounts.manage_users`, and every user's own profile and password.

Reads go through selectors; each write parses a form, calls its action and redirects to the
account. A refusal is shown on the form; nothing is written. A generated password is shown on
the answer to the POST that made it, once, and never put in a message or a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fupin.accounts import actions, display, forms, selectors
from fupin.accounts.models import User
from fupin.accounts.roles import Capability
from fupin.core.errors import NotFound
from fupin.core.forms import BootstrapForm
from fupin.core.pages import attempt, posted

PAGE_SIZE = 50


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is one of ours."""

    user: User


# ---- helpers ------------------------------------------------------------------------------


def _require_manager(user: User) -> None:
    if not user.can(Capability.MANAGE_USERS):
        raise PageForbidden


def _managed(actor: User, user_id: int) -> User:
    _require_manager(actor)
    try:
        return selectors.user_get(actor=actor, user_id=user_id)
    except NotFound:
        raise Http404 from None


def _done(request: HttpRequest, user: User, message: str) -> HttpResponseRedirect:
    messages.success(request, message)
    return redirect("accounts:user_detail", user_id=user.pk)


def _form_page(
    request: HttpRequest, form: BootstrapForm, *, title: str, **context: Any
) -> HttpResponse:
    return render(request, "accounts/form.html", {"form": form, "title": title, **context})


def _password_shown(request: HttpRequest, user: User, password: str, title: str) -> HttpResponse:
    response = render(
        request,
        "accounts/password_shown.html",
        {"account": user, "password": password, "title": title},
    )
    response["Cache-Control"] = "no-store"
    return response


# ---- user management ----------------------------------------------------------------------


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    """账号列表: the accounts the user manages, searchable and filtered, a page at a time."""
    actor = request.user
    _require_manager(actor)
    form = forms.UserFilterForm(request.GET or None, actor=actor)
    users = selectors.user_list(actor=actor, filters=form.filters())
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": display.user_rows(page.object_list, viewer=actor),
    }
    return render(request, "accounts/user_list.html", context)


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    _require_manager(actor)
    form = forms.UserCreateForm(posted(request), actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        created = attempt(
            form,
            lambda: actions.user_create(
                actor=actor,
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                unit_code=data["unit"],
                phone=data["phone"],
                password=data["password"] or None,
            ),
        )
        if created is not None:
            user, generated = created
            if generated:
                return _password_shown(request, user, generated, _("The account is created."))
            return _done(request, user, _("The account is created."))
    return _form_page(request, form, title=_("New user account"))


@login_required
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    """One account: who, where, status, API tokens and what was done to it."""
    actor = request.user
    user = _managed(actor, user_id)
    context = {
        "account": user,
        "phone": selectors.phone_for(actor, user),
        "tokens": selectors.user_tokens(user=user),
        "history": display.history_rows(selectors.user_history(user=user), viewer=actor),
        "is_self": user.pk == actor.pk,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    actor = request.user
    user = _managed(actor, user_id)
    form = forms.UserEditForm(posted(request), actor=actor, user=user)
    if form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in ("display_name", "phone", "role", "unit")}
        saved = attempt(form, lambda: actions.user_update(actor=actor, user=user, data=changes))
        if saved is not None:
            return _done(request, saved, _("The account is saved."))
    return _form_page(request, form, title=_("Edit the account"), account=user)


def _status_change(
    request: AuthedRequest,
    user_id: int,
    act: Callable[..., User],
    *,
    title: str,
    done: str,
    intro: str,
    danger: bool = False,
) -> HttpResponse:
    """A deactivation or reactivation: a reason for the audit log, then the action."""
    actor = request.user
    user = _managed(actor, user_id)
    form = forms.ReasonForm(posted(request))
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        saved = attempt(form, lambda: act(actor=actor, user=user, reason=reason))
        if saved is not None:
            return _done(request, saved, done)
    return _form_page(request, form, title=title, account=user, intro=intro, danger=danger)


@login_required
def user_deactivate(request: AuthedRequest, user_id: int) -> HttpResponse:
    return _status_change(
        request,
        user_id,
        actions.user_deactivate,
        title=_("Deactivate the account"),
        done=_("The account is deactivated."),
        intro=_(
            "The person can no longer log in and their API tokens are revoked. The account and "
            "its history are kept; it can be reactivated."
        ),
        danger=True,
    )


@login_required
def user_reactivate(request: AuthedRequest, user_id: int) -> HttpResponse:
    return _status_change(
        request,
        user_id,
        actions.user_reactivate,
        title=_("Reactivate the account"),
        done=_("The account is active again."),
        intro=_("The person may log in again. API tokens revoked earlier stay revoked."),
    )


@login_required
def user_password(request: AuthedRequest, user_id: int) -> HttpResponse:
    actor = request.user
    user = _managed(actor, user_id)
    form = forms.PasswordResetForm(posted(request))
    if form.is_valid():
        password = form.cleaned_data["password"] or None
        reset = attempt(
            form,
            lambda: (actions.user_reset_password(actor=actor, user=user, password=password),),
        )
        if reset is not None:
            (generated,) = reset
            if generated:
                return _password_shown(request, user, generated, _("The password is reset."))
            return _done(request, user, _("The password is reset."))
    intro = _("The person's open sessions end; they log in with the new password.")
    return _form_page(request, form, title=_("Reset the password"), account=user, intro=intro)


@login_required
def user_tokens_revoke(request: AuthedRequest, user_id: int) -> HttpResponse:
    actor = request.user
    user = _managed(actor, user_id)
    form = forms.ConfirmForm(posted(request))
    if form.is_valid():
        revoked = attempt(form, lambda: actions.user_revoke_tokens(actor=actor, user=user))
        if revoked is not None:
            message = _("%(count)s API tokens revoked.") % {"count": revoked}
            return _done(request, user, message)
    live = user.api_tokens.filter(revoked_at__isnull=True).count()
    intro = _("%(count)s API tokens of this account still work; they all stop at once.") % {
        "count": live
    }
    return _form_page(
        request, form, title=_("Revoke the API tokens"), account=user, intro=intro, danger=True
    )


# ---- one's own account --------------------------------------------------------------------


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    """我的账号: one's own account, its live API tokens and what was done to it."""
    user = request.user
    context = {
        "account": user,
        "tokens": selectors.user_tokens(user=user).filter(revoked_at__isnull=True),
        "history": display.history_rows(selectors.user_history(user=user)[:20], viewer=user),
        "can_manage": user.can(Capability.MANAGE_USERS),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = forms.OwnPasswordForm(posted(request))
    if form.is_valid():
        data = form.cleaned_data
        changed = attempt(
            form,
            lambda: (
                actions.password_change_own(
                    user=user,
                    old_password=data["old_password"],
                    new_password=data["new_password"],
                ),
                True,
            ),
        )
        if changed is not None:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:profile")
    intro = ""
    if user.password_change_required:
        intro = _(
            "Your password was set by an administrator. Choose your own password before you "
            "continue."
        )
    return _form_page(request, form, title=_("Change my password"), own=True, intro=intro)
