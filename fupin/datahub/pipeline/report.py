"""The error workbook: every row of the file that was not promoted, with its row number in the
source file and the reason in Chinese, then the row as it was (header on row 3).

The stored copy (for the CLI and for roles that may see ID numbers) is written after staging;
a role without that right downloads a copy made on the fly with ID numbers masked.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fupin.core.masking import mask_id_number
from fupin.datahub import storage
from fupin.datahub.feeds import SOURCES
from fupin.datahub.models import BatchIssue, ImportBatch, IssueKind
from fupin.tabular.writers import write_xlsx

ID_LIKE = re.compile(r"\d{6}(?:\d{8}|\d{11})[\dXx]?")
KIND_LABELS: dict[str, str] = {
    IssueKind.REJECTED: "拒收",
    IssueKind.DUPLICATE: "重复",
    IssueKind.UNMATCHED: "未匹配",
}


def write_error_workbook(batch: ImportBatch) -> Path:
    path = storage.errors_path(batch.pk)
    write_issues(batch, path, mask=False)
    batch.error_path = str(path)
    return path


def write_issues(batch: ImportBatch, target: str | Path | BinaryIO, *, mask: bool) -> int:
    feed = SOURCES[batch.feed]
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(feed)s: rows not imported (batch #%(batch)s, %(file)s)") % {
            "feed": feed.name,
            "batch": batch.pk,
            "file": batch.file_name,
        }
    header = ["源文件行号", "类别", "原因", *[text or "" for text in batch.headers]]
    return write_xlsx(
        target,
        sheet_title="未导入的行",
        title=title,
        header_rows=[header],
        rows=issue_rows(batch, mask=mask),
        notes=f"读入 {batch.rows_read} 行 = 入库 {batch.rows_promoted} + 拒收 {batch.rows_rejected}"
        f" + 重复 {batch.rows_duplicate} + 未匹配 {batch.rows_unmatched}",
    )


def issue_rows(batch: ImportBatch, *, mask: bool) -> Iterator[list[Any]]:
    issues = BatchIssue.objects.filter(batch=batch).order_by("row_number")
    for issue in issues.iterator(chunk_size=2000):
        cells = [mask_cell(cell) for cell in issue.cells] if mask else issue.cells
        yield [issue.row_number, KIND_LABELS.get(issue.kind, issue.kind), issue.reason, *cells]


def mask_cell(cell: str | None) -> str | None:
    if cell and ID_LIKE.search(cell):
        return ID_LIKE.sub(lambda found: mask_id_number(found.group(0)), cell)
    return cell


def workbook_for(batch: ImportBatch, *, mask: bool) -> IO[bytes]:
    """The error workbook to download: the stored one, or one made now with ID numbers masked."""
    if not mask and batch.error_path and Path(batch.error_path).is_file():
        return open(batch.error_path, "rb")
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_issues(batch, spool, mask=mask)  # type: ignore[arg-type]
    spool.seek(0)
    return spool


def download_name(batch: ImportBatch) -> str:
    return f"未导入的行-批次{batch.pk}.xlsx"
