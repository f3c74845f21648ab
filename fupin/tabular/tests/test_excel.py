"""Workbooks: cells come out as the texts an office worker sees, from either engine."""

import datetime as dt
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
import xlwt

from fupin.core import ids
from fupin.tabular import excel_source
from fupin.tabular.errors import TabularError, ValueProblem
from fupin.tabular.readers import data_rows, locate_header, open_table
from fupin.tabular.table import CellRange
from fupin.tabular.tests.builders import ods, with_cached_value
from fupin.tabular.values import parse_id_number
from fupin.tabular.writers import write_xlsx

ENGINES = ["calamine", "openpyxl"]


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_workbook() -> bytes:
    """A department sheet as Excel leaves it: a title, typed cells, a formula, blank rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["凉风村低保名单"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["姓名", "身份证号", "旧身份证号", "认定日期", "核查时间", "金额", "人数", "合计"])
    # An 18-digit number typed into a General cell: Excel keeps 15 significant digits.
    sheet.append(["张三", 1.10101199003071e17, 110101900307123, dt.date(2020, 3, 5)])
    sheet.append([None, None, None, dt.datetime(2020, 3, 5, 8, 30), dt.datetime(2020, 3, 5)])
    sheet.append([])
    sheet.append(["李四", "11010119900307123X", None, None, None, 1234.5, 3.0, "=G7*2"])
    sheet.append(["王五", None, None, None, None, 0.1 + 0.2, False, "=G8*2"])
    return saved(workbook)


def read_cells(data: bytes, engine: str, **options):
    with open_table(io.BytesIO(data), filename="名单.xlsx", engine=engine, **options) as table:
        return table, {row.number: (row.cells, row.imprecise) for row in table.rows()}


@pytest.mark.parametrize("engine", ENGINES)
def test_cells_read_as_the_texts_offices_expect(engine):
    # given
    data = with_cached_value(ledger_workbook(), "G7*2", "6")
    # when
    table, rows = read_cells(data, engine)
    # then
    assert table.format == "xlsx" and table.engine == engine and table.sheet_name == "名单"
    assert rows[1] == (["凉风村低保名单"], ())
    assert rows[2] == ([], ())
    assert rows[4] == (["张三", "110101199003071000", "110101900307123", "2020-03-05"], (1,))
    assert rows[5][0] == [None, None, None, "2020-03-05 08:30:00", "2020-03-05"]
    assert rows[7] == (["李四", "11010119900307123X", None, None, None, "1234.5", "3", "6"], ())
    # a formula Excel never computed (openpyxl wrote it) has no cached value: an empty cell
    assert rows[8][0] == ["王五", None, None, None, None, "0.3", "否"]


def test_an_id_number_typed_as_a_number_is_flagged_and_its_lost_digits_fail_the_checksum():
    _table, rows = read_cells(ledger_workbook(), "calamine")
    cells, imprecise = rows[4]
    assert imprecise == (1,)
    with pytest.raises(ValueProblem) as raised:
        parse_id_number(cells[1])
    assert raised.value.code == "id_checksum"
    # an old 15-digit number fits in a number cell exactly and is upgraded
    assert parse_id_number(cells[2]) == "11010119900307123" + ids.check_char("11010119900307123")


def test_both_engines_read_the_same_texts():
    data = with_cached_value(ledger_workbook(), "G7*2", "6")
    assert read_cells(data, "calamine")[1] == read_cells(data, "openpyxl")[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_data_that_starts_at_c3_keeps_its_row_numbers_and_columns(engine):
    workbook = openpyxl.Workbook()
    workbook.active["C3"] = "姓名"
    workbook.active["D5"] = "张三"
    _table, rows = read_cells(saved(workbook), engine)
    assert rows[3] == ([None, None, "姓名"], ())
    assert rows[5] == ([None, None, None, "张三"], ())
    assert rows[4] == ([], ())


@pytest.mark.parametrize("engine", ENGINES)
def test_error_cells_read_as_empty(engine):
    workbook = openpyxl.Workbook()
    workbook.active.append(["#N/A", "张三", "#DIV/0!", "1"])
    _table, rows = read_cells(saved(workbook), engine)
    assert rows[1] == ([None, "张三", None, "1"], ())


def test_merged_ranges_are_reported_by_calamine():
    table, _rows = read_cells(ledger_workbook(), "calamine")
    assert table.merged_ranges == (CellRange(1, 0, 1, 7),)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_header_below_the_title_is_found_and_blank_rows_are_skipped(engine):
    with open_table(io.BytesIO(ledger_workbook()), filename="名单.xlsx", engine=engine) as table:
        header = locate_header(table, expected=["姓名", "身份证号", "认定日期"])
        rows = list(data_rows(table, header))
    assert header.row_number == 3
    assert [row.number for row in rows] == [4, 5, 7, 8]
    assert [header.value(row, "姓名") for row in rows] == ["张三", None, "李四", "王五"]


def test_a_real_xls_reads_like_an_xlsx():
    # given: an .xls written by xlwt (BIFF8), header on row 3 below a merged title
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("名单")
    sheet.write_merge(0, 0, 0, 3, "已脱贫人口名单")
    for column, text in enumerate(["姓名", "证件号码", "首次识别时间", "人数"]):
        sheet.write(2, column, text)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(3, 0, "张三")
    sheet.write(3, 1, "110101199003071234")
    sheet.write(3, 2, dt.date(2014, 10, 1), date_style)
    sheet.write(3, 3, 4)
    sheet.write(4, 0, "李四")
    sheet.write(4, 1, 1.10101199003071e17)
    sheet.write(4, 3, xlwt.Formula("D4+1"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when
    with open_table(buffer, filename="名单.xls") as table:
        header = locate_header(table, expected=["姓名", "证件号码"])
        rows = [(row.number, row.cells, row.imprecise) for row in data_rows(table, header)]
    # then
    assert table.format == "xls"
    assert table.merged_ranges == (CellRange(1, 0, 1, 3),)
    assert header.row_number == 3
    assert rows == [
        (4, ["张三", "110101199003071234", "2014-10-01", "4"], ()),
        (5, ["李四", "110101199003071000"], (1,)),  # xlwt stores no formula result
    ]


def test_an_ods_is_read():
    data = ods([["已脱贫人口名单"], [], ["姓名", "证件号码"], ["张三", "110101199003071234"]])
    with open_table(io.BytesIO(data), filename="名单.ods") as table:
        header = locate_header(table, expected=["证件号码"])
        rows = [row.cells for row in data_rows(table, header)]
    assert table.format == "ods"
    assert header.row_number == 3
    assert rows == [["张三", "110101199003071234"]]


def workbook_with_sheets() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "代码表"
    workbook.active.sheet_state = "hidden"
    workbook.active.append(["代码"])
    workbook.create_sheet("一月").append(["一月数据"])
    workbook.create_sheet("二月").append(["二月数据"])
    return saved(workbook)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("sheet", "first_cell"),
    [
        (None, "一月数据"),
        ("二月", "二月数据"),
        (" 二月 ", "二月数据"),
        (0, "代码"),
        (2, "二月数据"),
    ],
)
def test_a_sheet_is_chosen_by_name_or_index_and_by_default_the_first_visible(
    engine, sheet, first_cell
):
    table, rows = read_cells(workbook_with_sheets(), engine, sheet=sheet)
    assert table.sheet_names == ["代码表", "一月", "二月"]
    assert rows[1][0] == [first_cell]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("sheet", ["三月", 3, -1])
def test_an_unknown_sheet_is_refused(engine, sheet):
    with pytest.raises(TabularError) as raised:
        read_cells(workbook_with_sheets(), engine, sheet=sheet)
    assert raised.value.code == "sheet_not_found"


def test_the_auto_engine_streams_a_sheet_too_big_for_calamine(monkeypatch):
    data = ledger_workbook()
    with open_table(io.BytesIO(data), filename="名单.xlsx") as table:
        assert table.engine == "calamine"
    monkeypatch.setattr(excel_source, "CALAMINE_SHEET_LIMIT", 100)
    with open_table(io.BytesIO(data), filename="名单.xlsx") as table:
        assert table.engine == "openpyxl"
        assert len(list(table.rows())) == 8


def test_the_streaming_engine_reads_a_large_sheet_in_flat_memory(tmp_path):
    # given
    path = tmp_path / "big.xlsx"
    rows = ([f"{n:06d}", "张三丰", "凉风村", "2020-03-05", f"{n}.50"] for n in range(10_000))
    write_xlsx(path, sheet_title="名单", title=None, header_rows=[["序号"] * 5], rows=rows)
    with zipfile.ZipFile(path) as archive:
        sheet_size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    # when
    tracemalloc.start()
    try:
        with open_table(path, filename="big.xlsx", engine="openpyxl") as table:
            count = sum(1 for _row in table.rows())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then
    assert count == 10_001
    assert peak < sheet_size // 2, f"peak {peak} bytes for {sheet_size} bytes of sheet XML"
