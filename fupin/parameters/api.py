"""Policy parameters under /api/v1/parameters/: every parameter with its value on a day, one
parameter with all its entries, and setting a site's own dated value (county office, system
administrator). A refused value answers 400 with `parameter_value_invalid`,
`parameter_value_out_of_range`, `parameter_dates_invalid`, `parameter_reference_missing` or
`reason_required`; an unknown parameter 404."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from fupin.accounts.api import caller
from fupin.core.schemas import READ_ERRORS, WRITE_ERRORS
from fupin.parameters import actions, schemas, selectors
from fupin.parameters.models import ParameterEdit

router = Router(tags=["parameters"])


@router.get("", response={200: list[schemas.ParameterOut], **READ_ERRORS}, summary="Parameters")
def parameter_list(request: HttpRequest, on: dt.date | None = None) -> object:
    """Each parameter's value in force on `on` (default today) for your province, with its
    shipped entries and this site's values."""
    user = caller(request)
    rows = selectors.parameter_rows(
        on=on or timezone.localdate(), province=selectors.province_for(user)
    )
    edits: dict[str, list[ParameterEdit]] = defaultdict(list)
    for edit in ParameterEdit.objects.select_related("created_by").order_by("-starts_on", "-id"):
        edits[edit.name].append(edit)
    return [schemas.ParameterOut.build(row, edits[row.name]) for row in rows]


@router.get("/{name}", response={200: schemas.ParameterOut, **READ_ERRORS}, summary="One parameter")
def parameter_detail(request: HttpRequest, name: str, on: dt.date | None = None) -> object:
    """One parameter: its value in force on `on` (default today) for your province, its
    shipped entries and this site's values, newest first."""
    user = caller(request)
    parameter = actions.parameter_get(name)
    row = selectors.row(
        parameter, on=on or timezone.localdate(), province=selectors.province_for(user)
    )
    return schemas.ParameterOut.build(row, list(selectors.parameter_edits(name)))


@router.post(
    "/{name}/values",
    response={201: schemas.SiteValueOut, **WRITE_ERRORS},
    summary="Set this site's value of a parameter",
)
def parameter_value_add(request: HttpRequest, name: str, payload: schemas.SiteValueIn) -> object:
    """A new dated value, checked against the parameter's type and bounds, citing its document
    and giving a reason (audited). Saved values never change: to correct one, set a new value
    from the same day (the later entry wins)."""
    edit = actions.parameter_value_add(actor=caller(request), name=name, **payload.dict())
    return Status(201, schemas.SiteValueOut.build(edit))
