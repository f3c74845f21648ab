"""Write the layouts offices exchange: xlsx (streamed by openpyxl's write-only mode) and CSV.

Every value is written as text (ID numbers stay exact, dates are ``YYYY-MM-DD``, yes/no is
是/否, None is an empty cell), so what we write reads back through `readers` unchanged. A
title row above a single header row is followed by a notes (or blank) row, which puts the
field header on row 3 as in the national exports; ledgers give their group rows in
`header_rows` and get them merged.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange as OpenpyxlRange

from fupin.tabular.cells import to_text

Target = str | os.PathLike[str] | BinaryIO
Run = tuple[int, int]  # first and last column (0-based, inclusive)

WIDTH_SAMPLE_ROWS = 100
MIN_WIDTH = 6
MAX_WIDTH = 50
SHEET_TITLE_LENGTH = 31
_FORMULA_START = re.compile(r"[=@\t\r]|[+-](?![\d\s.])")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_xlsx(
    target: Target,
    *,
    sheet_title: str,
    title: str | None,
    header_rows: Sequence[Sequence[str]],
    rows: Iterable[Sequence[object]],
    merge_groups: bool = True,
    notes: str | None = None,
) -> int:
    """Write one sheet and return the number of data rows written.

    `header_rows` ends with the field row; rows above it are group rows, each group text
    repeated over the columns it spans (merged when `merge_groups`, as is a column name
    repeated down the header rows). Rows stream: memory does not grow with their number.
    """
    if not header_rows:
        raise ValueError("header_rows must hold at least the field row")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_sheet_title(sheet_title))
    width = max((len(row) for row in header_rows), default=0)
    texts = (text_row(row) for row in rows)
    sample = list(islice(texts, WIDTH_SAMPLE_ROWS))
    set_column_widths(sheet, header_rows[-1], sample)
    lead = lead_rows(title, notes, len(header_rows))
    sheet.freeze_panes = f"A{len(lead) + len(header_rows) + 1}"
    for row_index, text in enumerate(lead, start=1):
        sheet.append(styled_row(sheet, [text], _TITLE_FONT if row_index == 1 else None))
        if row_index == 1 and title and width > 1:
            sheet.merged_cells.add(span(row_index, 0, row_index, width - 1))
    write_header(sheet, header_rows, width, first_row=len(lead) + 1, merge=merge_groups)
    count = 0
    for values in chain(sample, texts):
        sheet.append([text_cell(sheet, value) for value in values])
        count += 1
    workbook.save(target)
    return count


def write_csv(
    target: Target,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    encoding: str = "utf-8-sig",
    escape_formulas: bool = True,
) -> int:
    """Write a CSV (UTF-8 with BOM, which Excel opens correctly) and return the data row count.

    Excel runs a CSV cell that starts with "=", "@", or "+"/"-" before something that is not
    a number as a formula; with `escape_formulas` such a text is written with a leading "'"
    (a text typed by someone cannot become a formula on an officer's computer). Numbers
    such as "-5" and "+86 138…" are written as they are.
    """
    if isinstance(target, str | os.PathLike):
        with open(target, "wb") as stream:
            return write_csv(
                stream, header, rows, encoding=encoding, escape_formulas=escape_formulas
            )
    text = io.TextIOWrapper(target, encoding=encoding, newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(header)
        count = 0
        for values in rows:
            texts = text_row(values)
            writer.writerow([csv_text(text, escape_formulas) for text in texts])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()


def csv_text(text: str | None, escape_formulas: bool) -> str:
    if text is None:
        return ""
    if escape_formulas and _FORMULA_START.match(text):
        return "'" + text
    return text


def text_row(values: Sequence[object]) -> list[str | None]:
    return [to_text(value) for value in values]


def text_cell(sheet: Any, text: str | None) -> object:
    """A text as a cell value that Excel keeps as text ("=1+1" and "#N/A" included)."""
    if text is None:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text[:1] not in ("=", "#"):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    return cell


def safe_sheet_title(title: str) -> str:
    return _BAD_SHEET_CHARS.sub("_", title)[:SHEET_TITLE_LENGTH] or "Sheet1"


def lead_rows(title: str | None, notes: str | None, header_height: int) -> list[str | None]:
    """Rows above the header: the title, then the notes (blank if none) above a single header."""
    if not title:
        return [notes] if notes else []
    if notes or header_height == 1:
        return [title, notes]
    return [title]


def styled_row(sheet: Any, texts: Sequence[str | None], font: Font | None) -> list[object]:
    cells: list[object] = []
    for text in texts:
        cell = WriteOnlyCell(sheet, None if text is None else ILLEGAL_CHARACTERS_RE.sub("", text))
        cell.data_type = "s"
        if font is not None:
            cell.font = font
            cell.alignment = _CENTERED
        cells.append(cell)
    return cells


def write_header(
    sheet: Any, header_rows: Sequence[Sequence[str]], width: int, *, first_row: int, merge: bool
) -> None:
    grid = [list(row) + [""] * (width - len(row)) for row in header_rows]
    blanked, merges = header_merges(grid) if merge else (grid, [])
    for row in blanked:
        sheet.append(styled_row(sheet, [text or None for text in row], _HEADER_FONT))
    for top, left, bottom, right in merges:
        sheet.merged_cells.add(span(first_row + top, left, first_row + bottom, right))


def header_merges(grid: list[list[str]]) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Merged ranges (row, column, row, column; 0-based) for the header grid, and the grid with
    the covered cells blanked: runs of one group text in a group row, and a column name
    repeated (or left empty) below itself down to the field row."""
    blanked = [list(row) for row in grid]
    merges: list[tuple[int, int, int, int]] = []
    last = len(grid) - 1
    for level in range(last):
        for left, right in runs(grid[level]):
            if right > left:
                merges.append((level, left, level, right))
                for column in range(left + 1, right + 1):
                    blanked[level][column] = ""
            elif (bottom := vertical_extent(grid, level, left)) > level:
                merges.append((level, left, bottom, left))
                for row in range(level + 1, bottom + 1):
                    blanked[row][left] = ""
    return blanked, merges


def runs(texts: Sequence[str]) -> Iterator[Run]:
    """Runs of the same non-empty text in adjacent columns."""
    start = 0
    for column in range(1, len(texts) + 1):
        if column == len(texts) or texts[column] != texts[start]:
            if texts[start]:
                yield start, column - 1
            start = column


def vertical_extent(grid: list[list[str]], level: int, column: int) -> int:
    """The field row if every cell below (level, column) is empty or the same text, else level."""
    text = grid[level][column]
    below = [grid[row][column] for row in range(level + 1, len(grid))]
    if below and all(cell in ("", text) for cell in below):
        return len(grid) - 1
    return level


def span(first_row: int, first_column: int, last_row: int, last_column: int) -> OpenpyxlRange:
    return OpenpyxlRange(
        min_row=first_row, min_col=first_column + 1, max_row=last_row, max_col=last_column + 1
    )


def display_width(text: str | None) -> int:
    """Columns of a fixed-width font: a Chinese character takes two."""
    if not text:
        return 0
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in longest)


def set_column_widths(
    sheet: Any, field_row: Sequence[str], sample: Sequence[Sequence[str | None]]
) -> None:
    """Widths from the field header and the first rows (all that streaming lets us see)."""
    width = max([len(field_row), *(len(row) for row in sample)], default=0)
    for column in range(width):
        texts = [field_row[column] if column < len(field_row) else None]
        texts += [row[column] for row in sample if column < len(row)]
        best = max(display_width(text) for text in texts) + 2
        letter = get_column_letter(column + 1)
        sheet.column_dimensions[letter].width = min(max(best, MIN_WIDTH), MAX_WIDTH)
