"""Registry pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fupin.registry.selectors import household_list as select_households


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    households = select_households(user=request.user)[:50]
    return render(request, "registry/household_list.html", {"households": households})
