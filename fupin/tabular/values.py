"""Cell text to value, accepting what people type in Chinese offices; refusals are ValueProblems.

Every parser takes the cell text (or None for an empty cell, refused with code ``empty``: the
caller decides which columns may be empty) and returns a value or raises `ValueProblem`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from fupin.core import ids, money
from fupin.tabular.errors import ValueProblem

_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．：　ＹＮｙｎ", "0123456789-/.: YNyn")
_DATE = re.compile(
    r"(?P<year>\d{4})\s*(?:[-/.]|年)\s*(?P<month>\d{1,2})\s*(?:[-/.]|月)\s*(?P<day>\d{1,2})(?:\s*日)?"
)
_COMPACT_DATE = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
_TIME = re.compile(r"(?:[ T]+\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?|[ T]+\d{1,2}时(?:\d{1,2}分)?)?")
_SERIAL = re.compile(r"\d{1,5}(?:\.\d+)?")
_PERIOD = re.compile(r"(?P<year>\d{4})\s*(?:[-/.]|年)\s*(?P<month>\d{1,2})\s*月?")
_COMPACT_PERIOD = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})")
_YEAR = re.compile(r"(?P<year>\d{4})\s*年?")
_INTEGER = re.compile(r"[-+]?\d+(?:\.0+)?")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
_INT_JUNK = re.compile(r"[,，\s]")

FIRST_YEAR = 1880
LAST_YEAR = 2199
EXCEL_EPOCH = dt.date(1899, 12, 30)
LAST_SERIAL = 109_573  # 2199-12-31
ID_MESSAGES = {
    "id_format": _("An ID number has 18 characters: 17 digits and a digit or X."),
    "id_birth_date": _("The birth date inside the ID number is impossible."),
    "id_checksum": _("The ID number's last character does not match; check for a typo."),
}
YES_TEXTS = frozenset({"是", "y", "yes", "true", "t", "1", "√", "✓"})
NO_TEXTS = frozenset({"否", "n", "no", "false", "f", "0", "×", "✗"})


def cleaned(text: str | None) -> str:
    """The text with full-width digits and marks made ASCII; refuses an empty cell."""
    value = (text or "").translate(_FULLWIDTH).strip()
    if not value:
        raise ValueProblem("empty", _("The cell is empty."))
    return value


def parse_date(text: str | None, *, excel_serial: bool = True) -> dt.date:
    """2020-03-05, 2020/3/5, 2020.3.5, 20200305, 2020年3月5日, with or without a time after it,
    and (for a date column, where `excel_serial` is left on) an Excel serial number like 43895."""
    value = cleaned(text)
    found = _DATE.match(value) or _COMPACT_DATE.match(value)
    if found and _TIME.fullmatch(value, found.end()):
        return make_date(int(found["year"]), int(found["month"]), int(found["day"]))
    if excel_serial and _SERIAL.fullmatch(value):
        return serial_date(value)
    raise ValueProblem("date_format", _("Not a date; write it as 2020-03-05."))


def make_date(year: int, month: int, day: int) -> dt.date:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise ValueProblem("date_invalid", _("There is no such date.")) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueProblem("date_invalid", _("The year is out of range."))
    return date


def serial_date(value: str) -> dt.date:
    """Excel's day count (1 = 1900-01-01; it counts a 1900-02-29 that never was)."""
    days = int(Decimal(value))
    if not 1 <= days <= LAST_SERIAL:
        raise ValueProblem("date_invalid", _("The year is out of range."))
    if days < 60:
        days += 1
    date = EXCEL_EPOCH + dt.timedelta(days=days)
    if date.year < FIRST_YEAR:
        raise ValueProblem("date_invalid", _("The year is out of range."))
    return date


def parse_period(text: str | None) -> tuple[int, int | None]:
    """A month as (year, month) from 202003, 2020-03, 2020/3, 2020.3, 2020年3月; a year alone
    ("2020", "2020年") as (2020, None)."""
    value = cleaned(text)
    found = _PERIOD.fullmatch(value) or _COMPACT_PERIOD.fullmatch(value)
    if found:
        year, month = int(found["year"]), int(found["month"])
        if not 1 <= month <= 12:
            raise ValueProblem("period_invalid", _("There is no such month."))
        return check_year(year), month
    found = _YEAR.fullmatch(value)
    if found:
        return check_year(int(found["year"])), None
    raise ValueProblem("period_format", _("Not a month; write it as 2020-03 or 202003."))


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueProblem("period_invalid", _("The year is out of range."))
    return year


def parse_yes_no(text: str | None) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0, √/× (any case)."""
    value = cleaned(text).lower()
    if value in YES_TEXTS:
        return True
    if value in NO_TEXTS:
        return False
    raise ValueProblem("yes_no_invalid", _("Write 是 or 否."))


def parse_amount(text: str | None, *, allow_negative: bool = False) -> Decimal:
    """Yuan with two places: '1,234.5', '１２３４', '1234元' (see fupin.core.money)."""
    value = cleaned(text)
    try:
        return money.parse_amount(value, allow_negative=allow_negative)
    except money.InvalidAmount:
        raise ValueProblem("amount_invalid", _("Not an amount of money.")) from None


def parse_id_number(text: str | None, *, today: dt.date | None = None) -> str:
    """The normalised 18-character ID number (15-digit numbers upgraded, blanks removed).

    Codes: id_format, id_birth_date, id_checksum (fupin.core.ids), and id_number_as_number for
    "1.10101E+17": a number column in Excel, whose last digits are lost for good.
    """
    value = cleaned(text)
    if _SCIENTIFIC.fullmatch(value):
        raise ValueProblem(
            "id_number_as_number",
            _(
                "The ID number was stored as a number and has lost its last digits. "
                "Format the column as text in Excel, type the numbers again and retry."
            ),
        )
    try:
        return ids.parse(value, today=today).number
    except ids.InvalidIdNumber as problem:
        message = ID_MESSAGES.get(problem.code, ID_MESSAGES["id_format"])
        raise ValueProblem(problem.code, message) from None


def parse_int(text: str | None, *, allow_negative: bool = False) -> int:
    """A whole number: '12', '１２', '1,200', '12.0' (as Excel exports whole numbers)."""
    value = _INT_JUNK.sub("", cleaned(text))
    if not _INTEGER.fullmatch(value):
        raise ValueProblem("int_invalid", _("Not a whole number."))
    number = int(Decimal(value))
    if number < 0 and not allow_negative:
        raise ValueProblem("int_invalid", _("The number may not be negative."))
    return number
