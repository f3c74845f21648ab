"""The 公示 notice of a village (HTML to print, and PDF), the 监测对象台账 with its Excel export
in the national layout, and the township dashboard."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.models import OrgUnit, User
from fupin.accounts.scope import villages_visible_to
from fupin.core.errors import NotFound
from fupin.monitoring import excel, selectors
from fupin.monitoring.actions import current_posting
from fupin.monitoring.dashboard import dashboard as dashboard_numbers
from fupin.monitoring.deadlines import posting_working_days
from fupin.monitoring.ledger import ledger as ledger_entries
from fupin.monitoring.models import Case, CaseState, Phase, Posting
from fupin.monitoring.views.cases import AuthedRequest
from fupin.registry.models import MemberStatus
from fupin.registry.selectors import can_see_sensitive, household_head

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- 公示 notice --------------------------------------------------------------------------


@dataclass
class NoticeRow:
    """What a posting may show of a household: never ID numbers, phones, bank accounts or
    health (POLICY.md §1)."""

    group: str
    head_name: str
    size: int
    matter: str
    detail: str
    posting: Posting


def _notice_row(case: Case) -> NoticeRow | None:
    posting = current_posting(case)
    if posting is None:
        return None
    household = case.household
    head = household_head(household)
    if posting.phase == Phase.IDENTIFICATION:
        matter = _("Proposed for monitoring")
        detail = case.get_proposed_category_display() if case.proposed_category else ""
    else:
        matter = _("Proposed risk elimination")
        detail = case.get_elimination_mode_display()
    return NoticeRow(
        group=household.group.name if household.group else "",
        head_name=head.name if head else "",
        size=household.members.filter(status=MemberStatus.ACTIVE).count(),
        matter=str(matter),
        detail=str(detail),
        posting=posting,
    )


def _notice_village(user: User, code: str) -> OrgUnit | None:
    if code:
        try:
            return selectors.village_of(user=user, code=code)
        except NotFound:
            raise Http404 from None
    villages = list(villages_visible_to(user)[:2])
    return villages[0] if len(villages) == 1 else None


def _notice_context(request: AuthedRequest) -> dict[str, Any]:
    user = request.user
    village = _notice_village(user, request.GET.get("village", ""))
    rows: list[NoticeRow] = []
    if village is not None:
        for case in selectors.posted_cases(user=user, village=village):
            row = _notice_row(case)
            if row is not None:
                rows.append(row)
    contacts = sorted({row.posting.contact for row in rows})
    places = sorted({row.posting.place for row in rows})
    return {
        "village": village,
        "villages": villages_visible_to(user),
        "rows": rows,
        "contacts": contacts,
        "places": places,
        "starts_on": min((row.posting.starts_on for row in rows), default=None),
        "ends_on": max((row.posting.ends_on for row in rows), default=None),
        "working_days": posting_working_days(timezone.localdate()),
        "today": timezone.localdate(),
    }


@login_required
def notice(request: AuthedRequest) -> HttpResponse:
    """村内公示 notice of a village: the households under review, printable."""
    return render(request, "monitoring/notice.html", _notice_context(request))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The PDF is made from the page alone: nothing is fetched, least of all from outside."""
    raise ValueError(f"not fetched: {url}")


@login_required
def notice_pdf(request: AuthedRequest) -> HttpResponse:
    """The same notice as a PDF (WeasyPrint)."""
    from weasyprint import HTML

    context = {**_notice_context(request), "for_pdf": True}
    html = render_to_string("monitoring/notice.html", context, request=request)
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    village = context["village"]
    name = f"notice-{village.code if village else 'all'}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---- 监测对象台账 -------------------------------------------------------------------------


def _ledger_params(request: AuthedRequest) -> tuple[str, bool]:
    code = request.GET.get("village", "")
    if code and not villages_visible_to(request.user).filter(code=code).exists():
        raise Http404
    return code, request.GET.get("eliminated") == "1"


@login_required
def ledger(request: AuthedRequest) -> HttpResponse:
    """监测对象台账 of a village or the whole area, or the 风险消除名单."""
    code, eliminated = _ledger_params(request)
    entries = ledger_entries(user=request.user, village=code, eliminated_only=eliminated)
    context = {
        "entries": entries,
        "village": code,
        "eliminated": eliminated,
        "villages": villages_visible_to(request.user),
        "people": sum(len(entry.members) for entry in entries),
    }
    return render(request, "monitoring/ledger.html", context)


@login_required
def ledger_export(request: AuthedRequest) -> HttpResponse:
    """The ledger as an Excel file in the national layout (header on row 3)."""
    code, eliminated = _ledger_params(request)
    entries = ledger_entries(user=request.user, village=code, eliminated_only=eliminated)
    title = excel.ELIMINATED_TITLE if eliminated else excel.LEDGER_TITLE
    stream = io.BytesIO()
    excel.write_ledger(stream, entries, sensitive=can_see_sensitive(request.user), title=title)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    stem = "eliminated" if eliminated else "ledger"
    response["Content-Disposition"] = f'attachment; filename="{stem}-{code or "all"}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---- dashboard ----------------------------------------------------------------------------


def chart_data(numbers: Any) -> dict[str, Any]:
    """The dashboard's numbers shaped for ECharts (labels in the page's language)."""
    from fupin.monitoring.models import Channel
    from fupin.registry import codes

    categories = dict(codes.MonitoringCategory.choices)
    risks = dict(codes.RiskType.choices)
    states = dict(CaseState.choices)
    channels = dict(Channel.choices)
    villages = [v.name for v in numbers.villages]
    used_categories = sorted({c for v in numbers.villages for c in v.by_category})
    used_risks = sorted({r for v in numbers.villages for r in v.by_risk})
    months = sorted(numbers.clues_by_month)
    return {
        "villages": villages,
        "categories": [
            {
                "name": str(categories.get(c, c)),
                "households": [
                    v.by_category.get(c, {}).get("households", 0) for v in numbers.villages
                ],
                "people": [v.by_category.get(c, {}).get("people", 0) for v in numbers.villages],
            }
            for c in used_categories
        ],
        "risks": [
            {
                "name": str(risks.get(r, r)),
                "households": [v.by_risk.get(r, {}).get("households", 0) for v in numbers.villages],
            }
            for r in used_risks
        ],
        "states": [
            {"name": str(states[s]), "value": numbers.cases_by_state.get(s, 0)}
            for s in CaseState.values
        ],
        "months": months,
        "channels": [
            {"name": str(label), "data": [numbers.clues_by_month[m].get(value, 0) for m in months]}
            for value, label in channels.items()
        ],
        "elimination_months": sorted(numbers.eliminations_by_month),
        "eliminations": [
            numbers.eliminations_by_month[m] for m in sorted(numbers.eliminations_by_month)
        ],
    }


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The township dashboard (ECharts served by the app itself)."""
    today = timezone.localdate()
    numbers = dashboard_numbers(user=request.user, today=today)
    context = {
        "numbers": numbers,
        "charts": chart_data(numbers),
        "share_percent": numbers.share * 100 if numbers.share is not None else None,
        "guide_percent": numbers.guide * 100,
        "ceiling_percent": numbers.ceiling * 100,
        "over_guide": numbers.share is not None and numbers.share > numbers.guide,
        "overdue": selectors.overdue_cases(user=request.user, today=today)[:20],
    }
    return render(request, "monitoring/dashboard.html", context)
