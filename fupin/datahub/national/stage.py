"""Stage a national file: read every row, check it, group people by household, plan each
household against the registry, and keep what would be promoted.

One pass over the file checks the cells (and the person's identity: ID number with its type,
birth date, sex, relation, phones) and puts each checked row on disk under its household (see
`store`). Then: every later row of the same person is a duplicate; each household is planned
by the registry (fupin.registry.national.load), which refuses the rows that break its rules
and says what each other row would change. The households that go in are staged (a chunk per
line) for `promote`, which plans them again on the registry as it then is.

A row without 户编号 belongs to the household of the head (户主) row above it, so a file that
numbers only its head rows, or none, still imports; a household with no number keeps none.
"""

from __future__ import annotations

import json
import re
from contextlib import closing
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fupin.core.errors import DomainError
from fupin.datahub import storage
from fupin.datahub.feeds import NATIONAL
from fupin.datahub.models import BatchIssue, BatchStatus, ImportBatch, IssueKind
from fupin.datahub.national.store import Chunk, GroupStore
from fupin.datahub.pipeline import report
from fupin.datahub.pipeline.columns import ColumnPlan, plan_columns
from fupin.datahub.pipeline.stage import Progress, Tally, count, finish, record_plan
from fupin.registry import codes
from fupin.registry.national.export import check_year, default_income_year
from fupin.registry.national.load import Outcome, Planner, RowResult
from fupin.registry.national.rows import (
    PersonRow,
    Problem,
    Refused,
    check_identity,
    check_phones,
)
from fupin.tabular.errors import TabularError, ValueProblem
from fupin.tabular.readers import SourceRow, Table, open_table

HOUSEHOLDS_PER_CHUNK = 1000
ISSUES_PER_WRITE = 5000
SAMPLE_ROWS = 10
YEAR_NOTE = re.compile(r"收入年度\s*[:：]\s*(\d{4})")
IMPRECISE_ID = _(
    "The ID number was stored as a number and has lost its last digits. Format the column as "
    "text in Excel, type the numbers again and retry."
)


def preview_path(batch_id: int) -> Path:
    return storage.folder(storage.STAGING) / f"batch-{batch_id}.national.json"


def stage(batch: ImportBatch, progress: Progress) -> None:
    """Stage the batch (status staging ▸ staged, or needs_mapping if columns are missing)."""
    with (
        translation.override(settings.LANGUAGE_CODE),
        open_table(batch.stored_path, filename=batch.file_name) as table,
    ):
        plan = plan_columns(table, NATIONAL, batch.mapping or None)
        record_plan(batch, table, plan)
        if plan.missing or plan.problems:
            batch.status = BatchStatus.NEEDS_MAPPING
            batch.save()
            return
        if batch.period_year is None:
            batch.period_year = income_year_note(table, plan) or default_income_year()
        try:
            check_year(batch.period_year)
        except DomainError as wrong:
            raise TabularError(wrong.code, wrong.message) from None
        tally = Reader(batch, plan, progress).run(table)
        count(batch, tally)
        report.write_error_workbook(batch)
    finish(batch)


def income_year_note(table: Table, plan: ColumnPlan) -> int | None:
    """The year named above the header (收入年度：2025, as fupin's own export writes it)."""
    with closing(table.rows()) as rows:
        for row in islice(rows, max(plan.header.first_row - 1, 0)):
            for cell in row.cells:
                found = YEAR_NOTE.search(cell or "")
                if found:
                    return int(found.group(1))
    return None


class Converter:
    """A source row ▸ its values by target (only the columns the file has), or its problems."""

    def __init__(self, plan: ColumnPlan) -> None:
        self.slots = [
            (
                column.field,
                plan.indexes[column.field],
                column.parser,
                column.required,
                plan.header.columns[plan.indexes[column.field]] or column.preset,
            )
            for column in NATIONAL.columns
            if column.field in plan.indexes
        ]
        self.constants = dict(plan.constants)
        self.id_index = plan.indexes.get("member.id_number", -1)
        self.number_index = plan.indexes.get("household.national_number", -1)
        self.relation = NATIONAL_COLUMN["member.relation"].parser
        self.relation_index = plan.indexes.get("member.relation", -1)

    def convert(self, row: SourceRow) -> tuple[dict[str, Any], list[Problem]]:
        cells = row.cells
        width = len(cells)
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for target, index, parse, required, label in self.slots:
            text = cells[index] if index < width else None
            if text is None:
                values[target] = None
                if required:
                    problems.append(Problem("empty", label, _("The cell is empty.")))
                continue
            try:
                values[target] = parse(text)
            except ValueProblem as problem:
                problems.append(Problem(problem.code, label, problem.message))
        values.update(self.constants)
        if self.id_index in row.imprecise:
            problems.insert(0, Problem("id_number_as_number", "证件号码", IMPRECISE_ID))
        return values, problems

    def number(self, row: SourceRow) -> str:
        return (row.cell(self.number_index) or "").strip()

    def is_head(self, row: SourceRow) -> bool:
        text = row.cell(self.relation_index)
        if text is None:
            return False
        try:
            return bool(self.relation(text) == codes.Relation.HEAD)
        except ValueProblem:
            return False


NATIONAL_COLUMN = {column.field: column for column in NATIONAL.columns}


class Reader:
    """The pass over the file, then the households planned chunk by chunk."""

    def __init__(self, batch: ImportBatch, plan: ColumnPlan, progress: Progress) -> None:
        self.batch, self.plan, self.progress = batch, plan, progress
        self.converter = Converter(plan)
        self.tally = Tally()
        self.issues: list[BatchIssue] = []
        self.today = timezone.localdate()
        self.last_head_key = ""
        self.sample: list[RowResult] = []
        self.households = {"new": 0, "updated": 0, "unchanged": 0}

    def run(self, table: Table) -> Tally:
        header_row = self.plan.header.row_number
        with GroupStore() as store, closing(table.rows()) as rows:
            self.store = store
            for row in rows:
                if row.number <= header_row:
                    continue
                if row.is_blank():
                    self.tally.blank += 1
                    continue
                self.take(row)
                if len(self.issues) >= ISSUES_PER_WRITE:
                    self.write_issues()
                self.progress(self.tally.read + self.tally.blank)
            store.finish()
            for duplicate in store.duplicates():
                self.duplicate(
                    duplicate.row,
                    duplicate.first,
                    duplicate.id_number,
                    duplicate.name,
                    duplicate.cells,
                )
            self.plan_households(store)
        self.write_issues()
        self.write_preview()
        return self.tally

    def key_of(self, row: SourceRow) -> str:
        """户编号, or the key of the last head row above (a head with no number: "#row")."""
        number = self.converter.number(row)
        if self.converter.is_head(row):
            self.last_head_key = number or f"#{row.number}"
            return self.last_head_key
        return number or self.last_head_key

    def take(self, row: SourceRow) -> None:
        self.tally.read += 1
        key = self.key_of(row)
        values, problems = self.converter.convert(row)
        if not problems and not key:
            problems.append(
                Problem(
                    "no_household",
                    "户编号",
                    _("The row has no 户编号 and no head (户主) row above it."),
                )
            )
        if not problems:
            person = PersonRow(row.number, key, values)
            try:
                check_identity(values, today=self.today)
                check_phones(person)
            except Refused as refused:
                problems.append(refused.problem)
            else:
                self.store.add(person, row.cells)
                return
        self.store.add_refused(key, row.number if self.converter.is_head(row) else None)
        self.reject(row.number, problems, values, row.cells)

    def reject(
        self, row: int, problems: list[Problem], values: dict[str, Any], cells: list[str | None]
    ) -> None:
        self.tally.rejected += 1
        self.issue(row, IssueKind.REJECTED, problems[0].code, "；".join(p.text() for p in problems),
                   values, cells)  # fmt: skip

    def duplicate(
        self, row: int, first: int, number: str, name: str, cells: list[str | None]
    ) -> None:
        self.tally.duplicate += 1
        reason = _("The same 证件号码 as row %(row)s; only the first is kept.") % {"row": first}
        values = {"member.id_number": number, "member.name": name}
        self.issue(row, IssueKind.DUPLICATE, "duplicate_key", reason, values, cells)

    def issue(
        self,
        row: int,
        kind: str,
        code: str,
        reason: str,
        values: dict[str, Any],
        cells: list[str | None],
    ) -> None:
        self.issues.append(
            BatchIssue(
                batch_id=self.batch.pk,
                row_number=row,
                kind=kind,
                code=code,
                reason=reason,
                id_number=str(values.get("member.id_number") or "")[:32],
                name=str(values.get("member.name") or "")[:64],
                cells=cells,
            )
        )

    def write_issues(self) -> None:
        BatchIssue.objects.bulk_create(self.issues, batch_size=1000)
        self.issues = []

    # ---- households -------------------------------------------------------------------------

    def plan_households(self, store: GroupStore) -> None:
        planner = Planner(
            unit=self.batch.org_unit, year=int(self.batch.period_year or 0), today=self.today
        )
        path = storage.staging_path(self.batch.pk)
        with open(path, "w", encoding="utf-8") as out:
            for chunk in store.households(HOUSEHOLDS_PER_CHUNK):
                self.plan_chunk(planner, chunk, out)
                self.write_issues()

    def plan_chunk(self, planner: Planner, chunk: Chunk, out: IO[str]) -> None:
        plan = planner.plan(chunk.groups, chunk.sizes, refused_heads=chunk.refused_heads)
        for row, problem in plan.refusals:
            self.reject(row.row, [problem], row.values, chunk.cells[row.row])
        for result in plan.results:
            self.tally.new += result.outcome == Outcome.NEW
            self.tally.updated += result.outcome == Outcome.UPDATED
            self.tally.unchanged += result.outcome == Outcome.UNCHANGED
        for write in plan.writes:
            kind = "new" if write.new else "updated" if write.changes_anything else "unchanged"
            self.households[kind] += 1
        self.sample = sorted([*self.sample, *plan.results], key=lambda r: r.row)[:SAMPLE_ROWS]
        accepted = {member.row for write in plan.writes for member in write.members}
        staged = [row.as_json() for group in chunk.groups for row in group if row.row in accepted]
        if staged:
            sizes = {key: chunk.sizes[key] for key in {item[1] for item in staged}}
            out.write(
                json.dumps(
                    {"sizes": sizes, "rows": staged}, ensure_ascii=False, separators=(",", ":")
                )
            )
            out.write("\n")

    def write_preview(self) -> None:
        preview = {
            "year": self.batch.period_year,
            "households": self.households,
            "sample": [
                {
                    "row": r.row,
                    "household": r.key,
                    "name": r.name,
                    "id_number": r.id_number,
                    "outcome": r.outcome.value,
                    "changes": r.changes,
                }
                for r in self.sample
            ],
        }
        preview_path(self.batch.pk).write_text(
            json.dumps(preview, ensure_ascii=False), encoding="utf-8"
        )


def read_preview(batch: ImportBatch) -> dict[str, Any]:
    try:
        return dict(json.loads(preview_path(batch.pk).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def read_staged(batch: ImportBatch) -> Any:
    with open(storage.staging_path(batch.pk), encoding="utf-8") as staged:
        for line in staged:
            item = json.loads(line)
            groups: dict[str, list[PersonRow]] = {}
            for raw in item["rows"]:
                person = PersonRow.from_json(raw)
                groups.setdefault(person.key, []).append(person)
            yield list(groups.values()), item["sizes"]
