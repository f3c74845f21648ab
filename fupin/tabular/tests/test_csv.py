"""CSV files as offices save them: UTF-8 with or without BOM, GBK, tab- or semicolon-delimited."""

import csv
import io
import tracemalloc

import pytest

from fupin.core import ids
from fupin.tabular.errors import TabularError
from fupin.tabular.readers import data_rows, locate_header, open_table

HEADER = ["姓名", "证件号码", "行政村", "放款日期", "贷款金额（元）"]
ROWS = [
    ["张三", "110101199003071234", "凉风村", "2020-03-05", "50000"],
    ["李四", "11010119900307123X", "示范一村", "2020/3/6", "30,000.5"],
]


def csv_bytes(rows, *, encoding="utf-8", delimiter=","):
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


def read_all(data, filename="名单.csv"):
    with open_table(io.BytesIO(data), filename=filename) as table:
        return table, [(row.number, row.cells) for row in table.rows()]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_a_csv_with_chinese_headers_reads_in_each_encoding_offices_use(encoding):
    # given
    data = csv_bytes([HEADER, *ROWS], encoding=encoding)
    # when
    table, rows = read_all(data)
    # then
    assert table.format == "csv"
    assert rows == [(1, HEADER), (2, ROWS[0]), (3, ROWS[1])]


@pytest.mark.parametrize("delimiter", ["\t", ";", ","])
def test_the_delimiter_is_sniffed(delimiter):
    data = csv_bytes([HEADER, *ROWS], encoding="gbk", delimiter=delimiter)
    _table, rows = read_all(data)
    assert rows[1] == (2, ROWS[0])


def test_quoted_cells_keep_their_commas_and_line_breaks_and_numbering_counts_records():
    data = csv_bytes([HEADER, ["王五", "1", "凉风村,2组", "2020-03-05", "1"], ["赵六"]])
    data = data.replace("凉风村,2组".encode(), "凉风村,\n2组".encode())
    _table, rows = read_all(data)
    assert rows[1] == (2, ["王五", "1", "凉风村,\n2组", "2020-03-05", "1"])
    assert rows[2] == (3, ["赵六"])


def test_cells_are_stripped_and_empty_cells_are_none():
    _table, rows = read_all("姓名,证件号码,备注\n 张三 ,,\u3000\n".encode())
    assert rows[1] == (2, ["张三"])


def test_gbk_that_starts_after_a_long_ascii_prefix_is_still_recognised():
    ascii_rows = [["id", str(number)] for number in range(10_000)]
    data = csv_bytes([*ascii_rows, ["姓名", "张三"]], encoding="gbk")
    assert len(data) > 64 * 1024
    _table, rows = read_all(data)
    assert rows[-1] == (10_001, ["姓名", "张三"])


def test_a_file_in_another_encoding_is_refused_as_bad_encoding():
    # Big5-encoded Traditional Chinese does not decode as UTF-8 and not as GB18030 here.
    data = b"\xa9m\xa6W,\xa8\xad\xa5\xf7\xc3\xd2\r\n\x80\x80\x80,\xff\xff\n"
    with pytest.raises(TabularError) as raised:
        read_all(data)
    assert raised.value.code == "bad_encoding"


def test_a_byte_that_does_not_decode_later_in_the_file_is_reported_with_its_row():
    data = csv_bytes([HEADER, *ROWS * 100]) + b"\xff\xfe\xfa,x\n"
    with (
        open_table(io.BytesIO(data), filename="名单.csv") as table,
        pytest.raises(TabularError) as raised,
    ):
        list(table.rows())
    assert raised.value.code == "bad_encoding"
    assert raised.value.row == 202


def test_a_path_is_read_and_the_table_can_be_read_twice(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes([HEADER, *ROWS], encoding="utf-8-sig"))
    with open_table(path, filename=path.name) as table:
        first = [row.cells for row in table.rows()]
        second = [row.cells for row in table.rows()]
    assert first == second == [HEADER, *ROWS]
    assert table.sheet_names == ["名单"]
    assert table.filename == "名单.csv"


def test_reading_a_caller_s_file_leaves_it_open():
    stream = io.BytesIO(csv_bytes([HEADER, *ROWS]))
    with open_table(stream, filename="名单.csv") as table:
        assert len(list(table.rows())) == 3
    assert not stream.closed


def test_a_csv_header_below_a_title_block_is_found_on_row_3():
    data = csv_bytes([["凉风村已脱贫人口名单"], ["数据日期：2020-03"], HEADER, *ROWS, [], ROWS[0]])
    with open_table(io.BytesIO(data), filename="名单.csv") as table:
        header = locate_header(table, expected=HEADER)
        rows = list(data_rows(table, header))
    assert header.row_number == 3
    assert header.columns == ["姓名", "证件号码", "行政村", "放款日期", "贷款金额(元)"]
    assert [row.number for row in rows] == [4, 5, 7]
    assert header.value(rows[1], "贷款金额（元）") == "30,000.5"


def person_rows(count):
    for number in range(count):
        birth = f"19{number % 80 + 20:02d}0{number % 9 + 1}1{number % 9}"
        first17 = f"500110{birth}{number % 1000:03d}"
        yield [
            f"{number:07d}",
            "张三丰",
            first17 + ids.check_char(first17),
            "凉风村",
            "2020-03-05",
            f"{number % 100_000}.50",
        ]


def test_a_200_000_row_csv_streams_in_flat_memory(tmp_path):
    # given: a file far larger than the memory the read may use
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["序号", "姓名", "证件号码", "行政村", "日期", "金额"])
        writer.writerows(person_rows(200_000))
    size = path.stat().st_size
    # when
    tracemalloc.start()
    try:
        with open_table(path, filename="big.csv") as table:
            header = locate_header(table, expected=["姓名", "证件号码"])
            count = 0
            last = None
            for row in data_rows(table, header):
                count += 1
                last = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then
    assert count == 200_000
    assert last is not None and last.number == 200_001
    assert size > 12 * 1024 * 1024
    assert peak < min(50 * 1024 * 1024, size // 4), f"peak {peak} bytes for a {size}-byte file"
