"""API shapes of the data hub. ID numbers in rows are masked in the selectors, per caller."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from fupin.core.schemas import InputSchema, PageOut, PageQuery
from fupin.datahub.feeds import Source
from fupin.datahub.models import BatchIssue, ColumnMapping, ImportBatch
from fupin.datahub.selectors import Unmatched, promotion_progress

# ---- feeds --------------------------------------------------------------------------------


class ColumnOut(Schema):
    field: str
    header: str = Field(description="The header of the preset layout.")
    aliases: list[str] = Field(description="Other headers recognised for the same column.")
    required: bool


class FeedOut(Schema):
    code: str
    name: str
    department: str
    table: str = Field(
        description="The table name the screening engine uses; empty for `national`, which "
        "loads the registry itself."
    )
    natural_key: list[str]
    columns: list[ColumnOut]
    can_import: bool

    @classmethod
    def build(cls, feed: Source, *, can_import: bool) -> FeedOut:
        return cls(
            code=feed.code,
            name=str(feed.name),
            department=feed.department,
            table=feed.table,
            natural_key=list(feed.natural_key),
            columns=[
                ColumnOut(
                    field=column.field,
                    header=column.preset,
                    aliases=list(column.headers[1:]),
                    required=column.required,
                )
                for column in feed.columns
            ],
            can_import=can_import,
        )


# ---- batches ------------------------------------------------------------------------------


class RowCountsOut(Schema):
    read: int
    promoted: int
    rejected: int
    duplicates: int
    unmatched: int
    blank: int
    new: int
    updated: int
    unchanged: int
    adds_up: bool = Field(description="read = promoted + rejected + duplicates + unmatched")


class BatchOut(Schema):
    id: int
    feed: str
    file_name: str
    sha256: str
    size: int
    period: str
    unit: str
    status: str
    status_label: str
    dry_run: bool
    uploaded_by: str | None
    created_at: dt.datetime
    staged_at: dt.datetime | None
    finished_at: dt.datetime | None
    rows_processed: int = Field(description="Progress while the file is read.")
    rows_promoted_so_far: int | None = Field(
        description="Progress while the batch is promoted: rows written so far, of "
        "`rows.promoted` (null when the batch is not being promoted)."
    )
    rows: RowCountsOut
    header_row: int | None
    headers: list[str]
    mapping: dict[str, str]
    mapping_name: str
    ignored_columns: list[str]
    missing_columns: list[str]
    same_file_as: int | None
    has_error_workbook: bool
    error_code: str
    error_message: str
    rollback_reason: str

    @classmethod
    def build(cls, batch: ImportBatch) -> BatchOut:
        return cls(
            id=batch.pk,
            feed=batch.feed,
            file_name=batch.file_name,
            sha256=batch.sha256,
            size=batch.size,
            period=batch.period_text,
            unit=batch.org_unit.name,
            status=batch.status,
            status_label=str(batch.get_status_display()),
            dry_run=batch.dry_run,
            uploaded_by=str(batch.uploaded_by) if batch.uploaded_by else None,
            created_at=batch.created_at,
            staged_at=batch.staged_at,
            finished_at=batch.finished_at,
            rows_processed=batch.rows_processed,
            rows_promoted_so_far=promotion_progress(batch),
            rows=row_counts(batch),
            header_row=batch.header_row,
            headers=[text or "" for text in batch.headers],
            mapping=batch.mapping,
            mapping_name=batch.mapping_name,
            ignored_columns=batch.ignored_columns,
            missing_columns=batch.missing_columns,
            same_file_as=batch.same_file_as_id,
            has_error_workbook=bool(batch.rows_read - batch.rows_promoted),
            error_code=batch.error_code,
            error_message=batch.error_message,
            rollback_reason=batch.rollback_reason,
        )


def row_counts(batch: ImportBatch) -> RowCountsOut:
    return RowCountsOut(
        read=batch.rows_read,
        promoted=batch.rows_promoted,
        rejected=batch.rows_rejected,
        duplicates=batch.rows_duplicate,
        unmatched=batch.rows_unmatched,
        blank=batch.rows_blank,
        new=batch.rows_new,
        updated=batch.rows_updated,
        unchanged=batch.rows_unchanged,
        adds_up=batch.adds_up,
    )


class BatchPageOut(PageOut):
    items: list[BatchOut]


class BatchQuery(PageQuery):
    feed: str = ""
    status: str = ""


class IssueOut(Schema):
    row_number: int
    kind: str
    code: str
    reason: str
    id_number: str
    name: str
    cells: list[str | None]

    @classmethod
    def build(cls, issue: BatchIssue) -> IssueOut:
        return cls(
            row_number=issue.row_number,
            kind=issue.kind,
            code=issue.code,
            reason=issue.reason,
            id_number=issue.id_number,
            name=issue.name,
            cells=issue.cells,
        )


class CandidateOut(Schema):
    member_id: int
    household_id: int
    name: str
    id_number: str
    birth_date: dt.date
    village: str
    same_name: bool
    same_birth_date: bool


class UnmatchedOut(Schema):
    row_number: int
    name: str
    id_number: str
    birth_date: dt.date | None
    candidates: list[CandidateOut]

    @classmethod
    def build(cls, row: Unmatched) -> UnmatchedOut:
        return cls(
            row_number=row.issue.row_number,
            name=row.issue.name,
            id_number=row.issue.id_number,
            birth_date=row.birth_date,
            candidates=[CandidateOut(**candidate) for candidate in row.candidates],
        )


class PreviewOut(Schema):
    batch: BatchOut
    sample: list[dict[str, Any]] = Field(description="The first rows to promote (or promoted).")
    rejected: list[IssueOut]
    duplicates: list[IssueOut]
    unmatched: list[UnmatchedOut]


class RemapIn(InputSchema):
    columns: dict[str, str] | None = Field(
        None, description="{field: source header}; a value '=text' is a constant for the file."
    )
    mapping: str | None = Field(None, description="Or the name of a saved mapping.")
    save_as: str = Field("", description="Also save the columns as a mapping of this name.")


class RollbackIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=500)


# ---- mappings -----------------------------------------------------------------------------


class MappingIn(InputSchema):
    name: str = Field(..., max_length=64)
    feed: str
    columns: dict[str, str]


class MappingOut(Schema):
    id: int
    name: str
    feed: str
    columns: dict[str, str]
    unit: str
    updated_at: dt.datetime

    @classmethod
    def build(cls, mapping: ColumnMapping) -> MappingOut:
        return cls(
            id=mapping.pk,
            name=mapping.name,
            feed=mapping.feed,
            columns=mapping.columns,
            unit=mapping.org_unit.name,
            updated_at=mapping.updated_at,
        )
