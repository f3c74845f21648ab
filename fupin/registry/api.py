"""Registry endpoints under /api/v1/registry/."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from fupin.registry import schemas
from fupin.registry.selectors import registry_summary

router = Router(tags=["registry"])


@router.get("/summary", response=list[schemas.SummaryRowOut])
def summary(request: HttpRequest) -> list[schemas.SummaryRowOut]:
    """户数/人数 by 户类型 and 监测对象类别 per village, within the caller's scope."""
    return [schemas.SummaryRowOut(**vars(row)) for row in registry_summary(user=request.user)]
