"""Read a batch's file, check every row, match people, stage the rows that can be promoted.

One pass over the file, row by row: blank rows are counted apart; a row that does not parse is
*rejected*; a row whose natural key already came earlier in the file is a *duplicate* (the first
is kept); a person whose ID number is not an active member of the batch's unit is *unmatched*.
The rest are staged to a JSON-lines file, a chunk per line, and compared with the department
table to tell how many are new, would update a row, or are unchanged. Refused rows are kept as
`BatchIssue`s and written to the error workbook.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fupin.datahub import storage
from fupin.datahub.feeds import FEEDS, Feed
from fupin.datahub.models import BatchIssue, BatchStatus, ImportBatch, IssueKind
from fupin.datahub.pipeline import report, tables
from fupin.datahub.pipeline.columns import ColumnPlan, plan_columns
from fupin.datahub.pipeline.keys import KeyIndex
from fupin.datahub.pipeline.rows import Problem, RowConverter
from fupin.datahub.pipeline.tables import Row
from fupin.registry.models import Member, MemberStatus
from fupin.tabular.readers import SourceRow, Table, open_table

CHUNK = 10_000
Progress = Callable[[int], None]


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


def active_members(batch: ImportBatch) -> dict[str, int]:
    """ID number ▸ member id of every active member in the batch's unit."""
    members = Member.objects.filter(
        status=MemberStatus.ACTIVE, household__village__path__startswith=batch.org_unit.path
    )
    return dict(members.values_list("id_number", "pk").iterator(chunk_size=10_000))


class Reader:
    """The one pass over the rows of a file."""

    def __init__(self, batch: ImportBatch, feed: Feed, plan: ColumnPlan, progress: Progress):
        self.batch, self.feed, self.plan, self.progress = batch, feed, plan, progress
        self.converter = RowConverter(feed, plan, (batch.period_year, batch.period_month))
        self.members = active_members(batch)
        self.pending: list[tuple[SourceRow, dict[str, Any], str]] = []  # checked, not settled
        self.staged: list[Row] = []
        self.issues: list[BatchIssue] = []
        self.tally = Tally()
        self.columns = tables.stored_columns(feed)
        self.key_label = "、".join(
            feed.column(f).preset for f in feed.natural_key if f in feed.fields
        )

    def run(self, table: Table) -> Tally:
        header_row = self.plan.header.row_number
        path = storage.staging_path(self.batch.pk)
        with (
            open(path, "w", encoding="utf-8") as out,
            closing(table.rows()) as rows,
            KeyIndex() as self.keys,
        ):
            for row in rows:
                if row.number <= header_row:
                    continue
                if row.is_blank():
                    self.tally.blank += 1
                    continue
                self.take(row)
                if len(self.pending) >= CHUNK or len(self.issues) >= CHUNK:
                    self.flush(out)
            self.flush(out)
        return self.tally

    def take(self, row: SourceRow) -> None:
        """Check a row; a row that passes waits for `settle` with the rest of its chunk."""
        self.tally.read += 1
        values, problems = self.converter.convert(row)
        if problems:
            self.tally.rejected += 1
            self.refuse(row, IssueKind.REJECTED, problems[0].code, problems, values)
            return
        self.pending.append((row, values, self.feed.key_of(values)))

    def settle(self) -> None:
        """Duplicates, then people, for the checked rows of a chunk (in the order of the file)."""
        hashes = [hash(key) for _row, _values, key in self.pending]
        first_rows = self.keys.first_rows(hashes)
        new: dict[int, int] = {}
        for (row, values, key), digest in zip(self.pending, hashes, strict=True):
            first = first_rows.get(digest) or new.get(digest)
            if first is not None:
                self.duplicate(row, values, first)
                continue
            new[digest] = row.number
            self.match(row, values, key)
        self.keys.add(new.items())
        self.pending = []

    def duplicate(self, row: SourceRow, values: dict[str, Any], first: int) -> None:
        self.tally.duplicate += 1
        reason = _("The same %(key)s as row %(row)s; only the first is kept.") % {
            "key": self.key_label,
            "row": first,
        }
        self.refuse(row, IssueKind.DUPLICATE, "duplicate_key", reason, values)

    def match(self, row: SourceRow, values: dict[str, Any], key: str) -> None:
        tally = self.tally
        person = self.members.get(values["id_number"])
        if person is None:
            tally.unmatched += 1
            reason = _("No active member of %(unit)s has this ID number.") % {
                "unit": self.batch.org_unit.name
            }
            self.refuse(row, IssueKind.UNMATCHED, "not_in_registry", reason, values)
            return
        values["person_id"] = person
        self.staged.append(tables.staged_row(self.columns, row.number, key, values))

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

    def flush(self, out: IO[str]) -> None:
        if self.pending:
            self.settle()
        if self.staged:
            self.compare(self.staged)
            out.write(json.dumps(self.staged, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            self.staged = []
        if self.issues:
            BatchIssue.objects.bulk_create(self.issues, batch_size=1000)
            self.issues = []
        self.progress(self.tally.read + self.tally.blank)

    def compare(self, rows: list[Row]) -> None:
        """Count the rows that are new, would update a row, or are the same as stored."""
        existing = tables.existing_rows(self.feed, [row[1] for row in rows])
        for row in rows:
            found = existing.get(row[1])
            if found is None:
                self.tally.new += 1
            elif found.values == tuple(row[2:]):
                self.tally.unchanged += 1
            else:
                self.tally.updated += 1


def read_staged(batch: ImportBatch) -> Any:
    """The staged rows, a chunk at a time."""
    with open(storage.staging_path(batch.pk), encoding="utf-8") as staged:
        for line in staged:
            yield json.loads(line)
