"""Screening pages under /screening/: rules (text, cases, versions, last results, the edit
form), runs (the run button and live progress, polled with htmx) and findings by rule and
village with their evidence, dismiss and send-to-monitoring buttons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.accounts.models import User
from fupin.accounts.roles import has_role
from fupin.core.errors import DomainError, NotFound
from fupin.core.pages import attempt_with_message
from fupin.parameters.selectors import parameter_rows
from fupin.rules.catalog import default_catalog
from fupin.screening import actions, forms, permissions, selectors
from fupin.screening.errors import RuleRefused
from fupin.screening.evidence import evidence_for, explain
from fupin.screening.models import Category, Finding, FindingStatus, Rule, Run
from fupin.screening.parameters import DEFAULT_PROVINCE

PAGE_SIZE = 30
CASE_DIRS = (
    Path(__file__).resolve().parent / "tests" / "cases",
    Path(__file__).resolve().parent.parent / "rules" / "tests" / "cases",
)


class AuthedRequest(HttpRequest):
    user: User


def _require_viewer(user: User) -> None:
    if not has_role(user, permissions.VIEW_ROLES):
        raise PageForbidden


# ---- rules --------------------------------------------------------------------------------


def rule_cases(code: str) -> list[dict[str, Any]]:
    """The YAML cases of a rule (its worked examples), for the rule page."""
    for folder in CASE_DIRS:
        path = folder / f"{code}.yaml"
        if path.exists():
            cases: list[dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))["cases"]
            return cases
    return []


def _last_counts(user: User) -> dict[str, dict[str, int]]:
    run = selectors.runs_visible_to(user).filter(status="succeeded").first()
    return run.counts if run else {}


@login_required
@require_GET
def rule_list(request: AuthedRequest) -> HttpResponse:
    """规则库: every rule with its latest version; `?code=` shows one rule in full."""
    user = request.user
    _require_viewer(user)
    code = request.GET.get("code", "")
    if code:
        return _rule_detail(request, code, forms.RuleVersionForm.initial_for(_rule(user, code)))
    rules = selectors.rules_visible_to(user).prefetch_related("versions")
    context = {
        "rules": rules,
        "categories": Category.choices,
        "counts": _last_counts(user),
        "can_edit": has_role(user, permissions.EDIT_RULE_ROLES),
        "parameters": parameter_rows(
            on=timezone.localdate(), province=DEFAULT_PROVINCE, names=default_catalog().parameters
        ),
    }
    return render(request, "screening/rule_list.html", context)


def _rule(user: User, code: str) -> Rule:
    try:
        return selectors.rule_get(user=user, code=code)
    except NotFound:
        raise Http404 from None


def _rule_detail(
    request: AuthedRequest, code: str, form: forms.RuleVersionForm, status: int = 200
) -> HttpResponse:
    rule = _rule(request.user, code)
    context = {
        "rule": rule,
        "versions": rule.versions.order_by("-number"),
        "cases": rule_cases(rule.code),
        "counts": _last_counts(request.user).get(rule.code),
        "form": form,
        "can_edit": has_role(request.user, permissions.EDIT_RULE_ROLES),
    }
    return render(request, "screening/rule_detail.html", context, status=status)


@login_required
def rule_edit(request: AuthedRequest) -> HttpResponse:
    """修订规则: a new version, checked before it is saved; a refusal shows line and column."""
    if request.method != "POST":
        return redirect("screening:rule_list")
    if not has_role(request.user, permissions.EDIT_RULE_ROLES):
        raise PageForbidden
    form = forms.RuleVersionForm(request.POST)
    if not form.is_valid():
        return _rule_detail(request, request.POST.get("rule", ""), form, status=400)
    rule = _rule(request.user, form.cleaned_data["rule"])
    try:
        version = actions.rule_version_create(actor=request.user, rule=rule, **form.version())
    except RuleRefused as refused:
        form.add_refusal(refused)
        return _rule_detail(request, rule.code, form, status=400)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return _rule_detail(request, rule.code, form, status=400)
    messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    return redirect(f"{reverse('screening:rule_list')}?code={rule.code}")


# ---- runs ---------------------------------------------------------------------------------


@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    """筛查批次: the runs over the user's area; POST starts one (the run button)."""
    user = request.user
    if request.method == "POST":
        run = attempt_with_message(
            request,
            lambda: actions.run_start(actor=user, engine=request.POST.get("engine", "duckdb")),
        )
        return redirect("screening:run_detail", run_id=run.pk) if run else redirect(request.path)
    if not has_role(user, permissions.RUN_VIEW_ROLES):
        raise PageForbidden
    runs = selectors.runs_visible_to(user).prefetch_related("units")[:50]
    context = {
        "runs": runs,
        "can_run": has_role(user, permissions.RUN_ROLES),
        "engines": actions.ENGINES,
    }
    return render(request, "screening/run_list.html", context)


def _run(user: User, run_id: int) -> Run:
    try:
        return selectors.run_get(user=user, run_id=run_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = _run(request.user, run_id)
    rows = sorted(run.counts.items())
    return render(request, "screening/run_detail.html", {"run": run, "rows": rows})


@login_required
@require_GET
def run_progress(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The progress fragment; once the run is done, tells htmx to reload the page."""
    run = _run(request.user, run_id)
    response = render(request, "screening/_progress.html", {"run": run})
    if run.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


# ---- findings -----------------------------------------------------------------------------


@login_required
@require_GET
def finding_list(request: AuthedRequest) -> HttpResponse:
    """筛查预警: findings by rule and village, filtered; evidence masked as the role needs."""
    user = request.user
    _require_viewer(user)
    query = forms.FindingFilterForm(request.GET or None)
    filters = query.filters() if query.is_valid() else selectors.FindingFilters()
    findings = selectors.finding_list(user=user, filters=filters)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    masked = selectors.evidence_masked(user)
    rows = [(finding, explain(finding, masked=masked)) for finding in page.object_list]
    context = {"page": page, "rows": rows, "form": query, "querystring": _querystring(request)}
    return render(request, "screening/finding_list.html", context)


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _finding(user: User, finding_id: int) -> Finding:
    _require_viewer(user)
    try:
        return selectors.finding_get(user=user, finding_id=finding_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def finding_detail(request: AuthedRequest, finding_id: int) -> HttpResponse:
    user = request.user
    finding = _finding(user, finding_id)
    masked = selectors.evidence_masked(user)
    context = {
        "finding": finding,
        "explanation": explain(finding, masked=masked),
        "evidence": sorted(evidence_for(finding.evidence, masked=masked).items()),
        "subject_name": _subject_name(finding, masked=masked),
        "can_handle": has_role(user, permissions.HANDLE_ROLES)
        and finding.status == FindingStatus.OPEN,
        "dismiss_form": forms.DismissForm(),
    }
    return render(request, "screening/finding_detail.html", context)


def _subject_name(finding: Finding, *, masked: bool) -> str:
    name = finding.member.name if finding.member else ""
    return name[:1] + "*" * (len(name) - 1) if masked and name else name


def _handle(
    request: AuthedRequest, finding_id: int, write: Callable[[Finding], Any], done: str
) -> HttpResponse:
    finding = _finding(request.user, finding_id)
    if request.method == "POST" and attempt_with_message(request, lambda: write(finding)):
        messages.success(request, done)
    return redirect("screening:finding_detail", finding_id=finding_id)


@login_required
def finding_dismiss(request: AuthedRequest, finding_id: int) -> HttpResponse:
    """核实排除: dismiss with a reason (audited)."""
    reason = request.POST.get("reason", "")
    return _handle(
        request,
        finding_id,
        lambda f: actions.finding_dismiss(actor=request.user, finding=f, reason=reason),
        _("The finding is dismissed."),
    )


@login_required
def finding_send(request: AuthedRequest, finding_id: int) -> HttpResponse:
    """转入监测: hand the finding to the monitoring workflow as a clue (audited)."""
    return _handle(
        request,
        finding_id,
        lambda f: actions.finding_send(actor=request.user, finding=f),
        _("The finding is sent to monitoring as a clue."),
    )
