"""The JSON API under /api/v1/: auth (session or bearer token), error shape, and the routers.

Every refusal has one shape: `{"code": stable_code, "message": text for people, "field": …}`.
The docs at /api/v1/docs are served from django-ninja's bundled static files (ninja is in
INSTALLED_APPS), so they work on an intranet without internet access.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from fupin.accounts.actions import token_authenticate
from fupin.accounts.passwords import require_own_password
from fupin.core.errors import DomainError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fp_…` with a token from `fupin token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
            require_own_password(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's login session; unsafe methods must carry the CSRF token (X-CSRFToken).

    Unlike ninja's `django_auth`, the CSRF check runs only when the session has a logged-in
    user: a request with no session (or a bad token) is answered 401, not a CSRF complaint.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError:
            raise DomainError(
                "csrf_failed",
                _("The form's security token is missing or expired. Reload the page."),
                status=403,
            ) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        require_own_password(request, request.user)
        return request.user


api = NinjaAPI(
    title="fupin API",
    version="1",
    description=(
        "Household registry and department data of fupin. Authenticate with the browser "
        "session (send the X-CSRFToken header on writes) or with `Authorization: Bearer "
        "<token>` from `fupin token create`. Refusals answer `{code, message, field}`."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"validatorUrl": None}),  # no call to validator.swagger.io
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, {"code": "not_found", "message": _("The record does not exist.")})


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, {"code": "unauthenticated", "message": _("Log in or send a valid API token.")}
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises these itself: 400 when the body is not JSON.
    if exc.status_code == 400:
        body = {"code": "invalid_request", "message": _("The request body is not valid JSON.")}
    else:
        body = {"code": "http_error", "message": str(exc)}
    return _error(request, exc.status_code, body)


def _field_path(loc: list[Any]) -> str:
    # ("body", "payload", "head", "name") → "head.name"; ("query", "page_size") → "page_size"
    parts = loc[2:] if loc and loc[0] == "body" else loc[1:]
    return ".".join(str(part) for part in parts)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_path(list(e.get("loc", []))), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    body: dict[str, Any] = {
        "code": "invalid_request",
        "message": _("The request is not valid."),
        "errors": errors,
    }
    if errors:
        body["field"] = errors[0]["field"]
    return _error(request, 422, body)


def _mount_routers() -> None:
    from fupin.accounts.api import router as accounts_router
    from fupin.datahub.api import router as datahub_router
    from fupin.monitoring.api import router as monitoring_router
    from fupin.parameters.api import router as parameters_router
    from fupin.registry.api import router as registry_router
    from fupin.screening.api import router as screening_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/registry/", registry_router)
    api.add_router("/datahub/", datahub_router)
    api.add_router("/monitoring/", monitoring_router)
    api.add_router("/screening/", screening_router)
    api.add_router("/parameters/", parameters_router)


_mount_routers()
