from decimal import Decimal

import pytest

from fupin.core.masking import mask_bank_account, mask_id_number, mask_phone, mask_text
from fupin.core.money import InvalidAmount, parse_amount


def test_id_numbers_keep_the_address_code_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("11010519491231002X11") == "110105**********2X11"
    assert mask_id_number("") == ""


def test_phones_and_accounts_show_only_their_ends():
    assert mask_phone("13800001234") == "138****1234"
    assert mask_bank_account("6222020200112233445") == "***************3445"
    assert mask_text("患有大病") == "***"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12000", "12000.00"),
        ("1,234.5", "1234.50"),
        ("１２３４", "1234.00"),
        ("800元", "800.00"),
        (3000, "3000.00"),
        ("0.005", "0.01"),
    ],
)
def test_amounts_people_type_are_parsed_to_yuan(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["abc", "12,00a", "", "-5", "1e5", "NaN", True, None, "99999999999"]
)
def test_anything_else_is_not_an_amount(raw):
    with pytest.raises(InvalidAmount):
        parse_amount(raw)
