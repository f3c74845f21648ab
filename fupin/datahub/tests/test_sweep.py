"""The start-up sweep: a batch whose process is gone, or silent past the lease, is failed."""

from __future__ import annotations

import datetime as dt
import socket

from django.utils import timezone

from fupin.datahub import actions
from fupin.datahub.models import BatchIssue, BatchStatus, ImportBatch
from fupin.datahub.tests.conftest import stage
from fupin.datahub.tests.files import csv_bytes


def staged(township_officer, people) -> ImportBatch:
    rows = [["姓名", "身份证号", "救助类别"], ["王大山", "123", "低保"]]
    return stage(township_officer, "civil_affairs", csv_bytes(rows), period="2020-03")


def test_a_batch_left_by_a_dead_process_is_failed_and_its_half_read_rows_dropped(
    township_officer, people
):
    batch = staged(township_officer, people)
    dead = f"{socket.gethostname()}:{2**22 + 12345}"  # above the kernel's pid limit
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.STAGING, owner=dead)
    # when
    swept = actions.sweep_stale_batches()
    # then
    batch.refresh_from_db()
    assert swept == 1
    assert (batch.status, batch.error_code, batch.owner) == ("failed", "interrupted", "")
    assert not BatchIssue.objects.filter(batch=batch).exists()
    assert batch.adds_up


def test_a_batch_of_another_host_is_failed_only_after_the_lease(township_officer, people, settings):
    batch = staged(township_officer, people)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.PROMOTING, owner="elsewhere:1", heartbeat_at=timezone.now()
    )
    assert actions.sweep_stale_batches() == 0
    # when it has not reported for longer than the lease
    old = timezone.now() - dt.timedelta(seconds=settings.DATAHUB_LEASE_SECONDS + 1)
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=old)
    # then
    assert actions.sweep_stale_batches() == 1
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert BatchIssue.objects.filter(batch=batch).exists()  # the checked rows stay reported


def test_a_batch_waiting_in_the_queue_is_left_alone(township_officer, people):
    batch = staged(township_officer, people)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PROMOTING, owner="")
    assert actions.sweep_stale_batches() == 0
