"""政策参数 pages under /parameters/: every parameter with its value today, and one parameter's
dated entries (shipped and the site's own) with the form to set a new value."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.accounts.models import User
from fupin.accounts.roles import has_role
from fupin.core.errors import NotFound
from fupin.core.pages import attempt, posted
from fupin.parameters import actions, permissions, selectors
from fupin.parameters.forms import ParameterValueForm


class AuthedRequest(HttpRequest):
    user: User


@login_required
@require_GET
def parameter_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.parameter_rows(on=today, province=selectors.province_for(request.user))
    context = {
        "rows": rows,
        "today": today,
        "can_edit": has_role(request.user, permissions.EDIT_ROLES),
    }
    return render(request, "parameters/parameter_list.html", context)


@login_required
def parameter_detail(request: AuthedRequest, name: str) -> HttpResponse:
    try:
        parameter = actions.parameter_get(name)
    except NotFound:
        raise Http404 from None
    can_edit = has_role(request.user, permissions.EDIT_ROLES)
    if request.method == "POST" and not can_edit:
        raise PageForbidden
    form = ParameterValueForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = attempt(
                form,
                lambda: actions.parameter_value_add(actor=request.user, name=name, **form.values()),
            )
            if saved is not None:
                messages.success(request, _("The new value is saved."))
                return redirect("parameters:parameter_detail", name=name)
        status = 400
    today = timezone.localdate()
    context = {
        "parameter": parameter,
        "row": selectors.row(parameter, on=today, province=selectors.province_for(request.user)),
        "shipped": sorted(parameter.values, key=lambda entry: (entry.starts_on, entry.province)),
        "edits": selectors.parameter_edits(name),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "parameters/parameter_detail.html", context, status=status)
