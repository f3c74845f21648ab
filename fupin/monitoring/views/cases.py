"""Case pages: the list, one case (timeline, clues, postings, measures, attachments and the
forms of the steps this user may take now), and one POST view per step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseGone,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.accounts.roles import Capability
from fupin.assistance.selectors import household_measures
from fupin.core.errors import NotFound
from fupin.core.pages import attempt
from fupin.monitoring import actions, deadlines, display, errors, forms, selectors, uploads
from fupin.monitoring.actions.elimination import ASSISTED_STATES
from fupin.monitoring.gate import elimination_checks
from fupin.monitoring.models import (
    ELIMINATION_STATES,
    POSTING_STATES,
    Attachment,
    AttachmentKind,
    Case,
    CaseState,
)
from fupin.monitoring.transitions import (
    CASEWORK_ROLES,
    INTAKE_ROLES,
    OBJECTION_ROLES,
    roles_for,
    steps_for,
)
from fupin.registry.models import Household
from fupin.registry.selectors import can_see_sensitive, household_head, households_visible_to

PAGE_SIZE = 50


class AuthedRequest(HttpRequest):
    user: User


def _case(user: User, case_id: int) -> Case:
    try:
        return selectors.case_get(user=user, case_id=case_id)
    except NotFound:
        raise Http404 from None


def _to_case(request: HttpRequest, case: Case, message: str) -> HttpResponseRedirect:
    messages.success(request, message)
    return redirect("monitoring:case_detail", case_id=case.pk)


# ---- the list -----------------------------------------------------------------------------


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """防返贫监测 cases with filters by village, step, channel and overdue."""
    user, today = request.user, timezone.localdate()
    form = forms.CaseFilterForm(request.GET or None, user=user)
    cases = selectors.case_list(user=user, today=today, filters=form.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, deadlines.is_overdue(case, today)) for case in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "overdue_count": selectors.overdue_cases(user=user, today=today).count(),
        "can_open": user.role in INTAKE_ROLES,
    }
    return render(request, "monitoring/case_list.html", context)


# ---- one case -----------------------------------------------------------------------------


def _step_forms(user: User, case: Case, bound: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(step, URL, form) for the steps this user may take from the case's state now."""
    result = []
    for step in steps_for(case.state, user.role):
        _slug, form_class = forms.STEP_FORMS[step]
        form = bound.get(step) or form_class(case=case, actor=user)
        url = reverse(f"monitoring:case_{step}", kwargs={"case_id": case.pk})
        result.append((step, url, form))
    return result


def may_attach(user: User) -> bool:
    return user.role in CASEWORK_ROLES and user.can(Capability.EDIT_HOUSEHOLD)


def _casework_forms(
    user: User, case: Case, bound: dict[str, Any], attach_to: int | None
) -> dict[str, tuple[str, Any]]:
    allowed = {
        "measure": case.state in ASSISTED_STATES and user.role in CASEWORK_ROLES,
        "objection": case.state in POSTING_STATES and user.role in OBJECTION_ROLES,
        "attachment": may_attach(user),
    }
    result = {}
    for name, ok in allowed.items():
        if ok:
            _slug, form_class = forms.CASEWORK_FORMS[name]
            initial = {"event": attach_to} if name == "attachment" and attach_to else None
            form = bound.get(name) or form_class(case=case, actor=user, initial=initial)
            result[name] = (reverse(f"monitoring:case_{name}", kwargs={"case_id": case.pk}), form)
    return result


def _file_rows(
    user: User, case: Case, bound: dict[str, Any], sensitive: bool
) -> dict[int | None, list[display.FileRow]]:
    """The case's files by the step they are attached to (None: the case as a whole)."""
    by_step: dict[int | None, list[display.FileRow]] = {}
    for attachment in selectors.case_attachments(case=case):
        form = None
        if actions.may_remove(user, attachment, case):
            key = f"remove-{attachment.pk}"
            form = bound.get(key) or forms.RemoveAttachmentForm(
                attachment=attachment, actor=user, prefix=key
            )
        row = display.file_row(attachment, sensitive=sensitive, remove_form=form)
        by_step.setdefault(attachment.event_id, []).append(row)
    return by_step


def _attach_to(request: HttpRequest) -> int | None:
    raw = request.GET.get("attach", "")
    return int(raw) if raw.isdigit() else None


def _posting_context(user: User, case: Case, bound: dict[str, Any]) -> list[dict[str, Any]]:
    answering = user.role in OBJECTION_ROLES
    postings = []
    for posting in case.postings.prefetch_related("objections").order_by("starts_on", "id"):
        objections = []
        for objection in posting.objections.all():
            form = None
            if answering and not objection.is_answered:
                form = bound.get(f"answer-{objection.pk}") or forms.AnswerForm(
                    objection=objection, actor=user, prefix=f"answer-{objection.pk}"
                )
            objections.append((objection, form))
        postings.append({"posting": posting, "objections": objections})
    return postings


def render_case(
    request: AuthedRequest, case: Case, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user, today, bound = request.user, timezone.localdate(), bound or {}
    household = case.household
    sensitive = can_see_sensitive(user)
    gate = None
    if case.state == CaseState.MONITORED or case.state in ELIMINATION_STATES:
        gate = elimination_checks(case=case, on=today, mode=case.elimination_mode)
    files = _file_rows(user, case, bound, sensitive)
    timeline = display.timeline_rows(selectors.case_timeline(case=case), sensitive=sensitive)
    for row in timeline:
        row.files = files.get(row.event.pk, [])
    context = {
        "case": case,
        "household": household,
        "head": household_head(household),
        "overdue": deadlines.is_overdue(case, today),
        "timeline": timeline,
        "case_files": files.get(None, []),
        "may_attach": may_attach(user),
        "may_open_files": selectors.may_open_files(user),
        "clues": [
            (clue, display.evidence_text(clue.evidence, sensitive=sensitive))
            for clue in case.clues.select_related("received_by")
        ],
        "postings": _posting_context(user, case, bound),
        "measures": household_measures(household=household),
        "gate": gate,
        "step_forms": _step_forms(user, case, bound),
        "casework": _casework_forms(user, case, bound, _attach_to(request)),
        "other_cases": Case.objects.filter(household=household)
        .exclude(pk=case.pk)
        .order_by("-opened_on"),
    }
    return render(request, "monitoring/case_detail.html", context, status=status)


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    """A case: timeline, the evidence that opened it, postings, measures, attachments."""
    return render_case(request, _case(request.user, case_id))


def _post_form(
    request: AuthedRequest, case_id: int, key: str, form_class: type[forms.StepForm]
) -> HttpResponse:
    user = request.user
    case = _case(user, case_id)
    if request.method != "POST":
        return redirect(f"{reverse('monitoring:case_detail', kwargs={'case_id': case.pk})}#{key}")
    form = form_class(request.POST, request.FILES, case=case, actor=user)
    if form.is_valid() and attempt(form, form.act) is not None:
        return _to_case(request, case, _("Saved."))
    case.refresh_from_db()
    return render_case(request, case, {key: form}, status=400)


@login_required
def case_step(request: AuthedRequest, case_id: int, step: str) -> HttpResponse:
    """One step of the case (POST); a GET shows the case page at the step's form."""
    _slug, form_class = forms.STEP_FORMS[step]
    if request.method == "POST":
        # The action checks again; a role that may not take the step is refused up front.
        case = _case(request.user, case_id)
        roles = roles_for(case.state, step)
        if roles and request.user.role not in roles:
            raise PageForbidden
    return _post_form(request, case_id, step, form_class)


@login_required
def case_casework(request: AuthedRequest, case_id: int, work: str) -> HttpResponse:
    """A measure, an objection or an attachment recorded on the case (POST)."""
    _slug, form_class = forms.CASEWORK_FORMS[work]
    roles = OBJECTION_ROLES if work == "objection" else CASEWORK_ROLES
    if request.method == "POST" and request.user.role not in roles:
        _case(request.user, case_id)  # not found outside the user's area, forbidden inside
        raise PageForbidden
    return _post_form(request, case_id, work, form_class)


@login_required
def objection_answer(request: AuthedRequest, objection_id: int) -> HttpResponse:
    user = request.user
    try:
        objection = selectors.objection_get(user=user, objection_id=objection_id)
    except NotFound:
        raise Http404 from None
    case = _case(user, objection.posting.case_id)
    if request.method != "POST":
        return redirect("monitoring:case_detail", case_id=case.pk)
    key = f"answer-{objection.pk}"
    form = forms.AnswerForm(request.POST, objection=objection, actor=user, prefix=key)
    if form.is_valid() and attempt(form, form.act) is not None:
        return _to_case(request, case, _("The objection is answered."))
    return render_case(request, case, {key: form}, status=400)


@login_required
def attachment_download(request: AuthedRequest, attachment_id: int) -> HttpResponseBase:
    """A document or photo of a case, for those who may see the case and open its files."""
    user = request.user
    try:
        attachment = selectors.attachment_get(user=user, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    if not selectors.may_open_files(user):
        raise PageForbidden(str(errors.files_not_for_role().message))
    if attachment.is_removed:
        return HttpResponseGone(str(errors.attachment_removed().message))
    try:
        return file_response(attachment)
    except uploads.AttachmentFileMissing as missing:
        context = {"case_id": attachment.case_id, "message": missing.message}
        return render(request, "monitoring/attachment_missing.html", context, status=404)


def file_response(attachment: Attachment) -> FileResponse:
    """The stored file, under its original name; photos shown, documents downloaded.
    Raises `AttachmentFileMissing` when the stored file is gone."""
    response = FileResponse(
        uploads.open_stored(attachment),
        content_type=attachment.content_type,
        as_attachment=attachment.kind != AttachmentKind.PHOTO,
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_remove(request: AuthedRequest, attachment_id: int) -> HttpResponse:
    """Remove a wrongly attached file (POST, with the reason); the row stays in the timeline."""
    user = request.user
    try:
        attachment = selectors.attachment_get(user=user, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    case = _case(user, attachment.case_id)
    key = f"remove-{attachment.pk}"
    if request.method != "POST":
        url = reverse("monitoring:case_detail", kwargs={"case_id": case.pk})
        return redirect(f"{url}#{key}")
    form = forms.RemoveAttachmentForm(request.POST, attachment=attachment, actor=user, prefix=key)
    if form.is_valid() and attempt(form, form.act) is not None:
        return _to_case(request, case, _("The file is removed."))
    return render_case(request, case, {key: form}, status=400)


# ---- a new clue ---------------------------------------------------------------------------


def _household_by_number(user: User, number: str) -> Household | None:
    return households_visible_to(user).filter(national_number=number.strip()).first()


@login_required
def clue_new(request: AuthedRequest) -> HttpResponse:
    """Hand in a clue (线索) for a household; it joins the household's open case or opens one."""
    user = request.user
    if user.role not in INTAKE_ROLES:
        raise PageForbidden
    initial = {"national_number": request.GET.get("household", "")}
    form = forms.ClueForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        household = _household_by_number(user, data["national_number"])
        if household is None:
            form.add_error("national_number", _("No household with this number in your area."))
        else:
            clue = attempt(
                form,
                lambda: actions.clue_receive(
                    actor=user,
                    household=household,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    description=data["description"],
                ),
            )
            if clue is not None:
                return _to_case(request, clue.case, _("The clue is received."))
    return render(request, "monitoring/clue_form.html", {"form": form})
