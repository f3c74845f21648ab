"""A password a manager gave must be replaced by the user's own before they work (ADR 20).

`User.password_change_required` is set when a manager generates a password or resets one and
cleared when the user changes their own (`fupin.accounts.actions`). While it is set, every page
leads to the change-password page (`PasswordChangeRequiredMiddleware`) and every API call but
`GET /me` and `POST /me/password` answers 403 `password_change_required` (`require_own_password`,
called by the API's authentication).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError

# Pages a user who must change their password may still open (by URL name).
OPEN_PAGES = frozenset({"accounts:password_change", "login", "logout", "set_language"})
# API routes they may still call: who am I, and changing the password.
OPEN_API_ROUTES = frozenset({"api:accounts_me", "api:accounts_own_password_change"})


def must_change_password(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "password_change_required", False))


def password_change_required() -> DomainError:
    return DomainError(
        "password_change_required",
        _(
            "Your password was set by an administrator. Change it to one of your own first "
            "(POST /api/v1/accounts/me/password)."
        ),
        status=403,
    )


def require_own_password(request: HttpRequest, user: Any) -> None:
    """Refuse an API call of a user who must first change the password a manager gave them."""
    match = request.resolver_match
    if must_change_password(user) and (match is None or match.view_name not in OPEN_API_ROUTES):
        raise password_change_required()


class PasswordChangeRequiredMiddleware:
    """Sends a logged-in user who must change their password to the change-password page,
    from every page but that one, logging in and out, and the language switch. The API
    (`/api/`) answers for itself, with 403 `password_change_required`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace == "api" or match.view_name in OPEN_PAGES:
            return None
        if must_change_password(request.user):
            return redirect("accounts:password_change")
        return None
