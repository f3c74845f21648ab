"""Registry pages. Reads go through selectors; each write parses a form, calls its action and
redirects to the household page. A refusal is shown on the form; nothing is written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.accounts.models import User
from fupin.accounts.roles import Capability
from fupin.accounts.scope import villages_visible_to
from fupin.core.errors import DomainError, NotFound
from fupin.core.forms import BootstrapForm
from fupin.core.pages import attempt, posted
from fupin.registry import actions, codes, display, forms, selectors
from fupin.registry.models import Household, Member, MemberStatus
from fupin.registry.national import export

PAGE_SIZE = 50
ACTIVE_HEADS = Prefetch(
    "members",
    queryset=Member.objects.filter(status=MemberStatus.ACTIVE, relation=codes.Relation.HEAD),
    to_attr="heads",
)


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is one of ours."""

    user: User


# ---- helpers ------------------------------------------------------------------------------


def _household(user: User, household_id: int) -> Household:
    try:
        return selectors.household_get(user=user, household_id=household_id)
    except NotFound:
        raise Http404 from None


def _member(user: User, household: Household, member_id: int) -> Member:
    try:
        member = selectors.member_get(user=user, member_id=member_id)
    except NotFound:
        raise Http404 from None
    if member.household_id != household.pk:
        raise Http404
    return member


def _require(user: User, capability: str) -> None:
    """Write pages are refused up front; the action checks the capability again."""
    if not user.can(capability):
        raise PageForbidden


def _done(request: HttpRequest, household: Household, message: str) -> HttpResponseRedirect:
    messages.success(request, message)
    return redirect("registry:household_detail", household_id=household.pk)


def _form_page(
    request: HttpRequest, form: BootstrapForm, *, title: str, **context: Any
) -> HttpResponse:
    return render(request, "registry/form.html", {"form": form, "title": title, **context})


def _is_htmx_swap(request: HttpRequest) -> bool:
    # A history restore asks for the whole page, not the fragment.
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


# ---- reading ------------------------------------------------------------------------------


@login_required
def household_list(request: AuthedRequest) -> HttpResponse:
    """一户一档 list: search and filters as a plain GET form, live-updated by htmx."""
    user = request.user
    form = forms.HouseholdFilterForm(request.GET or None, user=user)
    households = selectors.household_list(user=user, filters=form.filters())
    page = Paginator(households.prefetch_related(ACTIVE_HEADS), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "rows": display.household_rows(page.object_list, user=user),
        "can_register": user.can(Capability.REGISTER_HOUSEHOLD),
        "export_villages": villages_visible_to(user),
        "export_year": export.default_income_year(),
    }
    template = "registry/household_list.html"
    if _is_htmx_swap(request):
        template = "registry/_household_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def household_detail(request: AuthedRequest, household_id: int) -> HttpResponse:
    """一户一档: the household's facts, people, income, risks, helpers and history."""
    user = request.user
    household = _household(user, household_id)
    members = list(selectors.household_members(household=household, include_removed=True))
    today = timezone.localdate()
    active = [m for m in members if m.status == MemberStatus.ACTIVE]
    removed = [m for m in members if m.status != MemberStatus.ACTIVE]
    history = selectors.household_history(household=household)
    changes = selectors.household_status_changes(household=household)
    context = {
        "household": household,
        "head": next((m for m in active if m.relation == codes.Relation.HEAD), None),
        "income_formula": display.INCOME_FORMULA,
        "facts": display.household_facts(household, user=user),
        "members": display.member_rows(active, user=user, today=today),
        "removed_members": display.member_rows(removed, user=user, today=today),
        "incomes": household.incomes.all(),
        "risks": display.risk_labels(household),
        "helpers": selectors.active_helpers(household=household),
        "status_changes": display.status_rows(changes),
        "history": display.history_rows(
            history, user=user, members={member.pk: member for member in members}
        ),
        "can_edit": user.can(Capability.EDIT_HOUSEHOLD),
        "can_change_status": user.can(Capability.CHANGE_STATUS),
    }
    return render(request, "registry/household_detail.html", context)


@login_required
@require_GET
def national_export(request: AuthedRequest) -> HttpResponseBase:
    """全国系统格式: the households of the user's area, or of one village, in layout (a)."""
    user = request.user
    try:
        village = export.check_village(user, request.GET.get("village", ""))
        year = export.check_year(_year(request.GET.get("year")))
    except DomainError as refused:
        messages.error(request, str(refused.message))
        return redirect("registry:household_list")
    stream = export.workbook(
        user=user, village=village, year=year, sensitive=selectors.can_see_sensitive(user)
    )
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=export.download_name(village, year),
        content_type=export.XLSX,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else 0


# ---- writing ------------------------------------------------------------------------------


@login_required
def household_register(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.REGISTER_HOUSEHOLD)
    form = forms.HouseholdRegisterForm(posted(request), user=user)
    if form.is_valid():
        data = form.cleaned_data
        created = attempt(
            form,
            lambda: actions.household_register(
                actor=user,
                village_code=data["village"],
                group_code=data["group"] or None,
                household=form.household_data(),
                head=form.head_data(),
            ),
        )
        if created is not None:
            return _done(request, created, _("The household is registered."))
    return _form_page(request, form, title=_("Register a household"))


@login_required
def household_edit(request: AuthedRequest, household_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    _require(user, Capability.EDIT_HOUSEHOLD)
    form = forms.HouseholdFactsForm(
        posted(request),
        user=user,
        sensitive=selectors.can_see_sensitive(user),
        initial=forms.household_facts_initial(household),
    )
    if form.is_valid():
        saved = attempt(
            form,
            lambda: actions.household_update(
                actor=user,
                household=household,
                expected_version=form.cleaned_data["version"],
                data=form.data_for_action(),
                reason=form.cleaned_data["reason"],
            ),
        )
        if saved is not None:
            return _done(request, household, _("The household is saved."))
    return _form_page(request, form, title=_("Edit the household"), household=household)


@login_required
def member_add(request: AuthedRequest, household_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    _require(user, Capability.EDIT_HOUSEHOLD)
    form = forms.MemberForm(
        posted(request),
        sensitive=selectors.can_see_sensitive(user),
        initial={"version": household.version},
    )
    if form.is_valid():
        member = attempt(
            form,
            lambda: actions.member_add(
                actor=user,
                household=household,
                expected_version=form.cleaned_data["version"],
                data=form.data_for_action(),
            ),
        )
        if member is not None:
            return _done(request, household, _("%(name)s is added.") % {"name": member.name})
    return _form_page(
        request,
        form,
        title=_("Add a member"),
        household=household,
        intro=_("Sex and birth date are read from the ID number."),
    )


@login_required
def member_edit(request: AuthedRequest, household_id: int, member_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    member = _member(user, household, member_id)
    _require(user, Capability.EDIT_HOUSEHOLD)
    form = forms.MemberForm(
        posted(request),
        sensitive=selectors.can_see_sensitive(user),
        initial=forms.member_initial(member, household.version),
    )
    if form.is_valid():
        saved = attempt(
            form,
            lambda: actions.member_update(
                actor=user,
                member=member,
                expected_version=form.cleaned_data["version"],
                data=form.data_for_action(),
            ),
        )
        if saved is not None:
            return _done(request, household, _("%(name)s is saved.") % {"name": member.name})
    title = _("Edit member %(name)s") % {"name": member.name}
    return _form_page(request, form, title=title, household=household)


@login_required
def member_remove(request: AuthedRequest, household_id: int, member_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    member = _member(user, household, member_id)
    _require(user, Capability.EDIT_HOUSEHOLD)
    form = forms.MemberRemoveForm(
        posted(request),
        initial={"version": household.version, "removed_on": timezone.localdate()},
    )
    if form.is_valid():
        saved = attempt(
            form,
            lambda: actions.member_remove(
                actor=user,
                member=member,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                removed_on=form.cleaned_data["removed_on"],
                note=form.cleaned_data["note"],
            ),
        )
        if saved is not None:
            return _done(request, household, _("%(name)s is removed.") % {"name": member.name})
    title = _("Remove member %(name)s") % {"name": member.name}
    return _form_page(
        request,
        form,
        title=title,
        household=household,
        intro=_("The person's record is kept and shown among the removed members."),
        danger=True,
    )


@login_required
def income_record(request: AuthedRequest, household_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    _require(user, Capability.EDIT_HOUSEHOLD)
    year_asked = request.GET.get("year", "")
    year = int(year_asked) if year_asked.isdigit() else timezone.localdate().year - 1
    record = household.incomes.filter(year=year).first()
    form = forms.IncomeForm(
        posted(request), initial=forms.income_initial(record, year, household.version)
    )
    if form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: actions.income_record(
                actor=user,
                household=household,
                expected_version=data["version"],
                year=data["year"],
                amounts=form.amounts(),
                household_size=data["household_size"],
                note=data["note"],
            ),
        )
        if saved is not None:
            message = _("The income of %(year)s is recorded.") % {"year": saved.year}
            return _done(request, household, message)
    return _form_page(
        request,
        form,
        title=_("Record a year's income"),
        household=household,
        intro=display.INCOME_FORMULA,
    )


@login_required
def household_change_status(request: AuthedRequest, household_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    _require(user, Capability.CHANGE_STATUS)
    form = forms.StatusChangeForm(
        posted(request),
        initial={
            "household_type": household.household_type,
            "monitoring_category": household.monitoring_category,
            "effective_on": timezone.localdate(),
            "version": household.version,
        },
    )
    if form.is_valid():
        saved = attempt(
            form,
            lambda: actions.household_change_status(
                actor=user,
                household=household,
                expected_version=form.cleaned_data["version"],
                household_type=form.cleaned_data["household_type"],
                monitoring_category=form.cleaned_data["monitoring_category"],
                effective_on=form.cleaned_data["effective_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if saved is not None:
            return _done(request, household, _("The household status is changed."))
    return _form_page(request, form, title=_("Change the household status"), household=household)


@login_required
def household_set_risks(request: AuthedRequest, household_id: int) -> HttpResponse:
    user = request.user
    household = _household(user, household_id)
    _require(user, Capability.EDIT_HOUSEHOLD)
    current = list(household.risks.values_list("risk_type", flat=True))
    form = forms.RiskForm(
        posted(request), initial={"risk_types": current, "version": household.version}
    )
    if form.is_valid():
        saved = attempt(
            form,
            lambda: actions.household_set_risks(
                actor=user,
                household=household,
                expected_version=form.cleaned_data["version"],
                risk_types=form.cleaned_data["risk_types"],
                noted_on=form.cleaned_data["noted_on"],
            ),
        )
        if saved is not None:
            return _done(request, household, _("The risk types are saved."))
    return _form_page(request, form, title=_("Risk types"), household=household)
