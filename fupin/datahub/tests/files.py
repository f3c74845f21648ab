"""Department files built in memory for the tests (no binary file is committed)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

Rows = Sequence[Sequence[object]]


def csv_bytes(rows: Rows, *, encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(
    rows: Rows,
    *,
    title: str | None = None,
    groups: Sequence[tuple[str, int, int]] = (),
) -> bytes:
    """A workbook as an office makes it: an optional merged title row, optional merged group
    cells (text, first column, last column; 1-based) on the row above the header."""
    workbook = Workbook()
    sheet = workbook.active
    width = max(len(row) for row in rows)
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if groups:
        line = sheet.max_row + 1 if title else 1
        for text, first, last in groups:
            sheet.cell(row=line, column=first, value=text)
            if last > first:
                sheet.merge_cells(start_row=line, start_column=first, end_row=line, end_column=last)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
