"""Promotion: its progress while it runs, a fresh comparison with the table as it then is, and
one promotion of a feed at a time on PostgreSQL."""

from __future__ import annotations

import csv
import io
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from fupin.datahub import actions, pipeline, storage
from fupin.datahub.feeds import FEEDS
from fupin.datahub.models import BatchStatus, ImportBatch, MedicalClaim, ReplacedRow
from fupin.datahub.pipeline import compare, runner
from fupin.datahub.pipeline.promote import feed_lock_key
from fupin.datahub.tests.conftest import promote, stage
from fupin.datahub.tests.files import csv_bytes
from fupin.tests.clients import session

CLAIM_HEADER = ["姓名", "身份证号", "结算编号", "住院/门诊", "就诊日期", "医疗总费用"]
WAIT = 30.0  # seconds a thread may wait for another (never reached when all goes well)


def claims(people, numbers, total="100"):
    person = people["王大山"]
    return csv_bytes(
        [
            CLAIM_HEADER,
            *[
                [person.name, person.id_number, f"C{n}", "门诊", "2020-03-05", total]
                for n in numbers
            ],
        ]
    )


def test_the_batch_shows_how_many_rows_are_promoted_while_it_is_promoted(
    township_officer, people, monkeypatch
):
    # given a staged batch of five claims, promoted two rows at a time, every step reported
    batch = stage(township_officer, "medical", claims(people, range(5)))
    monkeypatch.setattr(compare, "PART", 2)
    monkeypatch.setattr(runner, "REPORT_EVERY", 0.0)
    actions.batch_promote(actor=township_officer, batch=batch, queue=False)
    client = session(township_officer)
    seen: list[tuple[int, int | None, str]] = []

    def watch(phase: str, rows: int) -> None:
        api = client.get(f"/api/v1/datahub/batches/{batch.pk}").json()
        page = client.get(f"/datahub/batches/{batch.pk}/progress/").content.decode()
        seen.append((rows, api["rows_promoted_so_far"], page))

    # when
    pipeline.run_promotion(batch.pk, display=watch)
    # then the API and the page showed each step, and nothing once it is done
    assert [(rows, api) for rows, api, _page in seen] == [(2, 2), (4, 4), (5, 5)]
    assert "已入库 2 行，共 5 行" in seen[0][2]
    done = session(township_officer).get(f"/api/v1/datahub/batches/{batch.pk}").json()
    assert done["status"] == "promoted" and done["rows_promoted_so_far"] is None
    assert not storage.progress_path(batch.pk).exists()


def test_promotion_compares_with_the_table_as_it_is_when_promoting_not_when_staged(
    township_officer, people
):
    # given two files staged while the table was empty, sharing claim C2 with another total
    first = stage(township_officer, "medical", claims(people, [1, 2]))
    second = stage(township_officer, "medical", claims(people, [2, 3], total="250"))
    assert (second.rows_new, second.rows_updated) == (2, 0)  # its preview, then
    # when both are promoted, one after the other
    first = promote(township_officer, first)
    second = promote(township_officer, second)
    # then the second updates C2 (keeping what it replaced) instead of adding it again
    assert (second.status, second.rows_new, second.rows_updated) == ("promoted", 1, 1)
    assert MedicalClaim.objects.get(claim_no="C2").total_cost == Decimal("250.00")
    replaced = ReplacedRow.objects.get(batch=second)
    assert (replaced.previous_batch_id, replaced.values["total_cost"]) == (first.pk, "100.00")


def test_a_promotion_killed_midway_keeps_no_progress_file_after_the_sweep(township_officer, people):
    # given a batch left promoting by a process that is gone, with its progress file
    batch = stage(township_officer, "medical", claims(people, [1]))
    actions.batch_promote(actor=township_officer, batch=batch, queue=False)
    storage.write_progress(batch.pk, 1)
    ImportBatch.objects.filter(pk=batch.pk).update(owner="elsewhere:1", heartbeat_at=None)
    # when the batch is failed
    runner.fail(batch, "interrupted", runner.INTERRUPTED, keep_issues=True)
    # then
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.FAILED
    assert not storage.progress_path(batch.pk).exists()
    assert not storage.staging_path(batch.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time already"
)
def test_two_promotions_of_one_feed_on_postgresql_run_one_after_the_other(township_officer, people):
    # given two staged files sharing claim C3 (with another total), both marked promoting
    first = stage(township_officer, "medical", claims(people, [1, 2, 3]))
    second = stage(township_officer, "medical", claims(people, [3, 4, 5], total="250"))
    for batch in (first, second):
        actions.batch_promote(actor=township_officer, batch=batch, queue=False)
    inside, release = threading.Event(), threading.Event()

    def hold(phase: str, rows: int) -> None:  # the first promotion pauses inside its lock
        inside.set()
        release.wait(WAIT)

    def run(batch_id: int, display) -> None:
        try:
            pipeline.run_promotion(batch_id, display=display)
        finally:
            connections.close_all()

    first_thread = threading.Thread(target=run, args=(first.pk, hold))
    first_thread.start()
    assert inside.wait(WAIT)
    second_thread = threading.Thread(target=run, args=(second.pk, None))
    second_thread.start()
    # when the second promotion is seen waiting for the feed's lock
    namespace, key = feed_lock_key(FEEDS["medical"])
    waiting = False
    deadline = time.monotonic() + WAIT
    while not waiting and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND classid = %s::oid AND objid = %s::oid",
                [namespace % (1 << 32), key % (1 << 32)],
            )
            waiting = cursor.fetchone()[0] == 1
        time.sleep(0.05)
    release.set()
    first_thread.join(WAIT)
    second_thread.join(WAIT)
    # then it waited, and once the first had committed it updated C3 instead of failing on it
    assert waiting
    first, second = (ImportBatch.objects.get(pk=batch.pk) for batch in (first, second))
    assert (first.status, first.rows_new) == ("promoted", 3)
    assert (second.status, second.rows_new, second.rows_updated) == ("promoted", 2, 1)
    assert MedicalClaim.objects.count() == 5
    assert MedicalClaim.objects.get(claim_no="C3").total_cost == Decimal("250.00")


@pytest.mark.parametrize("reader", ["arrow", "python"])
def test_rows_read_in_many_chunks_and_written_many_a_statement_arrive_whole_and_in_order(
    township_officer, people, monkeypatch, reader
):
    # given 455 claims (one repeating a claim of an earlier chunk), read 50 rows a chunk (each
    # chunk checked on a worker thread while the one before is settled) and written 200 rows
    # an INSERT (two full statements and 55 rows one by one)
    from fupin.datahub.pipeline import chunks, tables

    monkeypatch.setattr(chunks, "ARROW_ROWS", 50)
    monkeypatch.setattr(chunks, "ARROW_BLOCK", 4096)
    monkeypatch.setattr(chunks, "PYTHON_CHUNK", 50)
    if reader == "python":  # a workbook is read the Python way
        monkeypatch.setattr(chunks, "arrow_possible", lambda table, header_row: False)
    monkeypatch.setattr(tables, "ROWS_PER_STATEMENT", 200)
    person = people["王大山"]
    rows = [
        [person.name, person.id_number, f"C{n}", "门诊", "2020-03-05", f"{n}.5"] for n in range(454)
    ]
    rows.insert(300, rows[10])  # row 302 of the file repeats row 12
    # when it is staged and promoted
    batch = promote(
        township_officer, stage(township_officer, "medical", csv_bytes([CLAIM_HEADER, *rows]))
    )
    # then every claim arrived once, with its own values and row number
    assert (batch.status, batch.rows_read, batch.rows_new, batch.rows_duplicate) == (
        "promoted",
        455,
        454,
        1,
    )
    stored = list(
        MedicalClaim.objects.filter(batch=batch)
        .order_by("source_row")
        .values_list("source_row", "claim_no", "total_cost")
    )
    assert len(stored) == 454
    assert stored[0] == (2, "C0", Decimal("0.50"))
    assert stored[199] == (201, "C199", Decimal("199.50"))
    assert stored[200] == (202, "C200", Decimal("200.50"))
    assert stored[300] == (303, "C300", Decimal("300.50"))  # row 302 was the duplicate
    assert stored[-1] == (456, "C453", Decimal("453.50"))
    assert batch.issues.get().row_number == 302


@pytest.mark.parametrize("where", ["check", "settle"])
def test_an_error_in_the_middle_of_a_file_fails_the_batch_and_leaves_nothing_of_it(
    township_officer, people, monkeypatch, where
):
    # given a file read 50 rows a chunk whose third chunk fails, in its check (on the worker
    # thread) or while it is settled (on this one), while the fourth chunk's check is busy
    from fupin.datahub.models import BatchIssue
    from fupin.datahub.pipeline import checks, chunks, store
    from fupin.datahub.pipeline import stage as staging

    monkeypatch.setattr(chunks, "ARROW_ROWS", 50)
    monkeypatch.setattr(chunks, "ARROW_BLOCK", 4096)
    check, settle = checks.Checker.check, staging.Reader.settle
    checked: list[str] = []
    settled: list[int] = []
    busy = threading.Event()

    def failing_check(self, connection):
        checked.append(threading.current_thread().name)
        if where == "check" and len(checked) == 3:
            raise RuntimeError("it broke")
        if len(checked) == 4:  # half a second of DuckDB on this chunk's cursor
            busy.set()
            connection.execute("SELECT sum(hash(i)) FROM range(200000000) t(i)").fetchall()
        check(self, connection)

    def failing_settle(self, connection, chunk):
        settled.append(chunk.table.num_rows)
        if where == "settle" and len(settled) == 3:
            assert busy.wait(WAIT)
            time.sleep(0.05)  # the fourth check is inside DuckDB now
            raise RuntimeError("it broke")
        settle(self, connection, chunk)

    monkeypatch.setattr(checks.Checker, "check", failing_check)
    monkeypatch.setattr(staging.Reader, "settle", failing_settle)
    person = people["王大山"]
    rows = [[person.name, person.id_number, f"C{n}", "门诊", "2020-03-05", "1"] for n in range(300)]
    rows[5][1] = "123"  # a refused row in the first chunk: its issue must not stay either
    batch = actions.batch_upload(
        actor=township_officer,
        feed="medical",
        file_name="名单.csv",
        chunks=[csv_bytes([CLAIM_HEADER, *rows])],
        queue=False,
    )
    # when it is read, the error goes up (to the task runner, which logs it)
    with pytest.raises(RuntimeError, match="it broke"):
        pipeline.run_staging(batch.pk)
    # then the checks ran on the worker thread, the batch failed, and nothing of it is left
    assert checked and all(name.startswith("fupin-check") for name in checked)
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.status, batch.error_code, batch.rows_read) == ("failed", "internal_error", 0)
    assert not BatchIssue.objects.filter(batch=batch).exists()
    assert not storage.staging_path(batch.pk).exists()
    assert not store.work_folder(batch.pk).exists()


def test_promoted_rows_keep_empty_texts_missing_values_and_quotes_apart(township_officer, people):
    # given claims with an empty hospital, no reimbursed amount, and a hospital whose name has a
    # comma and quotes (PostgreSQL takes the rows as CSV text)
    person = people["王大山"]
    header = [*CLAIM_HEADER, "报销金额", "就诊医院"]
    rows = [
        [person.name, person.id_number, "C1", "门诊", "2020-03-05", "100", "", ""],
        [
            person.name,
            person.id_number,
            "C2",
            "住院",
            "2020-03-06",
            "200",
            "50",
            '关坝"中心",卫生院',
        ],
    ]
    # when they are imported
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])  # the hospital quoted, its quotes doubled
    content = text.getvalue().encode()
    batch = promote(township_officer, stage(township_officer, "medical", content))
    # then each value is stored as it was read
    assert (batch.status, batch.rows_new) == ("promoted", 2)
    stored = {
        claim.claim_no: (claim.hospital, claim.reimbursed, claim.period_month)
        for claim in MedicalClaim.objects.filter(batch=batch)
    }
    assert stored == {
        "C1": ("", None, 3),
        "C2": ('关坝"中心",卫生院', Decimal("50.00"), 3),
    }
