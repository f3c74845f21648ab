"""Header rows: below a title block, with merged group rows above the field row."""

import csv
import io

import openpyxl
import pytest

from fupin.tabular.errors import TabularError
from fupin.tabular.readers import data_rows, locate_header, open_table

# The 金融扶贫小额信贷 ledger (national-formats.md), shortened: title / groups / fields.
LEDGER_GROUPS = {
    "基本情况": ["序号", "乡镇", "行政村", "户主姓名", "身份证号", "贷款人姓名", "贷款人身份证"],
    "原贷款情况": ["原有余额", "原有贷款是否逾期"],
    "扶贫小额信贷": ["授信额度", "贷款金额", "放款日期", "贷款余额（万元）"],
    "创业贷款": ["贷款金额", "放款日期", "贷款余额"],
}
PERSON = ["1", "关坝镇", "凉风村", "张三", "110101199003071234", "张三", "110101199003071234"]
LOAN = ["0", "否", "50000", "50000", "2020-03-05", "5", "", "", ""]


def ledger_grid() -> tuple[list[str], list[str]]:
    groups = [group for group, fields in LEDGER_GROUPS.items() for _field in fields]
    fields = [field for fields in LEDGER_GROUPS.values() for field in fields]
    return groups, fields


def ledger_xlsx() -> bytes:
    """As a county office builds it in Excel: each group typed once and merged across."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    groups, fields = ledger_grid()
    sheet.append(["金融扶贫小额信贷"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(fields))
    sheet.append(
        [text if index == groups.index(text) else None for index, text in enumerate(groups)]
    )
    for group in LEDGER_GROUPS:
        first = groups.index(group) + 1
        last = len(groups) - groups[::-1].index(group)
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    sheet.append([field.replace("（", "\n（") for field in fields])  # a line break in a cell
    sheet.append(PERSON + LOAN)
    sheet.append([])
    sheet.append(["2", *PERSON[1:], *LOAN])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_csv() -> bytes:
    """The same ledger saved as CSV: merged cells become one text and empty cells."""
    groups, fields = ledger_grid()
    rows = [
        ["金融扶贫小额信贷"],
        [text if index == groups.index(text) else "" for index, text in enumerate(groups)],
        fields,
        PERSON + LOAN,
    ]
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8-sig")


EXPECTED = ["户主姓名", "身份证号", "基本情况/贷款人身份证", "扶贫小额信贷/贷款金额"]
SOURCES = [
    pytest.param(ledger_xlsx, "calamine", id="xlsx-calamine-merges"),
    pytest.param(ledger_xlsx, "openpyxl", id="xlsx-openpyxl-no-merges"),
    pytest.param(ledger_csv, "auto", id="csv"),
]


@pytest.mark.parametrize(("build", "engine"), SOURCES)
def test_a_three_row_ledger_header_is_read_as_group_and_field(build, engine):
    # given
    with open_table(io.BytesIO(build()), filename="台账.xlsx", engine=engine) as table:
        # when
        header = locate_header(table, expected=EXPECTED)
        rows = list(data_rows(table, header))
    # then
    assert (header.first_row, header.row_number) == (2, 3)
    assert header.columns[:3] == ["基本情况/序号", "基本情况/乡镇", "基本情况/行政村"]
    assert header.columns[9:13] == [
        "扶贫小额信贷/授信额度",
        "扶贫小额信贷/贷款金额",
        "扶贫小额信贷/放款日期",
        "扶贫小额信贷/贷款余额(万元)",
    ]
    assert header.columns[-1] == "创业贷款/贷款余额"
    assert header.value(rows[0], "身份证号") == "110101199003071234"
    assert header.value(rows[0], "扶贫小额信贷/贷款金额") == "50000"
    assert header.value(rows[0], "贷款余额（万元）") == "5"


def test_a_field_that_repeats_in_two_groups_must_be_named_with_its_group():
    with open_table(io.BytesIO(ledger_xlsx()), filename="台账.xlsx") as table:
        header = locate_header(table, expected=EXPECTED)
    with pytest.raises(TabularError) as raised:
        header.index_of("贷款金额")
    assert raised.value.code == "ambiguous_column"
    assert header.index_of("创业贷款/贷款金额") == 13
    assert header.missing(["贷款金额", "创业贷款/放款日期", "备注"]) == ["贷款金额", "备注"]
    with pytest.raises(TabularError) as raised:
        header.index_of("备注")
    assert raised.value.code == "unknown_column"


def test_a_column_merged_down_through_the_group_row_is_named_by_its_own_text():
    # given: 序号 and 备注 span rows 2–3; the fields of 基本情况 sit under a merged group
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["花名册"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "基本情况", None, None, "备注"])
    sheet.append([None, "姓名", "性别", "证件号码", None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("E2:E3")
    sheet.append(["1", "张三", "男", "110101199003071234", "无"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    for engine in ("calamine", "openpyxl"):
        with open_table(buffer, filename="花名册.xlsx", engine=engine) as table:
            # when
            header = locate_header(table, expected=["姓名", "证件号码"])
        # then
        assert header.columns == [
            "序号",
            "基本情况/姓名",
            "基本情况/性别",
            "基本情况/证件号码",
            "备注",
        ]
        assert header.index_of("备注") == 4


def test_a_group_row_naming_as_many_expected_columns_as_the_field_row_stays_a_group():
    # given: 姓名 and 证件号码 are merged down through the group row; 是否饮水安全 and 核查日期
    # sit under 核查情况 — both rows name two expected columns
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["饮水安全核查表"])
    sheet.merge_cells("A1:D1")
    sheet.append(["姓名", "证件号码", "核查情况", None])
    sheet.append([None, None, "是否饮水安全", "核查日期"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    sheet.append(["张三", "110101199003071234", "否", "2026-03-05"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    for engine in ("calamine", "openpyxl"):
        with open_table(buffer, filename="饮水.xlsx", engine=engine) as table:
            # when
            header = locate_header(table, expected=["姓名", "证件号码", "是否饮水安全", "核查日期"])
            row = next(data_rows(table, header))
        # then
        assert (header.first_row, header.row_number) == (2, 3)
        assert header.columns == ["姓名", "证件号码", "核查情况/是否饮水安全", "核查情况/核查日期"]
        assert header.value(row, "是否饮水安全") == "否"


def test_two_group_rows_above_the_fields_make_a_three_part_path():
    rows = [
        ["收入情况表"],
        ["户编号", "转移性收入", "", "", ""],
        ["", "生态补偿金小计", "", "其他转移性收入小计", ""],
        ["", "退耕还林补贴", "公益林补贴", "高龄补贴", "残疾补贴"],
        ["H001", "100", "200", "300", "400"],
    ]
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    with open_table(io.BytesIO(text.getvalue().encode()), filename="收入.csv") as table:
        header = locate_header(table, expected=["退耕还林补贴", "高龄补贴"])
    assert (header.first_row, header.row_number) == (2, 4)
    assert header.columns == [
        "户编号",
        "转移性收入/生态补偿金小计/退耕还林补贴",
        "转移性收入/生态补偿金小计/公益林补贴",
        "转移性收入/其他转移性收入小计/高龄补贴",
        "转移性收入/其他转移性收入小计/残疾补贴",
    ]
    assert header.index_of("其他转移性收入小计/残疾补贴") == 4
    assert header.index_of("转移性收入/生态补偿金小计/公益林补贴") == 2


def csv_table(lines: list[str]):
    return open_table(io.BytesIO("\n".join(lines).encode()), filename="名单.csv")


def test_header_texts_compare_without_blanks_line_breaks_stars_or_width_differences():
    with csv_table(
        ['"*姓 名",证件号码,"致贫/返贫风险1","耕地面积\n（亩）"', "张三,1,因病,2"]
    ) as table:
        header = locate_header(table, expected=["姓名", "耕地面积(亩)"])
        row = next(data_rows(table, header))
    assert header.columns == ["姓名", "证件号码", "致贫/返贫风险1", "耕地面积(亩)"]
    assert header.value(row, "致贫/返贫风险1") == "因病"
    assert header.value(row, "耕地面积（亩）") == "2"


def test_the_row_naming_most_expected_columns_wins_and_a_notes_row_is_not_a_group():
    lines = [
        "已脱贫人口名单",
        "填报单位：关坝镇",
        "县,乡,村,户编号,证件号码",
        "綦江区,关坝镇,凉风村,H1,1",
    ]
    with csv_table(lines) as table:
        header = locate_header(table, expected=["县", "乡", "村", "证件号码", "姓名"])
    assert (header.first_row, header.row_number) == (3, 3)
    assert header.columns == ["县", "乡", "村", "户编号", "证件号码"]


def test_no_matching_header_near_the_top_is_refused():
    with csv_table(["a,b,c", "1,2,3"]) as table, pytest.raises(TabularError) as raised:
        locate_header(table, expected=["姓名", "证件号码"])
    assert raised.value.code == "header_not_found"


def test_the_header_is_searched_only_in_the_first_rows():
    lines = ["", "", "", "姓名,证件号码", "张三,1"]
    with csv_table(lines) as table:
        assert locate_header(table, expected=["姓名"], search_rows=4).row_number == 4
        with pytest.raises(TabularError):
            locate_header(table, expected=["姓名"], search_rows=3)
