"""Cell texts as values: what offices type is accepted, the rest refused with a stable code."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core import ids
from fupin.tabular.errors import ValueProblem
from fupin.tabular.values import (
    parse_amount,
    parse_date,
    parse_id_number,
    parse_int,
    parse_period,
    parse_yes_no,
)

VALID_ID = ids.make("500110", dt.date(1990, 3, 7), 123)


def refused(parser, text, **options) -> str:
    with pytest.raises(ValueProblem) as raised:
        parser(text, **options)
    assert str(raised.value.message)
    return raised.value.code


@pytest.mark.parametrize(
    "text",
    [
        "2020-03-05",
        "2020-3-5",
        "2020/3/5",
        "2020/03/05",
        "2020.3.5",
        "20200305",
        "2020年3月5日",
        "2020年3月5日 8:30",
        "2020年03月05",
        "２０２０－０３－０５",
        " 2020-03-05 ",
        "2020-03-05 08:30",
        "2020-03-05 08:30:15",
        "2020/3/5 8:30:15.250",
        "2020-03-05T08:30:00",
        "43895",
        "43895.35416",
    ],
)
def test_dates_are_accepted_as_offices_write_them(text):
    assert parse_date(text) == dt.date(2020, 3, 5)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2020-02-30", "date_invalid"),
        ("20201305", "date_invalid"),
        ("1700-01-01", "date_invalid"),
        ("2020-03", "date_format"),
        ("2020-03-05 下午", "date_format"),
        ("三月五日", "date_format"),
        ("202003051", "date_format"),
        ("0", "date_invalid"),
        ("999999", "date_format"),
        ("", "empty"),
        (None, "empty"),
        ("  ", "empty"),
    ],
)
def test_texts_that_are_not_dates_are_refused(text, code):
    assert refused(parse_date, text) == code


def test_an_excel_serial_number_is_a_date_only_where_the_column_allows_it():
    assert parse_date("1") == dt.date(1900, 1, 1)
    assert parse_date("61") == dt.date(1900, 3, 1)
    assert refused(parse_date, "43895", excel_serial=False) == "date_format"


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("202003", (2020, 3)),
        ("2020-03", (2020, 3)),
        ("2020/3", (2020, 3)),
        ("2020.3", (2020, 3)),
        ("2020年3月", (2020, 3)),
        ("2020年12", (2020, 12)),
        ("２０２０年３月", (2020, 3)),
        ("2020", (2020, None)),
        ("2020年", (2020, None)),
    ],
)
def test_periods_are_a_year_and_month_or_a_year_alone(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("202013", "period_invalid"),
        ("2020-00", "period_invalid"),
        ("1700", "period_invalid"),
        ("2020-03-05", "period_format"),
        ("20203", "period_format"),
        ("三月", "period_format"),
        (None, "empty"),
    ],
)
def test_texts_that_are_not_periods_are_refused(text, code):
    assert refused(parse_period, text) == code


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("Ｙ", True),
        ("yes", True),
        ("No", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("√", True),
        ("×", False),
        (" 是 ", True),
    ],
)
def test_yes_and_no_are_read_in_the_forms_offices_use(text, value):
    assert parse_yes_no(text) is value


@pytest.mark.parametrize(("text", "code"), [("有", "yes_no_invalid"), ("2", "yes_no_invalid")])
def test_other_texts_are_not_yes_or_no(text, code):
    assert refused(parse_yes_no, text) == code


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234.5", Decimal("1234.50")),
        ("1,234.56", Decimal("1234.56")),
        ("１２３４", Decimal("1234.00")),
        ("50000元", Decimal("50000.00")),
        ("￥3,000", Decimal("3000.00")),
        ("0.005", Decimal("0.01")),
    ],
)
def test_amounts_delegate_to_core_money(text, amount):
    assert parse_amount(text) == amount


def test_a_negative_amount_needs_permission():
    assert refused(parse_amount, "-5") == "amount_invalid"
    assert parse_amount("-5", allow_negative=True) == Decimal("-5.00")


@pytest.mark.parametrize("text", ["十元", "1.2.3", "12元5角"])
def test_texts_that_are_not_amounts_are_refused(text):
    assert refused(parse_amount, text) == "amount_invalid"


@pytest.mark.parametrize(
    "text",
    [
        VALID_ID,
        f" {VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]} ",
        VALID_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
)
def test_id_numbers_are_normalised(text):
    assert parse_id_number(text) == VALID_ID


def test_an_old_15_digit_id_number_is_upgraded():
    assert parse_id_number("500110900307123") == ids.upgrade_15("500110900307123")


def test_a_lower_case_x_check_character_is_upper_cased():
    number = next(
        ids.make("500110", dt.date(1990, 3, 7), sequence)
        for sequence in range(1000)
        if ids.make("500110", dt.date(1990, 3, 7), sequence).endswith("X")
    )
    assert parse_id_number(number.lower()) == number


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2"), "id_checksum"),
        ("50011019901307123" + ids.check_char("50011019901307123"), "id_birth_date"),
        ("5001101990", "id_format"),
        ("5.00110199003071E+17", "id_number_as_number"),
        ("5.0011E17", "id_number_as_number"),
        (None, "empty"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(text, code):
    assert refused(parse_id_number, text) == code


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("１２", 12), ("1,200", 1200), ("12.0", 12), ("+3", 3), (" 7 ", 7)],
)
def test_whole_numbers_are_read(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["12.5", "十二", "1e3", "-3"])
def test_texts_that_are_not_whole_numbers_are_refused(text):
    assert refused(parse_int, text) == "int_invalid"


def test_a_negative_whole_number_needs_permission():
    assert parse_int("-3", allow_negative=True) == -3
