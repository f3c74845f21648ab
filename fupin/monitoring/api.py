"""Monitoring endpoints under /api/v1/monitoring/: cases, one POST per step, ledger, dashboard.

Reads start from selectors scoped to the caller (a case outside the caller's area answers 404
`not_found`); each step is its action (role, order, validation, timeline, audit) and answers
with the case as it now stands. Refusals have the shape of fupin/api.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from fupin.accounts.api import caller
from fupin.accounts.models import User
from fupin.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from fupin.monitoring import actions, errors, schemas, selectors
from fupin.monitoring.dashboard import dashboard as dashboard_numbers
from fupin.monitoring.gate import elimination_checks
from fupin.monitoring.ledger import ledger as ledger_entries
from fupin.monitoring.models import ELIMINATION_STATES, Case, CaseState
from fupin.monitoring.views.cases import file_response
from fupin.registry.selectors import household_get

router = Router(tags=["monitoring"])


def _case_out(case_id: int, user: User) -> schemas.CaseOut:
    case = selectors.case_get(user=user, case_id=case_id)
    today = timezone.localdate()
    gate = None
    if case.state == CaseState.MONITORED or case.state in ELIMINATION_STATES:
        gate = elimination_checks(case=case, on=today, mode=case.elimination_mode)
    return schemas.CaseOut.build_full(case, user=user, today=today, gate=gate)


def _step(request: HttpRequest, case_id: int, call: Callable[[User, Case], Any]) -> object:
    user = caller(request)
    case = selectors.case_get(user=user, case_id=case_id)
    call(user, case)
    return _case_out(case_id, user)


WRITE = {200: schemas.CaseOut, **WRITE_ERRORS}


# ---- cases --------------------------------------------------------------------------------


@router.get(
    "/cases", response={200: schemas.CasePageOut, **READ_ERRORS}, summary="List monitoring cases"
)
def case_list(request: HttpRequest, query: Query[schemas.CaseQuery]) -> object:
    """Cases within your area, newest first; filter by village, state, channel, overdue."""
    user, today = caller(request), timezone.localdate()
    cases = selectors.case_list(user=user, today=today, filters=query.filters())
    return schemas.CasePageOut.of(
        cases, query, lambda case: schemas.CaseListItemOut.build(case, today=today)
    )


@router.post(
    "/clues",
    response={201: schemas.CaseOut, **WRITE_ERRORS},
    summary="Hand in a clue (线索); it joins the open case or opens one",
)
def clue_receive(request: HttpRequest, payload: schemas.ClueIn) -> object:
    """A clue from any channel. A screening finding comes as channel 部门筛查预警 with its
    evidence and its reference; the same reference for the same household is kept once."""
    user = caller(request)
    household = household_get(user=user, household_id=payload.household_id)
    clue = actions.clue_receive(
        actor=user,
        household=household,
        channel=payload.channel,
        received_on=payload.received_on,
        description=payload.description,
        evidence=payload.evidence,
        reference=payload.reference,
    )
    return Status(201, _case_out(clue.case_id, user))


@router.get("/cases/{case_id}", response={200: schemas.CaseOut, **READ_ERRORS}, summary="One case")
def case_detail(request: HttpRequest, case_id: int) -> object:
    """The case with its clues and evidence, timeline, postings, measures, the elimination
    gate (once monitored) and the steps you may take now."""
    return _case_out(case_id, caller(request))


@router.post("/cases/{case_id}/apply", response=WRITE, summary="申请 (with authorisation)")
def case_apply(request: HttpRequest, case_id: int, payload: schemas.ApplyIn) -> object:
    """The household's signed application with its authorisation to check its economic
    situation (`authorised` must be true); village cadres and work teams of the household's
    village."""
    return _step(
        request, case_id, lambda u, c: actions.case_apply(actor=u, case=c, **payload.model_dump())
    )


@router.post("/cases/{case_id}/verify", response=WRITE, summary="入户核实 (two officials)")
def case_verify(request: HttpRequest, case_id: int, payload: schemas.VerifyIn) -> object:
    """Two different officials (`officials`: two user ids) record what they found at home:
    income, 三保障 and water, risk types. The same person twice is `same_official`."""
    return _step(
        request, case_id, lambda u, c: actions.case_verify(actor=u, case=c, **payload.model_dump())
    )


@router.post("/cases/{case_id}/village-review", response=WRITE, summary="村级评议")
def case_village_review(
    request: HttpRequest, case_id: int, payload: schemas.VillageReviewIn
) -> object:
    """Who took part and the votes; more votes for than against passes. In identification a
    `proposed_category` of the year may be given."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_village_review(actor=u, case=c, **payload.model_dump()),
    )


@router.post("/cases/{case_id}/post", response=WRITE, summary="村内公示 (5 working days)")
def case_post(request: HttpRequest, case_id: int, payload: schemas.PostIn) -> object:
    """Post the case in the village from `starts_on` for 5 working days (public holidays not
    counted; adjusted working days counted). An `ends_on` that covers fewer is
    `posting_too_short`."""
    return _step(
        request, case_id, lambda u, c: actions.case_post(actor=u, case=c, **payload.model_dump())
    )


@router.post("/cases/{case_id}/objections", response=WRITE, summary="Record an objection")
def posting_object(request: HttpRequest, case_id: int, payload: schemas.ObjectionIn) -> object:
    """Record an objection raised while the case is posted; the township review waits until it
    is answered."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.posting_object(actor=u, case=c, **payload.model_dump()),
    )


@router.post("/objections/{objection_id}/answer", response=WRITE, summary="Answer an objection")
def objection_answer(request: HttpRequest, objection_id: int, payload: schemas.AnswerIn) -> object:
    """Answer an objection (once); answers with the case."""
    user = caller(request)
    objection = selectors.objection_get(user=user, objection_id=objection_id)
    actions.objection_answer(actor=user, objection=objection, **payload.model_dump())
    return _case_out(objection.posting.case_id, user)


@router.post("/cases/{case_id}/township-review", response=WRITE, summary="乡镇联合审核")
def case_township_review(
    request: HttpRequest, case_id: int, payload: schemas.TownshipReviewIn
) -> object:
    """The joint township review, signed by housing, health, education and water staff; refused
    with `posting_not_over` during the posting and `objections_unanswered` while an
    objection waits."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_township_review(actor=u, case=c, **payload.model_dump()),
    )


@router.post("/cases/{case_id}/approve-monitoring", response=WRITE, summary="县级审定 ▸ 纳入监测")
def case_approve_monitoring(
    request: HttpRequest, case_id: int, payload: schemas.ApproveMonitoringIn
) -> object:
    """The county includes the household: its category (in force in the year of `decided_on`)
    and risk types are written to the registry's status history."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_approve_monitoring(actor=u, case=c, **payload.model_dump()),
    )


@router.post("/cases/{case_id}/reject", response=WRITE, summary="不予纳入 (with the reason)")
def case_reject(request: HttpRequest, case_id: int, payload: schemas.RejectIn) -> object:
    """Not included, with the reason, at the step the case stands (by the role holding that
    step)."""
    return _step(
        request, case_id, lambda u, c: actions.case_reject(actor=u, case=c, **payload.model_dump())
    )


@router.post("/cases/{case_id}/measures", response=WRITE, summary="帮扶: record a measure")
def case_add_measure(request: HttpRequest, case_id: int, payload: schemas.MeasureIn) -> object:
    """An assistance measure of a national kind under the monitored case; 产业, 就业, 公益岗位
    and 金融 are 开发式."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_add_measure(actor=u, case=c, **payload.model_dump()),
    )


@router.post(
    "/cases/{case_id}/propose-elimination",
    response=WRITE,
    summary="风险消除 proposal (through the gate)",
)
def case_propose_elimination(
    request: HttpRequest, case_id: int, payload: schemas.ProposeEliminationIn
) -> object:
    """Refused with the code of the first failed condition (e.g. `no_working_capacity`,
    `income_below_line`, `risk_without_measure`); the message lists every failure."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_propose_elimination(actor=u, case=c, **payload.model_dump()),
    )


@router.post(
    "/cases/{case_id}/approve-elimination", response=WRITE, summary="县级审定 ▸ 风险已消除"
)
def case_approve_elimination(
    request: HttpRequest, case_id: int, payload: schemas.ApproveEliminationIn
) -> object:
    """The county confirms the elimination; the gate is checked again on `eliminated_on`."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_approve_elimination(actor=u, case=c, **payload.model_dump()),
    )


@router.post(
    "/cases/{case_id}/keep-monitoring",
    response=WRITE,
    summary="Elimination not approved: keep monitoring",
)
def case_keep_monitoring(
    request: HttpRequest, case_id: int, payload: schemas.KeepMonitoringIn
) -> object:
    """An elimination not borne out at its step: the household stays monitored, with the
    reason."""
    return _step(
        request,
        case_id,
        lambda u, c: actions.case_keep_monitoring(actor=u, case=c, **payload.model_dump()),
    )


# ---- documents and photos -----------------------------------------------------------------


def _attachment_out(user: User, attachment_id: int) -> schemas.AttachmentOut:
    attachment = selectors.attachment_get(user=user, attachment_id=attachment_id)
    return schemas.AttachmentOut.build(attachment, sensitive=selectors.may_open_files(user))


@router.get(
    "/cases/{case_id}/attachments",
    response={200: list[schemas.AttachmentOut], **READ_ERRORS},
    summary="The case's documents and photos",
)
def attachment_list(request: HttpRequest, case_id: int) -> object:
    """Every file attached to the case, in the order attached, with the step it belongs to
    (`event_id`, the `id` of a timeline row); removed files stay listed with who removed them,
    when and why. Names are masked for roles that may not see ID numbers and phones."""
    user = caller(request)
    case = selectors.case_get(user=user, case_id=case_id)
    sensitive = selectors.may_open_files(user)
    return [
        schemas.AttachmentOut.build(attachment, sensitive=sensitive)
        for attachment in selectors.case_attachments(case=case)
    ]


@router.post(
    "/cases/{case_id}/attachments",
    response={201: schemas.AttachmentOut, **WRITE_ERRORS},
    summary="Attach a document or photo (multipart), optionally to a step",
)
def attachment_add(
    request: HttpRequest,
    case_id: int,
    file: File[UploadedFile],
    event_id: Form[int | None] = None,
    description: Form[str] = "",
) -> object:
    """Send the file as `file`; `event_id` (a timeline row's `id`) attaches it to that step.
    Accepted: PDF, OFD, JPEG, PNG, WebP, Word, Excel and WPS files up to the site's limit
    (FUPIN_ATTACHMENT_MAX_MB, 10 MB by default). The type is read from the file name and must
    match the file's content. Refusals: `file_empty`, `file_too_large`,
    `file_type_not_allowed`, `file_type_mismatch`, `file_already_attached`,
    `event_of_another_case`, `step_not_attachable`; nothing is stored then."""
    user = caller(request)
    case = selectors.case_get(user=user, case_id=case_id)
    attachment = actions.attachment_add(
        actor=user, case=case, upload=file, description=description, event_id=event_id
    )
    return Status(201, _attachment_out(user, attachment.pk))


@router.get(
    "/attachments/{attachment_id}",
    response={200: schemas.AttachmentOut, **READ_ERRORS},
    summary="One attachment's details",
)
def attachment_detail(request: HttpRequest, attachment_id: int) -> object:
    """The file's name, type, size, SHA-256 digest, step, who attached it and, once removed,
    who removed it and why."""
    return _attachment_out(caller(request), attachment_id)


@router.get(
    "/attachments/{attachment_id}/file",
    response={200: None, 403: ErrorOut, 410: ErrorOut, **READ_ERRORS},
    url_name="attachment_file",
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file as it was uploaded, under its original name.",
                "content": {"application/octet-stream": {}},
            }
        }
    },
)
def attachment_file(request: HttpRequest, attachment_id: int) -> object:
    """The file itself, for roles that may see ID numbers, phones and health (others:
    `permission_denied`); a removed file answers 410 `attachment_removed`, and one whose stored
    file is missing from the server 404 `attachment_file_missing`."""
    user = caller(request)
    attachment = selectors.attachment_get(user=user, attachment_id=attachment_id)
    if not selectors.may_open_files(user):
        raise errors.files_not_for_role()
    if attachment.is_removed:
        raise errors.attachment_removed()
    return file_response(attachment)


@router.delete(
    "/attachments/{attachment_id}",
    response={200: schemas.AttachmentOut, 410: ErrorOut, **WRITE_ERRORS},
    summary="Remove a wrongly attached file (with the reason)",
)
def attachment_remove(
    request: HttpRequest, attachment_id: int, payload: schemas.AttachmentRemoveIn
) -> object:
    """The person who attached the file may remove it while the case is open; the township and
    county offices may remove any file of a case in their area. The record stays (listed as
    removed, in the timeline and the audit, with the reason); the file's content is erased."""
    user = caller(request)
    attachment = selectors.attachment_get(user=user, attachment_id=attachment_id)
    actions.attachment_remove(actor=user, attachment=attachment, reason=payload.reason)
    return _attachment_out(user, attachment_id)


# ---- ledger and dashboard -----------------------------------------------------------------


@router.get(
    "/ledger",
    response={200: list[schemas.LedgerRowOut], **READ_ERRORS},
    summary="监测对象台账 (or the 风险消除名单)",
)
def ledger(request: HttpRequest, village: str = "", eliminated: bool = False) -> object:
    """Monitored households of your area or one village; `eliminated=true` for the list of
    households whose risk is eliminated."""
    entries = ledger_entries(user=caller(request), village=village, eliminated_only=eliminated)
    return [schemas.LedgerRowOut.build(entry) for entry in entries]


@router.get(
    "/dashboard",
    response={200: schemas.DashboardOut, **READ_ERRORS},
    summary="Dashboard numbers",
)
def dashboard(request: HttpRequest) -> object:
    """Monitored households and people by category and risk per village, cases by state,
    overdue cases, clues by channel per month, eliminations per month, and the share of the
    registered poor population under monitoring with the ~5% guide."""
    numbers = dashboard_numbers(user=caller(request), today=timezone.localdate())
    return schemas.DashboardOut.build(numbers)
