"""Data hub endpoints under /api/v1/datahub/: feeds, batches (upload, preview, promote,
rollback, error workbook) and saved column mappings.

Reading a file and promoting a batch run in the background: the answer is the batch as it
stands (`status`, `rows_processed`); poll `GET /batches/{id}` for progress. A batch or mapping
outside the caller's area answers 404 `not_found`, exactly like one that does not exist.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from fupin.accounts.api import caller
from fupin.accounts.roles import Capability
from fupin.core.errors import PermissionDenied
from fupin.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from fupin.datahub import actions, schemas, selectors
from fupin.datahub.feeds import SOURCES
from fupin.datahub.pipeline import report
from fupin.registry.selectors import can_see_sensitive

router = Router(tags=["datahub"])


def _batch_out(user, batch_id: int) -> schemas.BatchOut:  # type: ignore[no-untyped-def]
    return schemas.BatchOut.build(selectors.batch_get(user=user, batch_id=batch_id))


def _require_view(user) -> None:  # type: ignore[no-untyped-def]
    if not user.can(Capability.VIEW_IMPORTS):
        raise PermissionDenied()


# ---- feeds --------------------------------------------------------------------------------


@router.get(
    "/feeds",
    response={200: list[schemas.FeedOut], 401: ErrorOut},
    summary="The department feeds and their preset layouts",
)
def feed_list(request: HttpRequest) -> object:
    """Every feed: its code, Chinese name, department, the table name the screening engine
    uses, the natural key, and the columns of its preset layout (header, other headers
    recognised, required). `can_import` says whether you may import it."""
    user = caller(request)
    mine = set(feed.code for feed in selectors.importable_feeds(user))
    return [schemas.FeedOut.build(feed, can_import=feed.code in mine) for feed in SOURCES.values()]


# ---- batches ------------------------------------------------------------------------------


@router.get(
    "/batches",
    response={200: schemas.BatchPageOut, 403: ErrorOut, **READ_ERRORS},
    summary="Import batches, newest first",
)
def batch_list(request: HttpRequest, query: Query[schemas.BatchQuery]) -> object:
    """The batches of your area (department staff: of their department's feeds)."""
    user = caller(request)
    _require_view(user)
    batches = selectors.batch_list(user=user, feed=query.feed, status=query.status)
    return schemas.BatchPageOut.of(batches, query, schemas.BatchOut.build)


@router.post(
    "/batches",
    response={201: schemas.BatchOut, **WRITE_ERRORS},
    summary="Upload a department file (multipart)",
)
def batch_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    feed: Form[str],
    period: Form[str] = "",
    mapping: Form[str] = "",
) -> object:
    """Send the file as `file`, the feed code (or 民政, 医保 …) as `feed`, the file's month
    (2020-03) or year as `period` when its rows carry none, and the name of a saved column
    mapping as `mapping` when the department's layout is not the preset one. An empty file,
    a file that is no spreadsheet, or a password-protected workbook is refused at once."""
    user = caller(request)
    batch = actions.batch_upload(
        actor=user,
        feed=feed,
        file_name=file.name or "upload",
        chunks=file.chunks(),
        period=period,
        mapping=mapping,
    )
    return Status(201, _batch_out(user, batch.pk))


@router.get(
    "/batches/{batch_id}",
    response={200: schemas.BatchOut, **READ_ERRORS},
    summary="One batch: status, progress and the row counts",
)
def batch_detail(request: HttpRequest, batch_id: int) -> object:
    """`rows.read = rows.promoted + rows.rejected + rows.duplicates + rows.unmatched` on every
    batch (`rows.adds_up`); before promotion, `promoted` is what would be promoted."""
    return _batch_out(caller(request), batch_id)


@router.get(
    "/batches/{batch_id}/preview",
    response={200: schemas.PreviewOut, **READ_ERRORS},
    summary="What the batch would promote, and the rows it refuses",
)
def batch_preview(request: HttpRequest, batch_id: int) -> object:
    """The first rows to promote, the first rejected and duplicate rows with their reasons,
    and the people not in the registry with candidates of the same name or birth date. ID
    numbers are masked unless your role may see them."""
    user = caller(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    issues = [schemas.IssueOut.build(i) for i in selectors.batch_issues(user=user, batch=batch)]
    return schemas.PreviewOut(
        batch=schemas.BatchOut.build(batch),
        sample=selectors.sample_rows(user=user, batch=batch),
        rejected=[issue for issue in issues if issue.kind == "rejected"],
        duplicates=[issue for issue in issues if issue.kind == "duplicate"],
        unmatched=[
            schemas.UnmatchedOut.build(row)
            for row in selectors.unmatched_rows(user=user, batch=batch)
        ],
    )


@router.get(
    "/batches/{batch_id}/errors",
    response={200: None, **READ_ERRORS},
    summary="Download the rows not imported (xlsx)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The workbook: source row number, kind, reason, the row.",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def batch_errors(request: HttpRequest, batch_id: int) -> object:
    """Every row of the file that was not promoted: its row number in the source file, the
    kind (拒收 rejected, 重复 duplicate, 未匹配 not in the registry), the reason in Chinese, and
    the row as it was. ID numbers are masked unless your role may see them."""
    user = caller(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    stream = report.workbook_for(batch, mask=not can_see_sensitive(user))
    return FileResponse(stream, as_attachment=True, filename=report.download_name(batch))


@router.post(
    "/batches/{batch_id}/mapping",
    response={200: schemas.BatchOut, **WRITE_ERRORS},
    summary="Read the batch again with its columns mapped by hand",
)
def batch_remap(request: HttpRequest, batch_id: int, payload: schemas.RemapIn) -> object:
    """Map the file's headers to the feed's fields (`columns`), or name a saved `mapping`;
    `save_as` also saves the columns for the next file. The batch is read again."""
    user = caller(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    actions.batch_remap(
        actor=user,
        batch=batch,
        columns=payload.columns,
        mapping=payload.mapping,
        save_as=payload.save_as,
    )
    return _batch_out(user, batch_id)


@router.post(
    "/batches/{batch_id}/promote",
    response={200: schemas.BatchOut, **WRITE_ERRORS},
    summary="Promote a checked batch (all rows in one transaction)",
)
def batch_promote(request: HttpRequest, batch_id: int) -> object:
    """Rows with a new natural key are added, rows whose values changed are updated (the old
    values kept for a rollback), unchanged rows are left alone. Runs in the background."""
    user = caller(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    actions.batch_promote(actor=user, batch=batch)
    return _batch_out(user, batch_id)


@router.post(
    "/batches/{batch_id}/discard",
    response={200: schemas.BatchOut, **WRITE_ERRORS},
    summary="Discard a batch that was not promoted",
)
def batch_discard(request: HttpRequest, batch_id: int) -> object:
    """Drop a batch that is waiting (checked, columns to map, or failed); its record and its
    error workbook stay."""
    user = caller(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    actions.batch_discard(actor=user, batch=batch)
    return _batch_out(user, batch_id)


@router.post(
    "/batches/{batch_id}/rollback",
    response={200: schemas.BatchOut, **WRITE_ERRORS},
    summary="Roll back a promoted batch (township office, system administrator)",
)
def batch_rollback(request: HttpRequest, batch_id: int, payload: schemas.RollbackIn) -> object:
    """Removes the rows the batch added and restores the rows it changed; refused (409
    `rollback_blocked`) while a later batch has changed rows of this one."""
    user = caller(request)
    batch = selectors.batch_get(user=user, batch_id=batch_id)
    actions.batch_rollback(actor=user, batch=batch, reason=payload.reason)
    return _batch_out(user, batch_id)


# ---- saved mappings -----------------------------------------------------------------------


@router.get(
    "/mappings",
    response={200: list[schemas.MappingOut], 401: ErrorOut},
    summary="Saved column mappings",
)
def mapping_list(request: HttpRequest) -> object:
    """The mappings saved in your area (department staff: for their feeds)."""
    mappings = selectors.mappings_visible_to(caller(request)).select_related("org_unit")
    return [schemas.MappingOut.build(mapping) for mapping in mappings]


@router.post(
    "/mappings",
    response={201: schemas.MappingOut, **WRITE_ERRORS},
    summary="Save a column mapping for a feed",
)
def mapping_create(request: HttpRequest, payload: schemas.MappingIn) -> object:
    """`columns` maps a feed field to the department's header (`{"id_number": "公民身份号码"}`);
    a value `=低保` fills the field with that value for every row."""
    user = caller(request)
    mapping = actions.mapping_save(
        actor=user, feed=payload.feed, name=payload.name, columns=payload.columns
    )
    return Status(201, schemas.MappingOut.build(mapping))


@router.get(
    "/mappings/{mapping_id}",
    response={200: schemas.MappingOut, **READ_ERRORS},
    summary="One saved column mapping",
)
def mapping_detail(request: HttpRequest, mapping_id: int) -> object:
    """`columns` maps a feed field to a header of the department's file, or `=value`."""
    return schemas.MappingOut.build(
        selectors.mapping_get(user=caller(request), mapping_id=mapping_id)
    )


@router.put(
    "/mappings/{mapping_id}",
    response={200: schemas.MappingOut, **WRITE_ERRORS},
    summary="Change a saved column mapping",
)
def mapping_update(request: HttpRequest, mapping_id: int, payload: schemas.MappingIn) -> object:
    """Rename the mapping or change its columns; batches already read keep what they used."""
    user = caller(request)
    mapping = selectors.mapping_get(user=user, mapping_id=mapping_id)
    saved = actions.mapping_update(
        actor=user, mapping=mapping, name=payload.name, columns=payload.columns
    )
    return schemas.MappingOut.build(saved)


@router.delete(
    "/mappings/{mapping_id}",
    response={200: schemas.MappingOut, **WRITE_ERRORS},
    summary="Delete a saved column mapping",
)
def mapping_delete(request: HttpRequest, mapping_id: int) -> object:
    """Answers with the mapping as it was."""
    user = caller(request)
    mapping = selectors.mapping_get(user=user, mapping_id=mapping_id)
    gone = schemas.MappingOut.build(mapping)
    actions.mapping_delete(actor=user, mapping=mapping)
    return gone
