"""The format comes from the content; what cannot be read is refused with a stable code."""

import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from fupin.tabular.errors import TabularError
from fupin.tabular.readers import open_table
from fupin.tabular.tests.builders import compound_file, encrypted_xlsx


def refusal(data: bytes, filename: str = "名单.xlsx") -> TabularError:
    with pytest.raises(TabularError) as raised:
        open_table(io.BytesIO(data), filename=filename)
    return raised.value


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "证件号码"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n  "])
def test_an_empty_file_is_refused_as_empty(data):
    assert refusal(data).code == "empty_file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"\x01\x02\x00\x00binary\x00",
    ],
    ids=["png", "pdf", "jpeg", "binary"],
)
def test_a_picture_or_pdf_renamed_xlsx_is_refused_as_unsupported(data):
    problem = refusal(data)
    assert problem.code == "unsupported_type"
    with translation.override("en"):
        assert "not a spreadsheet" in str(problem.message)


def test_a_truncated_workbook_is_refused_as_corrupt():
    data = xlsx_bytes()
    assert refusal(data[: len(data) // 2]).code == "corrupt_workbook"


def test_a_zip_that_is_not_a_workbook_is_refused_as_unsupported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refusal(buffer.getvalue()).code == "unsupported_type"


def test_a_password_protected_workbook_is_refused_as_password_protected():
    problem = refusal(encrypted_xlsx())
    assert problem.code == "password_protected"
    with translation.override("en"):
        assert "password" in str(problem.message)


def test_an_ole2_file_without_a_workbook_stream_is_unsupported():
    # A Word .doc; five directory entries, so the directory spans two sectors.
    data = compound_file({"WordDocument": b"x", "1Table": b"y", "a": b"", "b": b"", "c": b""})
    assert refusal(data, "名单.xls").code == "unsupported_type"


def test_an_xls_whose_workbook_stream_is_damaged_is_corrupt():
    data = compound_file({"Workbook": b"\x09\x08\x10\x00garbage"})
    assert refusal(data, "名单.xls").code == "corrupt_workbook"


def test_a_truncated_ole2_file_is_corrupt():
    assert refusal(encrypted_xlsx()[:520], "名单.xls").code == "corrupt_workbook"


@pytest.mark.parametrize(
    "text",
    [
        "<html><body><table><tr><td>姓名</td></tr></table></body></html>",
        '\ufeff<?xml version="1.0"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
    ],
    ids=["html", "spreadsheetml"],
)
def test_a_web_page_saved_as_xls_is_refused_with_advice(text):
    problem = refusal(text.encode("utf-8"), "导出.xls")
    assert problem.code == "unsupported_type"
    with translation.override("en"):
        assert "web page" in str(problem.message)


def test_a_workbook_named_csv_is_read_as_a_workbook():
    with open_table(io.BytesIO(xlsx_bytes()), filename="名单.csv") as table:
        assert table.format == "xlsx"
        assert [row.cells for row in table.rows()] == [["姓名", "证件号码"]]


def test_the_message_is_translatable_and_the_code_is_stable():
    problem = refusal(b"")
    with translation.override("en"):
        assert problem.as_dict() == {"code": "empty_file", "message": "The file is empty."}
