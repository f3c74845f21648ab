"""Account endpoints under /api/v1/accounts/, and the caller of an API request."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router

from fupin.accounts.models import User
from fupin.accounts.roles import CAPABILITIES
from fupin.accounts.schemas import MeOut, UnitRefOut

router = Router(tags=["accounts"])


def caller(request: HttpRequest) -> User:
    """The user the API's auth (session or bearer token) authenticated for this request."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/me", response=MeOut, summary="Who am I")
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
