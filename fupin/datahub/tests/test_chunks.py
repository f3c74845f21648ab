"""pyarrow reads a CSV exactly as fupin.tabular does, or says it cannot (and the file is read
the Python way): the same rows, numbers, cells and blank rows, every time."""

from __future__ import annotations

import pytest

from fupin.datahub.pipeline.chunks import (
    Chunk,
    NotPlain,
    arrow_chunks,
    arrow_possible,
    python_chunks,
)
from fupin.tabular.readers import open_table

HEADER = "姓名,身份证号,金额\n"
FILES = {
    "plain": HEADER + "王大山,1,2\n刘桂芳,3,4\n",
    "crlf and a last line without a break": HEADER.replace("\n", "\r\n") + "a,1,2\r\nb,3,4",
    "old mac line breaks": HEADER.replace("\n", "\r") + "a,1,2\rb,3,4\r",
    "blank lines and rows of empty cells": HEADER + "a,1,2\n\n,,\n  , ,\u3000\nb,3,4\n\n",
    "cells to strip": HEADER + " a ,\t1\t,\u3000２\u3000\n\u00a0b\u00a0,\x1f3\x1f,4\n",
    "quoted cells": HEADER + '"王,大山","1",""\n"a""b",2,"x\ny"\n"a"b,c"d",e\n',
    "a title block above the header": "2020年医保结算明细,,\n\n" + HEADER + "a,1,2\n",
    "a quoted title with a line break": '"医保\n结算",,\n' + HEADER + "a,1,2\n",
    "a row with fewer cells": HEADER + "a,1,2\nb,3\nc,5,6\n",
    "a row with more cells": HEADER + "a,1,2\nb,3,4,5\n",
    "an unclosed quote": HEADER + 'a,1,"2\n',
    "a field longer than csv allows": HEADER + "a,1," + "9" * 140_000 + "\n",
    "bytes that are not UTF-8": None,
    "only a header": HEADER,
    "semicolons": "姓名;身份证号;金额\na;1;2\n",
    "tabs": "姓名\t身份证号\t金额\na\t1\t2\n",
}
DECLINED = {
    "a quoted title with a line break",
    "a row with fewer cells",
    "a row with more cells",
    "an unclosed quote",
    "a field longer than csv allows",
    "bytes that are not UTF-8",
    "only a header",
}
HEADER_ROWS = {"a title block above the header": 3, "a quoted title with a line break": 2}


def rows_of(chunks: list[Chunk]) -> tuple[list[tuple[int, list[str | None]]], int]:
    rows = []
    blank = 0
    for chunk in chunks:
        blank += chunk.blank
        numbers = chunk.table.column("row").to_pylist()
        for number, row in sorted(chunk.source_rows(numbers).items()):
            rows.append((number, row.cells))
    return rows, blank


@pytest.mark.parametrize("name", list(FILES))
def test_pyarrow_reads_a_csv_as_the_python_reader_does_or_declines(tmp_path, name):
    text = FILES[name]
    content = (
        (HEADER + "王,1,2\n" * 3000).encode() + b"a,\xff\xfe,2\n"
        if text is None
        else text.encode("utf-8")
    )
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with open_table(path, filename="file.csv") as table:
        header_row = HEADER_ROWS.get(name, 1)
        python_rows = None
        python_error = None
        try:
            python_rows = rows_of(
                list(python_chunks(table, header_row=header_row, id_index=1, width=3))
            )
        except Exception as problem:  # noqa: BLE001 - compared with pyarrow's outcome below
            python_error = problem
        try:
            if not arrow_possible(table, header_row):
                raise NotPlain("declined")
            arrow_rows = rows_of(
                list(arrow_chunks(str(path), table, header_row=header_row, width=3))
            )
        except NotPlain:
            assert name in DECLINED
            return  # read the Python way instead: nothing to compare
    assert name not in DECLINED
    assert python_error is None, "pyarrow read a file the Python reader refuses"
    assert arrow_rows == python_rows


def test_a_gbk_csv_is_read_by_pyarrow_as_the_python_reader_does(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "王大山,1,2\n刘桂芳,3,4\n").encode("gbk"))
    with open_table(path, filename="gbk.csv") as table:
        assert table.encoding == "gb18030" and arrow_possible(table, 1)
        arrow_rows = rows_of(list(arrow_chunks(str(path), table, header_row=1, width=3)))
        python_rows = rows_of(list(python_chunks(table, header_row=1, id_index=1, width=3)))
    assert arrow_rows == python_rows
    assert arrow_rows[0] == [(2, ["王大山", "1", "2"]), (3, ["刘桂芳", "3", "4"])]


def test_workbooks_are_never_read_by_pyarrow(tmp_path):
    from fupin.datahub.tests.files import xlsx_bytes

    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx_bytes([["姓名", "身份证号"], ["a", "1"]]))
    with open_table(path, filename="book.xlsx") as table:
        assert not arrow_possible(table, 1)
