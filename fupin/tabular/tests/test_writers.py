"""Writing: the national layout (title, header on row 3, every value as text) reads back intact."""

import datetime as dt
import io
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from fupin.tabular.readers import data_rows, locate_header, open_table
from fupin.tabular.writers import write_csv, write_xlsx

FIELDS = [
    "县",
    "乡",
    "村",
    "姓名",
    "证件号码",
    "人数",
    "识别监测时间",
    "风险是否已消除",
    "人均纯收入",
]
ROWS = [
    [
        "綦江区",
        "关坝镇",
        "凉风村",
        "张三",
        "110101199003071234",
        4,
        dt.date(2020, 3, 5),
        True,
        Decimal("5230.50"),
    ],
    ["綦江区", "关坝镇", "凉风村", "李四", "11010119900307123X", 2, None, False, 0.1 + 0.2],
    ["綦江区", "关坝镇", "示范一村", '=HYPERLINK("x")', "#N/A", None, "202003", None, None],
]
TEXTS = [
    [
        "綦江区",
        "关坝镇",
        "凉风村",
        "张三",
        "110101199003071234",
        "4",
        "2020-03-05",
        "是",
        "5230.50",
    ],
    ["綦江区", "关坝镇", "凉风村", "李四", "11010119900307123X", "2", None, "否", "0.3"],
    ["綦江区", "关坝镇", "示范一村", '=HYPERLINK("x")', "#N/A", None, "202003"],
]


def written(**options) -> bytes:
    buffer = io.BytesIO()
    options = {"sheet_title": "监测对象", "title": "（自定义）监测对象信息", **options}
    options.setdefault("header_rows", [FIELDS])
    options.setdefault("rows", ROWS)
    write_xlsx(buffer, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_a_written_sheet_reads_back_the_same_texts_with_the_header_on_row_3(engine):
    # given
    data = written()
    # when
    with open_table(io.BytesIO(data), filename="监测对象.xlsx", engine=engine) as table:
        header = locate_header(table, expected=FIELDS)
        rows = [(row.number, row.cells) for row in data_rows(table, header)]
    # then
    assert header.row_number == 3
    assert header.columns == FIELDS
    assert rows == [(4, TEXTS[0]), (5, TEXTS[1]), (6, TEXTS[2])]


def test_every_value_is_stored_as_text_and_the_sheet_is_laid_out_for_people():
    workbook = openpyxl.load_workbook(io.BytesIO(written(notes="数据日期：2020-03")))
    sheet = workbook["监测对象"]
    assert sheet["A1"].value == "（自定义）监测对象信息"
    assert sheet["A1"].font.bold
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["A1:I1"]
    assert sheet["A2"].value == "数据日期：2020-03"
    assert sheet["E3"].value == "证件号码" and sheet["E3"].font.bold
    assert sheet.freeze_panes == "A4"
    data_cells = [cell for row in sheet.iter_rows(min_row=4) for cell in row if cell.value]
    assert {cell.data_type for cell in data_cells} == {"s"}  # no numbers, formulas or errors
    assert sheet["E4"].value == "110101199003071234"
    assert sheet.column_dimensions["E"].width == 20
    assert sheet.column_dimensions["B"].width == 8


def test_a_ledger_header_gets_its_groups_merged_and_reads_back_by_group():
    # given: 序号 spans both header rows; two groups of fields
    groups = ["序号", "基本情况", "基本情况", "扶贫小额信贷", "扶贫小额信贷"]
    fields = ["序号", "户主姓名", "身份证号", "贷款金额", "放款日期"]
    rows = [[1, "张三", "110101199003071234", Decimal("50000"), dt.date(2020, 3, 5)]]
    data = written(title="金融扶贫小额信贷", header_rows=[groups, fields], rows=rows)
    # when
    sheet = openpyxl.load_workbook(io.BytesIO(data))["监测对象"]
    with open_table(io.BytesIO(data), filename="台账.xlsx") as table:
        header = locate_header(table, expected=["身份证号", "贷款金额"])
        row = next(data_rows(table, header))
    # then
    assert sorted(str(merged) for merged in sheet.merged_cells.ranges) == [
        "A1:E1",
        "A2:A3",
        "B2:C2",
        "D2:E2",
    ]
    assert sheet.freeze_panes == "A4"
    assert header.row_number == 3
    assert header.columns == [
        "序号",
        "基本情况/户主姓名",
        "基本情况/身份证号",
        "扶贫小额信贷/贷款金额",
        "扶贫小额信贷/放款日期",
    ]
    assert row.cells == ["1", "张三", "110101199003071234", "50000", "2020-03-05"]


def test_without_a_title_the_header_is_the_first_row_and_groups_may_stay_unmerged():
    data = written(title=None, header_rows=[["组", "组"], ["甲", "乙"]], merge_groups=False)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["监测对象"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(max_row=2, max_col=2)] == [
        ["组", "组"],
        ["甲", "乙"],
    ]
    assert not sheet.merged_cells.ranges
    assert sheet.freeze_panes == "A3"


def test_a_sheet_title_excel_would_refuse_is_made_safe():
    data = written(sheet_title="2020/03 监测对象:凉风村[一组]*全部人员名单?")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == [
        "2020_03 监测对象_凉风村_一组__全部人员名单_"
    ]


def test_writing_streams_rows_in_flat_memory(tmp_path):
    rows = ([f"{n:06d}", "张三丰", "凉风村", dt.date(2020, 3, 5), n] for n in range(8_000))
    path = tmp_path / "big.xlsx"
    tracemalloc.start()
    try:
        count = write_xlsx(
            path, sheet_title="名单", title="名单", header_rows=[FIELDS[:5]], rows=rows
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with zipfile.ZipFile(path) as archive:
        sheet_size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert count == 8_000
    assert peak < sheet_size // 2, f"peak {peak} bytes for {sheet_size} bytes of sheet XML"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_written_csv_reads_back_the_same_texts(encoding, tmp_path):
    path = tmp_path / "名单.csv"
    count = write_csv(path, FIELDS, ROWS, encoding=encoding, escape_formulas=False)
    with open_table(path, filename=path.name) as table:
        header = locate_header(table, expected=FIELDS)
        rows = [row.cells for row in data_rows(table, header)]
    assert count == 3
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert header.row_number == 1
    assert rows == TEXTS


def test_a_csv_text_that_excel_would_run_as_a_formula_is_escaped():
    stream = io.BytesIO()
    rows = [["=1+1", "-5", "+86 13800000000", "@SUM(A1)", "-cmd", "a=b"]]
    write_csv(stream, ["a", "b", "c", "d", "e", "f"], rows)
    lines = stream.getvalue().decode("utf-8-sig").splitlines()
    assert lines[1] == "'=1+1,-5,+86 13800000000,'@SUM(A1),'-cmd,a=b"
    unescaped = io.BytesIO()
    write_csv(unescaped, ["a"], [["=1+1"]], escape_formulas=False)
    assert unescaped.getvalue().decode("utf-8-sig").splitlines()[1] == "=1+1"


def test_write_csv_leaves_a_caller_s_stream_open():
    stream = io.BytesIO()
    write_csv(stream, ["姓名"], [["张三"]])
    assert not stream.closed
    assert stream.getvalue() == "\ufeff姓名\r\n张三\r\n".encode()
