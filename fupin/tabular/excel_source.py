"""Workbooks: python-calamine (fast, Rust) and a streaming reader on openpyxl's parts.

calamine loads the chosen sheet's cells into compact Rust memory before the first row is handed
out (about twice the size of the sheet's XML), then converts rows to Python lazily. That is the
fastest way to read the files a township exchanges, but memory grows with the sheet. Above
`CALAMINE_SHEET_LIMIT` bytes of sheet XML the "auto" engine streams the sheet instead (about
ten times slower, memory flat in the number of rows). xls (at most 65,536 rows) and ods
always use calamine. See docs/adr/0008.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO, Literal
from xml.etree.ElementTree import ParseError, iterparse

import python_calamine
from django.utils.translation import gettext_lazy as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser

from fupin.tabular import detect
from fupin.tabular.cells import EXCEL_DIGITS, float_text, to_text
from fupin.tabular.errors import TabularError
from fupin.tabular.table import CellRange, Format, RowStream, SourceRow, Table

Engine = Literal["auto", "calamine", "openpyxl"]
Source = str | os.PathLike[str] | BinaryIO
SheetChoice = str | int | None

CALAMINE_SHEET_LIMIT = 64 * 1024 * 1024
_BIG = 10.0**EXCEL_DIGITS
_OPENPYXL_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    OSError,
    ParseError,
    InvalidFileException,
)


def choose_engine(source: Source, kind: Format, engine: Engine) -> Engine:
    if kind != "xlsx":
        return "calamine"
    if engine != "auto":
        return engine
    return "openpyxl" if largest_sheet_xml(source) > CALAMINE_SHEET_LIMIT else "calamine"


def largest_sheet_xml(source: Source) -> int:
    """Uncompressed size of the biggest worksheet part, from the ZIP directory alone."""
    with zipfile.ZipFile(source) as archive:
        sizes = [
            info.file_size
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/")
        ]
    if not isinstance(source, str | os.PathLike):
        source.seek(0)
    return max(sizes, default=0)


def sheet_not_found() -> TabularError:
    return TabularError("sheet_not_found", _("The workbook has no such sheet."))


def pick_sheet(names: Sequence[str], visible: Sequence[bool], sheet: SheetChoice) -> str:
    """The sheet asked for by name or 0-based index; by default the first visible one."""
    if not names:
        raise detect.corrupt()  # every workbook Excel writes has a sheet
    if sheet is None:
        shown = [name for name, is_visible in zip(names, visible, strict=True) if is_visible]
        if not shown:
            raise sheet_not_found()
        return shown[0]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise sheet_not_found()
        return names[sheet]
    for name in names:
        if name.strip() == sheet.strip():
            return name
    raise sheet_not_found()


def convert_row(values: Sequence[Any], offset: int = 0) -> tuple[list[str | None], tuple[int, ...]]:
    """Cell values as texts (trailing empties dropped) and the indexes of imprecise numbers."""
    cells: list[str | None] = [None] * offset
    imprecise: list[int] = []
    for value in values:
        kind = type(value)
        if kind is str:
            cells.append(value.strip() or None)
        elif kind is float:
            if value.is_integer() and abs(value) >= _BIG:
                imprecise.append(len(cells))
            cells.append(float_text(value))
        elif kind is int and abs(value) >= _BIG:
            imprecise.append(len(cells))
            cells.append(str(value))
        else:
            cells.append(to_text(value))
    while cells and cells[-1] is None:
        cells.pop()
    return cells, tuple(imprecise)


# --- python-calamine ----------------------------------------------------------------------


def open_calamine(source: Source, kind: Format, sheet: SheetChoice) -> Table:
    try:
        if isinstance(source, str | os.PathLike):
            workbook = python_calamine.CalamineWorkbook.from_path(source)
        else:
            source.seek(0)
            workbook = python_calamine.CalamineWorkbook.from_filelike(source)
        names = workbook.sheet_names
        visible = [
            meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            for meta in workbook.sheets_metadata
        ]
        name = pick_sheet(names, visible, sheet)
        calamine_sheet = workbook.get_sheet_by_name(name)
    except python_calamine.PasswordError:
        raise detect.password_protected() from None
    except python_calamine.CalamineError:
        raise detect.corrupt() from None
    return Table(
        format=kind,
        sheet_names=list(names),
        sheet_name=name,
        engine="calamine",
        _row_source=lambda: calamine_rows(calamine_sheet),
        merged_ranges=calamine_merges(calamine_sheet),
        _closers=[workbook.close],
    )


def calamine_rows(sheet: python_calamine.CalamineSheet) -> RowStream:
    # iter_rows() starts at the sheet's first row but at its first *used* column (0.9.x).
    start = sheet.start
    offset = start[1] if start else 0
    for number, values in enumerate(sheet.iter_rows(), start=1):
        cells, imprecise = convert_row(values, offset)
        yield SourceRow(number, cells, imprecise)


def calamine_merges(sheet: python_calamine.CalamineSheet) -> tuple[CellRange, ...]:
    ranges = sheet.merged_cell_ranges or []
    return tuple(CellRange(first[0] + 1, first[1], last[0] + 1, last[1]) for first, last in ranges)


# --- openpyxl, streaming ---------------------------------------------------------------


def open_openpyxl(source: Source, sheet: SheetChoice) -> Table:
    """Read the workbook parts with openpyxl, but not the sheets: openpyxl's read-only mode
    scans every sheet that lacks a <dimension> element (files written by openpyxl's own
    write-only mode, among others) from top to bottom before handing out the first row."""
    stream: BinaryIO
    if isinstance(source, str | os.PathLike):
        stream = open(source, "rb")  # noqa: SIM115 - closed with the table
    else:
        stream = source
        stream.seek(0)
    try:
        reader = read_workbook_parts(stream)
        sheets = {found.name: (found.state, rel) for found, rel in reader.parser.find_sheets()}
        names = list(sheets)
        visible = [
            sheets[name][0] in (None, "visible") and "worksheet" in sheets[name][1].Type
            for name in names
        ]
        name = pick_sheet(names, visible, sheet)
    except _OPENPYXL_ERRORS:
        close_quietly(stream, source)
        raise detect.corrupt() from None
    except TabularError:
        close_quietly(stream, source)
        raise
    path = sheets[name][1].target
    return Table(
        format="xlsx",
        sheet_names=names,
        sheet_name=name,
        engine="openpyxl",
        _row_source=lambda: openpyxl_rows(reader, path),
        _closers=[lambda: close_quietly(stream, source), reader.archive.close],
    )


def read_workbook_parts(stream: BinaryIO) -> ExcelReader:
    reader = ExcelReader(stream, read_only=True, data_only=True, keep_links=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    return reader


def close_quietly(stream: BinaryIO, source: Source) -> None:
    """Close the file we opened for a path; a caller's own file object stays open."""
    if stream is not source:
        stream.close()


def openpyxl_rows(reader: ExcelReader, path: str) -> RowStream:
    number = 0
    try:
        with reader.archive.open(path) as source:
            parser = WorkSheetParser(
                source,
                reader.shared_strings,
                data_only=True,
                epoch=reader.wb.epoch,
                date_formats=reader.wb._date_formats,
                timedelta_formats=reader.wb._timedelta_formats,
            )
            for number, cells in flat_parse(parser):
                values = [None] * max((cell["column"] for cell in cells), default=0)
                for cell in cells:
                    if cell["data_type"] != "e":  # #N/A, #DIV/0!: empty, as calamine reads them
                        values[cell["column"] - 1] = cell["value"]
                texts, imprecise = convert_row(values)
                yield SourceRow(number, texts, imprecise)
    except _OPENPYXL_ERRORS:
        raise detect.corrupt(row=number + 1) from None


def flat_parse(parser: WorkSheetParser) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(row number, parsed cells) for each row of the sheet, empty rows filled in.

    openpyxl's own read-only loop clears each parsed row but leaves it attached to
    <sheetData>, so memory still grows by some 150 bytes a row; this loop detaches it.
    """
    sheet_data = None
    previous = 0
    for event, element in iterparse(parser.source, events=("start", "end")):
        if event == "start":
            if element.tag == DATA_TAG:
                sheet_data = element
            continue
        if element.tag == DATA_TAG:
            return
        if element.tag != ROW_TAG or sheet_data is None:
            continue
        number = int(element.get("r") or previous + 1)
        parser.row_counter, parser.col_counter = number, 0
        cells = [parser.parse_cell(child) for child in element]
        element.clear()
        sheet_data.remove(element)
        yield from ((empty, []) for empty in range(previous + 1, number))
        previous = number
        yield number, cells
