"""Open a department file as a `Table` of text rows, whatever its format.

    with open_table(upload, filename=upload.name) as table:
        header = locate_header(table, expected=["姓名", "证件号码", "行政村"])
        id_column = header.index_of("证件号码")
        for row in data_rows(table, header):
            number = row.cell(id_column)   # text or None; row.number for the error report

The format comes from the content (a renamed file is still read or refused correctly), rows
stream (see `excel_source` for how workbooks keep memory bounded), and cells are texts as an
office worker sees them in Excel (see `cells`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from fupin.tabular import detect
from fupin.tabular.csv_source import Opener, csv_dialect, csv_rows
from fupin.tabular.excel_source import (
    Engine,
    SheetChoice,
    Source,
    choose_engine,
    open_calamine,
    open_openpyxl,
)
from fupin.tabular.header import Header, data_rows, locate_header
from fupin.tabular.table import CellRange, SourceRow, Table

__all__ = [
    "CellRange",
    "Header",
    "SourceRow",
    "Table",
    "data_rows",
    "locate_header",
    "open_table",
]


def open_table(
    source: Source,
    *,
    filename: str,
    sheet: SheetChoice = None,
    engine: Engine = "auto",
) -> Table:
    """Open a CSV, xlsx, xls or ods file (a path or a seekable binary file) as a Table.

    `sheet` is a sheet name or a 0-based index (ignored for CSV); by default the first visible
    worksheet. `filename` is the name the user gave the file, kept for messages and reports.
    `engine` ("auto", "calamine", "openpyxl") matters only for xlsx; see `excel_source`.
    A file that cannot be read raises `TabularError` with a stable `code`.
    """
    opener = opener_for(source)
    with opener() as stream:
        kind = detect.detect_kind(stream)
    if kind == "text":
        table = open_csv(opener, filename)
    elif choose_engine(source, kind, engine) == "openpyxl":
        table = open_openpyxl(source, sheet)
    else:
        table = open_calamine(source, kind, sheet)
    table.filename = filename
    return table


def opener_for(source: Source) -> Opener:
    """A fresh handle per use for a path; the caller's own file object, rewound, otherwise."""
    if isinstance(source, str | os.PathLike):
        path = source
        return lambda: open(path, "rb")  # closed by the caller's `with`
    return lambda: borrowed(source)


@contextmanager
def borrowed(stream: BinaryIO) -> Iterator[BinaryIO]:
    stream.seek(0)
    yield stream


def open_csv(opener: Opener, filename: str) -> Table:
    encoding, delimiter = csv_dialect(opener)
    name = os.path.splitext(os.path.basename(filename))[0]
    return Table(
        format="csv",
        sheet_names=[name],
        sheet_name=name,
        engine="csv",
        _row_source=lambda: csv_rows(opener, encoding, delimiter),
        encoding=encoding,
        delimiter=delimiter,
    )
