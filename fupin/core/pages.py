"""What every app's pages share: running an action for a page, where a refusal goes on the form
(or into a message), "forbidden" becomes the 403 page and "not found" the 404 page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404, HttpRequest, QueryDict

from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.core.forms import BootstrapForm

Result = TypeVar("Result")


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, or None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def run_action(
    write: Callable[[], Result], *, refused: Callable[[DomainError], None]
) -> Result | None:
    """Run an action; hand its refusal to `refused`. Forbidden and not found become pages."""
    try:
        return write()
    except PermissionDenied as exc:
        raise PageForbidden(str(exc.message)) from exc
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        refused(exc)
        return None


def attempt(form: BootstrapForm, write: Callable[[], Result]) -> Result | None:
    """Run an action; its refusal goes on the form, on the field it names."""

    def on_form(exc: DomainError) -> None:
        form.add_error(form.field_for_error(exc.field), str(exc.message))

    return run_action(write, refused=on_form)


def attempt_with_message(request: HttpRequest, write: Callable[[], Result]) -> Result | None:
    """Run an action; its refusal becomes an error message on the next page."""

    def as_message(exc: DomainError) -> None:
        messages.error(request, str(exc.message))

    return run_action(write, refused=as_message)
