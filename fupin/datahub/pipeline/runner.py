"""Run the long steps of a batch as one process's work: claim, report progress, finish or fail.

A process claims a batch by writing its name ("host:pid") on it; while it works it reports
rows processed and a heartbeat at most once a second. If it dies, the batch is left in a
working state that `sweep` turns to failed at the next start of any fupin process: promotion
runs in one transaction, so the database has already dropped whatever it had written.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError
from fupin.datahub import storage
from fupin.datahub.feeds import NATIONAL
from fupin.datahub.models import WORKING_STATES, BatchIssue, BatchStatus, ImportBatch
from fupin.datahub.national import promote as national_promote
from fupin.datahub.national import stage as national_stage
from fupin.datahub.pipeline import promote as promoting
from fupin.datahub.pipeline import stage as staging
from fupin.datahub.pipeline import store as staged_rows
from fupin.tabular.errors import TabularError

Display = Callable[[str, int], None]  # (phase, rows processed)
REPORT_EVERY = 1.0  # seconds
INTERRUPTED = _("The import was interrupted (the process stopped); nothing of it was promoted.")
INTERNAL = _("The import stopped on an unexpected error; nothing of it was promoted.")


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(batch_id: int, *, states: tuple[str, ...], to: str) -> ImportBatch | None:
    """Take the batch for this process if it is in one of `states` and nobody has it."""
    taken = ImportBatch.objects.filter(pk=batch_id, status__in=states, owner="").update(
        status=to, owner=owner_id(), heartbeat_at=timezone.now()
    )
    return ImportBatch.objects.select_related("org_unit").get(pk=batch_id) if taken else None


class Reporter:
    """Progress of a phase on a display, and for the batch's page: on the batch row, or, inside
    the promotion's transaction (whose writes no one else sees until it ends), in a small file
    beside the staged rows (`storage.write_progress`)."""

    def __init__(self, batch: ImportBatch, phase: str, *, store: bool, display: Display | None):
        self.batch_id, self.phase, self.store, self.display = batch.pk, phase, store, display
        self.last = 0.0

    def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < REPORT_EVERY:
            return
        self.last = now
        if self.store:
            ImportBatch.objects.filter(pk=self.batch_id).update(
                rows_processed=rows, heartbeat_at=timezone.now()
            )
        else:
            storage.write_progress(self.batch_id, rows)
        if self.display is not None:
            self.display(self.phase, rows)


def run_staging(batch_id: int, display: Display | None = None) -> ImportBatch | None:
    batch = claim(batch_id, states=(BatchStatus.RECEIVED,), to=BatchStatus.STAGING)
    if batch is None:
        return None
    reset(batch)
    stage = national_stage.stage if batch.feed == NATIONAL.code else staging.stage
    try:
        stage(batch, Reporter(batch, "staging", store=True, display=display))
    except TabularError as problem:
        fail(batch, problem.code, problem.message, keep_issues=False)
    finally:
        fail_if_left(batch, BatchStatus.STAGING, keep_issues=False)
    release(batch)
    return ImportBatch.objects.get(pk=batch_id)


def run_promotion(batch_id: int, display: Display | None = None) -> ImportBatch | None:
    batch = claim(batch_id, states=(BatchStatus.PROMOTING,), to=BatchStatus.PROMOTING)
    if batch is None:
        return None
    promote = national_promote.promote if batch.feed == NATIONAL.code else promoting.promote
    try:
        with transaction.atomic():
            done = promote(batch, Reporter(batch, "promoting", store=False, display=display))
            ImportBatch.objects.filter(pk=batch_id).update(
                status=BatchStatus.PROMOTED,
                rows_new=done.new,
                rows_updated=done.updated,
                rows_unchanged=done.unchanged,
                finished_at=timezone.now(),
                owner="",
            )
    except DomainError as refused:  # the registry refuses what it accepted when staged
        fail(batch, refused.code, refused.message, keep_issues=True)
    finally:
        fail_if_left(batch, BatchStatus.PROMOTING, keep_issues=True)
        storage.remove(storage.progress_path(batch_id))
    storage.remove(storage.staging_path(batch_id))
    return ImportBatch.objects.get(pk=batch_id)


def reset(batch: ImportBatch) -> None:
    """Forget what an earlier reading of the batch found (it is read again with a new mapping)."""
    BatchIssue.objects.filter(batch=batch).delete()
    for name in ("read", "promoted", "rejected", "duplicate", "unmatched", "new", "updated"):
        setattr(batch, f"rows_{name}", 0)
    batch.rows_unchanged = batch.rows_blank = batch.rows_processed = 0
    batch.error_code = batch.error_message = ""
    batch.save()


def release(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(owner="")


def fail(batch: ImportBatch, code: str, message: object, *, keep_issues: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    if not keep_issues:
        BatchIssue.objects.filter(batch=batch).delete()
        ImportBatch.objects.filter(pk=batch.pk).update(
            **{f"rows_{name}": 0 for name in ("read", "promoted", "rejected", "duplicate")},
            rows_unmatched=0,
            rows_new=0,
            rows_updated=0,
            rows_unchanged=0,
        )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED,
        error_code=code,
        error_message=text,
        finished_at=timezone.now(),
        owner="",
    )
    storage.remove(storage.staging_path(batch.pk))
    storage.remove(storage.progress_path(batch.pk))
    staged_rows.discard(batch.pk)


def fail_if_left(batch: ImportBatch, state: str, *, keep_issues: bool) -> None:
    """After an unexpected error (which goes on up), the batch must not stay in `state`."""
    if ImportBatch.objects.filter(pk=batch.pk, status=state).exists():
        fail(batch, "internal_error", INTERNAL, keep_issues=keep_issues)


# ---- the sweep ----------------------------------------------------------------------------


def owner_gone(owner: str) -> bool:
    """Whether the process named by `owner` is known to have stopped (on this host)."""
    host, _colon, pid_text = owner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep() -> int:
    """Fail the batches whose process died (or stopped reporting for the lease); how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.DATAHUB_LEASE_SECONDS)
    swept = 0
    working = ImportBatch.objects.filter(status__in=WORKING_STATES).exclude(owner="")
    for batch in working:
        stale = batch.heartbeat_at is not None and batch.heartbeat_at < cutoff
        if stale or owner_gone(batch.owner):
            keep = batch.status == BatchStatus.PROMOTING
            fail(batch, "interrupted", INTERRUPTED, keep_issues=keep)
            swept += 1
    return swept
