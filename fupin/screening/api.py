"""Screening endpoints under /api/v1/screening/: rules and their versions, parameters, runs
(start, follow) and findings (list, one, dismiss, send to monitoring).

A run is executed in the background: the answer to `POST /runs` is the queued run; poll
`GET /runs/{id}` for `rules_done` / `rules_total`. A rule text that does not check is refused
with 400, its `code` (syntax_error, unknown_field, sql_keyword …), `line` and `column`.
A finding or run outside the caller's area answers 404 like one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from fupin.accounts.api import caller
from fupin.core.schemas import READ_ERRORS
from fupin.screening import actions, schemas, selectors
from fupin.screening.parameters import parameter_rows
from fupin.screening.schemas import WRITE_ERRORS

router = Router(tags=["screening"])


# ---- rules --------------------------------------------------------------------------------


@router.get("/rules", response={200: list[schemas.RuleOut], **READ_ERRORS}, summary="Rules")
def rule_list(request: HttpRequest, code: str = "") -> object:
    """Every rule with its latest version (text, explanation, policy reference, dates); with
    `code`, that rule alone with all its versions, newest first (a published version never
    changes)."""
    rules = selectors.rules_visible_to(caller(request)).prefetch_related("versions")
    if code:
        rules = rules.filter(code=code)
    return [schemas.RuleOut.build(rule, with_versions=bool(code)) for rule in rules]


@router.post(
    "/rule-versions",
    response={201: schemas.RuleVersionOut, **WRITE_ERRORS},
    summary="Publish a new version of a rule",
)
def rule_version_create(request: HttpRequest, payload: schemas.RuleVersionIn) -> object:
    """Checked against the catalog before it is saved: a text that does not parse, names
    anything outside the catalog or mixes types is refused with 400, its `code`, `line` and
    `column`. The versions before it stay as they were."""
    user = caller(request)
    rule = selectors.rule_get(user=user, code=payload.rule)
    fields = payload.dict(exclude={"rule"})
    version = actions.rule_version_create(actor=user, rule=rule, **fields)
    return Status(201, schemas.RuleVersionOut.build(version))


@router.get(
    "/parameters",
    response={200: list[schemas.ParameterOut], **READ_ERRORS},
    summary="Policy parameters the rules read",
)
def parameter_list(request: HttpRequest, on: dt.date | None = None) -> object:
    """Each parameter's value in force on `on` (default today) and all its dated, cited
    values, the site's own included (set them at /api/v1/parameters/{name}/values)."""
    caller(request)
    rows = parameter_rows(on=on or timezone.localdate())
    return [schemas.ParameterOut.build(row) for row in rows]


# ---- runs ---------------------------------------------------------------------------------


@router.post("/runs", response={201: schemas.RunOut, **WRITE_ERRORS}, summary="Start a run")
def run_start(request: HttpRequest, payload: schemas.RunIn) -> object:
    """Queue a screening of your area with the rules in force (or `rules`)."""
    run = actions.run_start(
        actor=caller(request),
        engine=payload.engine,
        rule_codes=payload.rules or None,
        screening_date=payload.screening_date,
    )
    return Status(201, schemas.RunOut.build(run))


@router.get("/runs", response={200: list[schemas.RunOut], **READ_ERRORS}, summary="Runs")
def run_list(request: HttpRequest) -> object:
    """The 50 latest runs over your area."""
    runs = selectors.runs_visible_to(caller(request)).prefetch_related("units")[:50]
    return [schemas.RunOut.build(run) for run in runs]


@router.get("/runs/{run_id}", response={200: schemas.RunOut, **READ_ERRORS}, summary="One run")
def run_detail(request: HttpRequest, run_id: int) -> object:
    """A run's status and progress (rules done of total), and its counts when it is done."""
    return schemas.RunOut.build(selectors.run_get(user=caller(request), run_id=run_id))


# ---- findings -----------------------------------------------------------------------------


@router.get("/findings", response={200: schemas.FindingPageOut, **READ_ERRORS}, summary="Findings")
def finding_list(request: HttpRequest, query: Query[schemas.FindingQuery]) -> object:
    """Findings in your area, filtered by rule, category, village and status, a page at a
    time. Sensitive evidence is masked unless your role may see it."""
    user = caller(request)
    findings = selectors.finding_list(user=user, filters=query.filters())
    return schemas.FindingPageOut.of(
        findings, query, lambda finding: schemas.FindingOut.build(finding, user=user)
    )


@router.get(
    "/findings/{finding_id}",
    response={200: schemas.FindingOut, **READ_ERRORS},
    summary="One finding with its evidence",
)
def finding_detail(request: HttpRequest, finding_id: int) -> object:
    """A finding: the rule and version that found it, its policy reference, the subject, and
    the values that triggered it (sensitive ones masked unless your role may see them)."""
    user = caller(request)
    finding = selectors.finding_get(user=user, finding_id=finding_id)
    return schemas.FindingOut.build(finding, user=user)


@router.post(
    "/findings/{finding_id}/dismiss",
    response={200: schemas.FindingOut, **WRITE_ERRORS},
    summary="Dismiss a finding",
)
def finding_dismiss(request: HttpRequest, finding_id: int, payload: schemas.DismissIn) -> object:
    """Dismiss an open finding with the reason (audited); later runs leave it dismissed."""
    user = caller(request)
    finding = selectors.finding_get(user=user, finding_id=finding_id)
    finding = actions.finding_dismiss(actor=user, finding=finding, reason=payload.reason)
    return schemas.FindingOut.build(finding, user=user)


@router.post(
    "/findings/{finding_id}/send",
    response={200: schemas.FindingOut, **WRITE_ERRORS},
    summary="Send a finding to the monitoring workflow",
)
def finding_send(request: HttpRequest, finding_id: int) -> object:
    """Hand the finding to monitoring as a clue (部门筛查预警) with its evidence (audited);
    sending it again changes nothing."""
    user = caller(request)
    finding = selectors.finding_get(user=user, finding_id=finding_id)
    finding = actions.finding_send(actor=user, finding=finding)
    return schemas.FindingOut.build(finding, user=user)
