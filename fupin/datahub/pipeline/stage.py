"""Read a batch's file, check every row, match people, stage the rows that can be promoted.

One pass over the file, a chunk of rows at a time: blank rows are counted apart; a row that does
not parse is *rejected*; a row whose natural key already came earlier in the file is a
*duplicate* (the first is kept); a person whose ID number is not an active member of the
batch's unit is *unmatched*. The rest are staged, typed, in a DuckDB file (`store`), and then
compared with the department table to tell how many are new, would update a row, or are
unchanged. Refused rows are kept as `BatchIssue`s and written to the error workbook.

The checks run on whole columns (`checks`, in DuckDB, a chunk on a worker thread while the
chunk before is settled: `Reader.read`), with the Python parsers deciding every cell that is
not in its plainest form and `rows.RowConverter` giving the reasons of every refused row, so
the outcome and the Chinese reasons are those of a row-by-row check.
A CSV is read by pyarrow when it reads it exactly as fupin.tabular would (`chunks`); otherwise,
and for workbooks, by fupin.tabular.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fupin.datahub.feeds import FEEDS, Feed
from fupin.datahub.models import BatchIssue, BatchStatus, ImportBatch, IssueKind
from fupin.datahub.pipeline import compare, report, store
from fupin.datahub.pipeline.checks import Checker
from fupin.datahub.pipeline.chunks import (
    Chunk,
    NotPlain,
    arrow_chunks,
    arrow_possible,
    python_chunks,
)
from fupin.datahub.pipeline.columns import ColumnPlan, plan_columns
from fupin.datahub.pipeline.rows import Problem, RowConverter
from fupin.datahub.pipeline.store import ALIAS, KEYS, Connection, quoted
from fupin.registry.models import Member, MemberStatus
from fupin.tabular.readers import SourceRow, Table, open_table

Progress = Callable[[int], None]
MEMBERS_CHUNK = 100_000
ISSUES_BATCH = 1000


@dataclass
class Tally:
    read: int = 0
    blank: int = 0
    rejected: int = 0
    duplicate: int = 0
    unmatched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def promoted(self) -> int:
        return self.new + self.updated + self.unchanged


def stage(batch: ImportBatch, progress: Progress) -> None:
    """Stage the batch (status staging ▸ staged, or needs_mapping if columns are missing)."""
    feed = FEEDS[batch.feed]
    with (
        translation.override(settings.LANGUAGE_CODE),
        open_table(batch.stored_path, filename=batch.file_name) as table,
    ):
        plan = plan_columns(table, feed, batch.mapping or None)
        record_plan(batch, table, plan)
        if plan.missing or plan.problems:
            batch.status = BatchStatus.NEEDS_MAPPING
            batch.save()
            return
        tally = Reader(batch, feed, plan, progress).run(table)
        count(batch, tally)
        report.write_error_workbook(batch)
    finish(batch)


def record_plan(batch: ImportBatch, table: Table, plan: ColumnPlan) -> None:
    batch.sheet_name = table.sheet_name[:64]
    batch.header_row = plan.header.row_number
    batch.headers = plan.headers
    batch.mapping = plan.mapping
    batch.ignored_columns = plan.ignored()
    batch.missing_columns = [column.preset for column in plan.missing] + plan.problems


def count(batch: ImportBatch, tally: Tally) -> None:
    batch.rows_read, batch.rows_blank = tally.read, tally.blank
    batch.rows_rejected, batch.rows_duplicate = tally.rejected, tally.duplicate
    batch.rows_unmatched, batch.rows_promoted = tally.unmatched, tally.promoted
    batch.rows_new, batch.rows_updated, batch.rows_unchanged = (
        tally.new,
        tally.updated,
        tally.unchanged,
    )
    batch.rows_processed = tally.read + tally.blank


def finish(batch: ImportBatch) -> None:
    batch.same_file_as = (
        ImportBatch.objects.filter(
            feed=batch.feed, sha256=batch.sha256, status=BatchStatus.PROMOTED
        )
        .exclude(pk=batch.pk)
        .order_by("-pk")
        .first()
    )
    batch.status = BatchStatus.STAGED
    batch.staged_at = timezone.now()
    batch.save()


JSON_ARRAY = {"sqlite": "json_group_array({})", "postgresql": "coalesce(json_agg({}), '[]')::text"}


def active_members(batch: ImportBatch) -> Iterator[tuple[str, str]]:
    """The ID numbers and member ids of the active members in the batch's unit, as two JSON
    arrays (the database makes them, and DuckDB reads them, without a Python object a member),
    MEMBERS_CHUNK members at a time."""
    members = (
        Member.objects.filter(
            status=MemberStatus.ACTIVE, household__village__path__startswith=batch.org_unit.path
        )
        .order_by("pk")
        .values_list("id_number", "pk")
    )
    array = JSON_ARRAY[connection.vendor]  # the databases fupin runs on
    last = 0
    with connection.cursor() as cursor:
        while True:
            sql, params = members.filter(pk__gt=last)[:MEMBERS_CHUNK].query.sql_with_params()
            cursor.execute(
                f"SELECT {array.format('id_number')}, {array.format('pk')}, count(*), "
                f"max(pk) FROM ({sql}) AS chunk",
                params,
            )
            numbers, ids, found, last = cursor.fetchone()
            if not found:
                return
            yield numbers, ids
            if found < MEMBERS_CHUNK:
                return


class Reader:
    """The pass over the rows of a file, staging into the batch's DuckDB file."""

    def __init__(self, batch: ImportBatch, feed: Feed, plan: ColumnPlan, progress: Progress):
        self.batch, self.feed, self.plan, self.progress = batch, feed, plan, progress
        period = (batch.period_year, batch.period_month)
        self.converter = RowConverter(feed, plan, period)
        self.checker = Checker(feed, plan, period)
        self.tally = Tally()
        self.issues: list[BatchIssue] = []
        self.key_label = "、".join(
            feed.column(f).preset for f in feed.natural_key if f in feed.fields
        )
        self.unmatched_reason = ""
        self.columns = [name for name, _kind in store.column_types(feed) if name != "person_id"]

    def run(self, table: Table) -> Tally:
        header_row = self.plan.header.row_number
        width = self.checker.width
        with store.create(self.feed, self.batch.pk) as self.staging:
            self.connection = self.staging.connection
            self.load_members()
            self.unmatched_reason = _("No active member of %(unit)s has this ID number.") % {
                "unit": self.batch.org_unit.name
            }
            try:
                if not arrow_possible(table, header_row):
                    raise NotPlain("not a plain CSV")
                self.read(
                    arrow_chunks(self.batch.stored_path, table, header_row=header_row, width=width)
                )
            except NotPlain:
                self.start_again()
                id_index = self.plan.indexes.get("id_number", -1)
                self.read(
                    python_chunks(table, header_row=header_row, id_index=id_index, width=width)
                )
            self.staging.view()
            self.compare()
        return self.tally

    def load_members(self) -> None:
        for numbers, ids in active_members(self.batch):
            self.connection.execute(
                f"INSERT INTO {KEYS}.members SELECT unnest(from_json(?, '[\"VARCHAR\"]')), "
                "unnest(from_json(?, '[\"BIGINT\"]'))",
                [numbers, ids],
            )

    def start_again(self) -> None:
        """Forget what the pyarrow read had done, to read the file the Python way."""
        BatchIssue.objects.filter(batch_id=self.batch.pk).delete()
        self.issues = []
        self.staging.start()
        self.connection.execute(f"DELETE FROM {KEYS}.seen")
        for name in (item.name for item in fields(Tally)):
            setattr(self.tally, name, 0)

    def read(self, chunks: Iterable[Chunk]) -> None:
        """Check each chunk on a second thread while the one before is settled on this one.

        A chunk's check (`Checker.check`, in DuckDB, which lets go of the GIL) needs nothing of
        the chunks before it; settling one (duplicates, people, staging) must follow the file's
        order. So the check of a chunk runs on a worker thread, on a cursor of its own (DuckDB's
        temporary tables are a cursor's own; the work database is shared), while this thread
        reads the next rows and settles the chunk before: both cores are busy.
        """
        cursors = (self.connection.cursor(), self.connection.cursor())
        try:
            # leaving the block waits for the check under way, error or not: only then may its
            # cursor be closed (or the file be read again)
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fupin-check") as pool:
                pending: tuple[Future[None], Chunk, Connection] | None = None
                for number, chunk in enumerate(chunks):
                    cursor = cursors[number % 2]
                    checking = pool.submit(self.check, cursor, chunk)
                    if pending is not None:
                        self.finish(*pending)
                    pending = (checking, chunk, cursor)
                if pending is not None:
                    self.finish(*pending)
        finally:
            for cursor in cursors:
                cursor.close()

    def check(self, connection: Connection, chunk: Chunk) -> None:
        """The temporary table `cur` of the chunk's rows, checked (on the worker thread)."""
        if not chunk.table.num_rows:
            return
        connection.register("chunk", chunk.table)
        try:
            self.checker.check(connection)
        finally:
            connection.unregister("chunk")

    def finish(self, checking: Future[None], chunk: Chunk, connection: Connection) -> None:
        """A checked chunk's rows refused, duplicated, unmatched or staged, in the file's order."""
        checking.result()
        self.tally.blank += chunk.blank
        self.tally.read += chunk.table.num_rows
        if chunk.table.num_rows:
            self.check_in_python(connection, chunk)
            self.settle(connection, chunk)
        self.write_issues()
        self.progress(self.tally.read + self.tally.blank)

    def check_in_python(self, connection: Connection, chunk: Chunk) -> None:
        """Rows the SQL did not accept, row by row: the refused ones with their reasons."""
        numbers = [
            row
            for (row,) in connection.execute(
                "SELECT row FROM cur WHERE NOT ok ORDER BY row"
            ).fetchall()
        ]
        if not numbers:
            return
        accepted: list[dict[str, Any]] = []
        for number, row in sorted(chunk.source_rows(numbers).items()):
            values, problems = self.converter.convert(row)
            if problems:
                self.tally.rejected += 1
                self.refuse(row, IssueKind.REJECTED, problems[0].code, problems, values)
            else:
                accepted.append({"row": number, "natural_key": self.feed.key_of(values), **values})
        connection.execute("DELETE FROM cur WHERE NOT ok")
        if accepted:
            self.add_accepted(connection, accepted)

    def add_accepted(self, connection: Connection, accepted: list[dict[str, Any]]) -> None:
        """Rows the Python check accepted where the SQL was not sure: their values as checked."""
        names = ["row", "natural_key", *self.columns]
        table = pa.table({name: pa.array([row.get(name) for row in accepted]) for name in names})
        connection.register("accepted", table)
        kinds = dict(store.column_types(self.feed))
        values = ", ".join(
            f"CAST({quoted(name)} AS {kinds[name]}) AS {quoted(name)}" for name in self.columns
        )
        connection.execute(
            f"INSERT INTO cur BY NAME SELECT CAST(row AS BIGINT) AS row, TRUE AS ok, "
            f"CAST(natural_key AS VARCHAR) AS natural_key, {values} FROM accepted"
        )
        connection.unregister("accepted")

    def settle(self, connection: Connection, chunk: Chunk) -> None:
        """Duplicates, then people, for the accepted rows of a chunk (in the order of the file):
        a key met in an earlier chunk, or earlier in this one, makes a duplicate; a first row
        whose ID number is no active member's is unmatched; the others are staged."""
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE settled AS WITH repeats AS ("
            "SELECT natural_key, min(row) AS first FROM cur GROUP BY natural_key "
            "HAVING count(*) > 1) "
            "SELECT cur.row, cur.natural_key, "
            "coalesce(seen.row, repeats.first, cur.row) AS first_row, m.person_id FROM cur "
            f"LEFT JOIN {KEYS}.seen seen ON seen.natural_key = cur.natural_key "
            "LEFT JOIN repeats ON repeats.natural_key = cur.natural_key "
            f"LEFT JOIN {KEYS}.members m ON m.id_number = cur.id_number"
        )
        connection.execute(
            f"INSERT INTO {KEYS}.seen SELECT natural_key, row FROM settled WHERE first_row = row"
        )
        stored = ", ".join(
            "s.person_id AS person_id" if name == "person_id" else f"c.{quoted(name)}"
            for name, _kind in store.column_types(self.feed)
        )
        self.staging.append(
            connection.sql(
                f"SELECT *, {store.hash_sql(self.feed)} AS row_hash FROM ("
                f"SELECT c.row AS source_row, c.natural_key, {stored} FROM cur c "
                "JOIN settled s ON s.row = c.row "
                "WHERE s.first_row = s.row AND s.person_id IS NOT NULL) ORDER BY source_row"
            ).to_arrow_table()
        )
        refused = connection.execute(
            "SELECT s.row, s.first_row, c.id_number, c.name FROM settled s "
            "JOIN cur c ON c.row = s.row "
            "WHERE s.first_row <> s.row OR s.person_id IS NULL ORDER BY s.row"
        ).fetchall()
        if refused:
            rows = chunk.source_rows([number for number, *_rest in refused])
            for number, first, id_number, name in refused:
                values = {"id_number": id_number, "name": name}
                if first != number:
                    self.duplicate(rows[number], values, first)
                else:
                    self.tally.unmatched += 1
                    self.refuse(
                        rows[number],
                        IssueKind.UNMATCHED,
                        "not_in_registry",
                        self.unmatched_reason,
                        values,
                    )

    def duplicate(self, row: SourceRow, values: dict[str, Any], first: int) -> None:
        self.tally.duplicate += 1
        reason = _("The same %(key)s as row %(row)s; only the first is kept.") % {
            "key": self.key_label,
            "row": first,
        }
        self.refuse(row, IssueKind.DUPLICATE, "duplicate_key", reason, values)

    def refuse(
        self,
        row: SourceRow,
        kind: str,
        code: str,
        reason: str | list[Problem],
        values: dict[str, Any],
    ) -> None:
        if isinstance(reason, list):
            reason = "；".join(problem.text() for problem in reason)
        id_index = self.plan.indexes.get("id_number", -1)
        name_index = self.plan.indexes.get("name", -1)
        self.issues.append(
            BatchIssue(
                batch_id=self.batch.pk,
                row_number=row.number,
                kind=kind,
                code=code,
                reason=reason,
                id_number=(values.get("id_number") or row.cell(id_index) or "")[:32],
                name=(values.get("name") or row.cell(name_index) or "")[:64],
                cells=row.cells,
            )
        )

    def write_issues(self) -> None:
        if self.issues:
            BatchIssue.objects.bulk_create(self.issues, batch_size=ISSUES_BATCH)
            self.issues = []

    def compare(self) -> None:
        """Count the staged rows that are new, would update a row, or are the same as stored."""
        for part in compare.parts(self.connection, self.feed):
            self.tally.new += part.new_count
            self.tally.updated += part.updated_count
            self.tally.unchanged += part.unchanged


def read_staged(batch: ImportBatch, size: int = 10_000) -> Iterator[list[list[Any]]]:
    """The staged rows, a chunk at a time, each row as a list in staged form (source row,
    natural key, the stored values; see `tables`). Nothing if the batch has no staged file."""
    feed = FEEDS[batch.feed]
    with store.attached(batch.pk) as connection:
        reader = connection.execute(
            store.select_staged(feed, f"{ALIAS}.rows") + " ORDER BY source_row"
        )
        while chunk := reader.fetchmany(size):
            yield [list(row) for row in chunk]
