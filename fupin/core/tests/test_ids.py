import datetime as dt

import pytest

from fupin.core import ids


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "2"),
        ("440524188001010014", dt.date(1880, 1, 1), "1"),
        ("34052419800101001X", dt.date(1980, 1, 1), "1"),
    ],
)
def test_official_test_vectors_are_valid_and_give_birth_date_and_sex(number, birth, sex):
    facts = ids.parse(number)
    assert (facts.number, facts.birth_date, facts.sex) == (number, birth, sex)


def test_lower_case_x_full_width_digits_and_spaces_are_normalised():
    assert ids.parse(" 11010519491231002x ").number == "11010519491231002X"
    assert ids.parse("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_a_wrong_check_character_is_refused():
    with pytest.raises(ids.InvalidIdNumber) as exc:
        ids.parse("110105194912310021")
    assert exc.value.code == "id_checksum"


@pytest.mark.parametrize(
    "raw", ["", "1101051949123100", "11010519491231002Y", "ABCDEFGHIJKLMNOPQR"]
)
def test_malformed_numbers_are_refused_as_format_errors(raw):
    with pytest.raises(ids.InvalidIdNumber) as exc:
        ids.parse(raw)
    assert exc.value.code == "id_format"


def test_an_impossible_birth_date_is_refused():
    first17 = "50011019900230001"  # 30 February
    with pytest.raises(ids.InvalidIdNumber) as exc:
        ids.parse(first17 + ids.check_char(first17))
    assert exc.value.code == "id_birth_date"


def test_a_birth_date_in_the_future_is_refused():
    number = ids.make("500110", dt.date(2030, 1, 1), 11)
    with pytest.raises(ids.InvalidIdNumber) as exc:
        ids.parse(number, today=dt.date(2026, 11, 29))
    assert exc.value.code == "id_birth_date"


def test_a_15_digit_number_is_upgraded_with_century_and_check_character():
    assert ids.upgrade_15("110105491231002") == "11010519491231002X"
    assert ids.parse("110105491231002").number == "11010519491231002X"


def test_a_disability_certificate_is_the_id_number_plus_two_digits():
    facts = ids.parse_disability_certificate("11010519491231002X11")
    assert facts.number == "11010519491231002X11"
    assert facts.birth_date == dt.date(1949, 12, 31)
    with pytest.raises(ids.InvalidIdNumber):
        ids.parse_disability_certificate("11010519491231002X1A")


def test_make_builds_numbers_that_parse():
    number = ids.make("500110", dt.date(2001, 2, 3), 7)
    assert ids.parse(number).sex == "1"
