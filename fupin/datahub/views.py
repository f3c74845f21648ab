"""Data hub pages under /datahub/: batches, upload, the mapping step, preview, promote, rollback.

While a batch is read or promoted its page polls a progress fragment (htmx) once a second and
reloads itself when the batch is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.accounts.models import User
from fupin.accounts.roles import Capability
from fupin.core.errors import NotFound
from fupin.core.pages import attempt_with_message
from fupin.datahub import actions, forms, selectors
from fupin.datahub.feeds import NATIONAL, SOURCES, Feed, Source
from fupin.datahub.models import BatchStatus, ImportBatch
from fupin.datahub.pipeline import report
from fupin.registry.selectors import can_see_sensitive

PAGE_SIZE = 30


class AuthedRequest(HttpRequest):
    user: User


def _require(user: User, capability: str) -> None:
    if not user.can(capability):
        raise PageForbidden


def _batch(user: User, batch_id: int) -> ImportBatch:
    _require(user, Capability.VIEW_IMPORTS)
    try:
        return selectors.batch_get(user=user, batch_id=batch_id)
    except NotFound:
        raise Http404 from None


NATIONAL_SAMPLE_LABELS = {
    "source_row": _lazy("source row"),
    "id_number": _lazy("ID number"),
    "name": _lazy("Name"),
    "household": "户编号",
    "outcome": _lazy("What it does"),
    "changes": _lazy("What changes"),
}


def column_label(feed: Source, name: str) -> str:
    """A stored column as the page names it (the model's label)."""
    if not isinstance(feed, Feed):
        return str(NATIONAL_SAMPLE_LABELS.get(name, name))
    field = feed.model._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _to_batch(batch_id: int) -> HttpResponseRedirect:
    return redirect("datahub:batch_detail", batch_id=batch_id)


# ---- reading ------------------------------------------------------------------------------


@login_required
def batch_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.VIEW_IMPORTS)
    feed = request.GET.get("feed", "")
    batches = selectors.batch_list(user=user, feed=feed if feed in SOURCES else "")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    for batch in page.object_list:
        batch.feed_label = SOURCES[batch.feed].department
    context = {
        "page": page,
        "feeds": SOURCES,
        "feed": feed,
        "can_upload": bool(selectors.importable_feeds(user)),
    }
    return render(request, "datahub/batch_list.html", context)


@login_required
def batch_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The batch: counts that add up, progress, the mapping step, the preview, the actions."""
    user = request.user
    batch = _batch(user, batch_id)
    feed = SOURCES[batch.feed]
    importer = selectors.can_import(user, feed)
    sample = selectors.sample_rows(user=user, batch=batch)
    context = {
        "batch": batch,
        "feed": feed,
        "sample": sample,
        "sample_labels": [column_label(feed, name) for name in (sample[0] if sample else [])],
        "rejected": selectors.batch_issues(user=user, batch=batch, kind="rejected", limit=20),
        "duplicates": selectors.batch_issues(user=user, batch=batch, kind="duplicate", limit=20),
        "unmatched": selectors.unmatched_rows(user=user, batch=batch, limit=20),
        "can_promote": importer and batch.status == BatchStatus.STAGED and not batch.dry_run,
        "can_remap": importer
        and batch.status in (BatchStatus.NEEDS_MAPPING, BatchStatus.STAGED, BatchStatus.FAILED),
        "can_discard": importer
        and batch.status in (BatchStatus.STAGED, BatchStatus.NEEDS_MAPPING, BatchStatus.FAILED),
        "can_rollback": user.can(Capability.ROLLBACK_IMPORTS)
        and batch.status == BatchStatus.PROMOTED
        and not feed.writes_registry,
        "rollback_form": forms.RollbackForm(),
        "national": selectors.national_households(batch) if feed is NATIONAL else None,
        "promoted_so_far": selectors.promotion_progress(batch),
    }
    return render(request, "datahub/batch_detail.html", context)


@login_required
def batch_progress(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The progress fragment; once the batch is done, tells htmx to reload the page."""
    batch = _batch(request.user, batch_id)
    context = {"batch": batch, "promoted_so_far": selectors.promotion_progress(batch)}
    response = render(request, "datahub/_progress.html", context)
    if not batch.is_working and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
def batch_errors(request: AuthedRequest, batch_id: int) -> FileResponse:
    user = request.user
    batch = _batch(user, batch_id)
    stream = report.workbook_for(batch, mask=not can_see_sensitive(user))
    return FileResponse(stream, as_attachment=True, filename=report.download_name(batch))


# ---- writing ------------------------------------------------------------------------------


@login_required
def batch_upload(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, Capability.IMPORT_FEEDS)
    feeds = selectors.importable_feeds(user)
    if not feeds:
        raise PageForbidden
    mappings = list(selectors.mappings_visible_to(user))
    form = forms.UploadForm(
        request.POST or None,
        request.FILES or None,
        feeds=feeds,
        mappings=mappings,
        initial={"feed": request.GET.get("feed", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        batch = attempt_with_message(
            request,
            lambda: actions.batch_upload(
                actor=user,
                feed=data["feed"],
                file_name=upload.name,
                chunks=upload.chunks(),
                period=data["period"],
                mapping=data["mapping"],
            ),
        )
        if batch is not None:
            return _to_batch(batch.pk)
    context = {"form": form, "feeds": feeds}
    return render(request, "datahub/upload.html", context)


@login_required
def batch_mapping(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The mapping step: which column of the file holds which field, optionally saved."""
    user = request.user
    batch = _batch(user, batch_id)
    feed = SOURCES[batch.feed]
    if not selectors.can_import(user, feed):
        raise PageForbidden
    form = forms.MappingForm(
        request.POST or None,
        feed=feed,
        headers=[text or "" for text in batch.headers],
        initial=forms.mapping_initial(batch.mapping),
    )
    saved = [m for m in selectors.mappings_visible_to(user) if m.feed == feed.code]
    if request.method == "POST":
        chosen = request.POST.get("saved", "")
        if chosen or form.is_valid():
            done = attempt_with_message(
                request,
                lambda: actions.batch_remap(
                    actor=user,
                    batch=batch,
                    columns=None if chosen else form.columns(),
                    mapping=chosen or None,
                    save_as="" if chosen else form.cleaned_data["save_as"],
                ),
            )
            if done is not None:
                messages.success(request, _("The file is read again with these columns."))
                return _to_batch(batch.pk)
    context = {"batch": batch, "feed": feed, "form": form, "saved": saved}
    return render(request, "datahub/mapping.html", context)


def _post_only(view: Callable[[AuthedRequest, ImportBatch], Any]) -> Callable[..., HttpResponse]:
    """A button's target: GET shows the batch; POST runs the action and shows the batch."""

    @login_required
    def handle(request: AuthedRequest, batch_id: int) -> HttpResponse:
        batch = _batch(request.user, batch_id)
        if request.method == "POST":
            view(request, batch)
        return _to_batch(batch_id)

    handle.__name__ = view.__name__
    handle.__doc__ = view.__doc__
    return handle


@_post_only
def batch_promote(request: AuthedRequest, batch: ImportBatch) -> None:
    """入库: promote all rows of the batch in one transaction (in the background)."""
    _require(request.user, Capability.IMPORT_FEEDS)
    if attempt_with_message(
        request, lambda: actions.batch_promote(actor=request.user, batch=batch)
    ):
        messages.success(request, _("The batch is being promoted."))


@_post_only
def batch_discard(request: AuthedRequest, batch: ImportBatch) -> None:
    _require(request.user, Capability.IMPORT_FEEDS)
    if attempt_with_message(
        request, lambda: actions.batch_discard(actor=request.user, batch=batch)
    ):
        messages.success(request, _("The batch is discarded."))


@_post_only
def batch_rollback(request: AuthedRequest, batch: ImportBatch) -> None:
    _require(request.user, Capability.ROLLBACK_IMPORTS)
    form = forms.RollbackForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = attempt_with_message(
        request, lambda: actions.batch_rollback(actor=request.user, batch=batch, reason=reason)
    )
    if done:
        messages.success(request, _("The batch is rolled back."))
