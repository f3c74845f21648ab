"""Cell parsers for the feeds' column maps: text in, a value ready for the database out.

Built on fupin.tabular.values, so dates, amounts, yes/no and ID numbers accept every form the
offices write. Each parser raises `ValueProblem` with a stable code and a message for people.
Values are what the database takes as they are: dates as ``YYYY-MM-DD``, amounts as text with
two decimals, yes/no as booleans, so staged rows are plain JSON (ADR 17).

Department files repeat the same dates, codes and ID numbers on many rows, so the parsers of
such columns remember what they parsed (a bounded cache): this is what lets an import run at
100,000 rows a second.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import mul
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.core import ids
from fupin.tabular import values
from fupin.tabular.errors import ValueProblem

Parser = Callable[[str], Any]
CACHE_SIZE = 1 << 15
_PLAIN_AMOUNT = re.compile(r"(?:0|[1-9]\d{0,9})(?:\.\d{1,2})?")
_BLANKS = re.compile(r"[\s\u3000]+")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}")


@dataclass(frozen=True)
class Shape:
    """What kind of parser a parser is, for checks that run on whole columns outside Python.

    fupin.datahub.pipeline.checks accepts the plainest cells of these kinds in SQL (a cleanly
    written ID number, a name of letters and ideographs, a plain amount, a text without blanks)
    exactly as the parser would, and leaves every other cell to the parser itself.
    """

    kind: str  # "id_number", "name", "amount", "text", "compact"
    max_length: int = 0


SHAPES: dict[Parser, Shape] = {}


def id_number(text: str) -> str:
    """The normalised 18-character ID number (fupin.tabular.values.parse_id_number).

    A number already written cleanly (18 characters, digits and a final X) is checked here
    directly, as most are; any other text, and any number that fails, takes the full path,
    which cleans it up and gives the exact refusal.
    """
    if len(text) == 18 and _ID18.fullmatch(text) and _valid(text):
        return text
    return _id_number(text)


_ID18 = re.compile(r"\d{17}[\dX]")
_ZEROS = 48 * sum(ids.WEIGHTS)
FIRST_BIRTH_YEAR = (
    1880  # as fupin.core.ids.parse  # what the ASCII codes of "0" add to the weighted sum
)


def _valid(number: str) -> bool:
    total = sum(map(mul, number[:17].encode(), ids.WEIGHTS)) - _ZEROS
    return ids.CHECK_CHARS[total % 11] == number[17] and _birth_date_valid(number[6:14])


@lru_cache(maxsize=CACHE_SIZE)
def _birth_date_valid(digits: str) -> bool:
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return born.year >= FIRST_BIRTH_YEAR and born <= dt.date.today()


@lru_cache(maxsize=CACHE_SIZE)
def _id_number(text: str) -> str:
    return values.parse_id_number(text)


def certificate_number(text: str) -> str:
    """A disability certificate number: the ID number and two digits (20 characters)."""
    number = ids.normalize(text)
    try:
        return ids.parse_disability_certificate(number).number
    except ids.InvalidIdNumber:
        raise ValueProblem(
            "certificate_invalid",
            _("A disability certificate number is the ID number followed by two digits."),
        ) from None


def name(text: str) -> str:
    """A person's name: blanks inside removed (张 三 → 张三), full-width letters made plain."""
    if len(text) <= 64 and text.isalnum() and unicodedata.is_normalized("NFKC", text):
        return text
    return _name(text)


@lru_cache(maxsize=CACHE_SIZE)
def _name(text: str) -> str:
    cleaned = _BLANKS.sub("", unicodedata.normalize("NFKC", text))
    if not cleaned:
        raise ValueProblem("empty", _("The cell is empty."))
    if len(cleaned) > 64:
        raise ValueProblem("too_long", _("The text is too long."))
    return cleaned


def text(max_length: int) -> Parser:
    @lru_cache(maxsize=CACHE_SIZE)
    def parse(value: str) -> str:
        cleaned = _BLANKS.sub(" ", value).strip()
        if len(cleaned) > max_length:
            raise ValueProblem(
                "too_long",
                _("The text is longer than %(count)s characters.") % {"count": max_length},
            )
        return cleaned

    SHAPES[parse] = Shape("text", max_length)
    return parse


def compact(max_length: int) -> Parser:
    """A code typed with stray blanks (plate numbers, claim numbers): blanks removed, upper-case."""

    def parse(value: str) -> str:
        if value.isascii() and value.isalnum():
            cleaned = value.upper()
        else:
            cleaned = _BLANKS.sub("", unicodedata.normalize("NFKC", value)).upper()
        if len(cleaned) > max_length:
            raise ValueProblem(
                "too_long",
                _("The text is longer than %(count)s characters.") % {"count": max_length},
            )
        return cleaned

    SHAPES[parse] = Shape("compact", max_length)
    return parse


@lru_cache(maxsize=CACHE_SIZE)
def date(text: str) -> str:
    return values.parse_date(text).isoformat()


@lru_cache(maxsize=CACHE_SIZE)
def period(text: str) -> tuple[int, int | None]:
    return values.parse_period(text)


def amount(text: str) -> str:
    """Yuan as text with two decimals; plain numbers take a fast path, the rest fupin.core.money."""
    if _PLAIN_AMOUNT.fullmatch(text):
        whole, _dot, cents = text.partition(".")
        return f"{whole}.{cents:0<2}"
    return f"{values.parse_amount(text):.2f}"


@lru_cache(maxsize=CACHE_SIZE)
def yes_no(text: str) -> bool:
    return values.parse_yes_no(text)


def choice(canonical: Iterable[str], aliases: dict[str, str] | None = None) -> Parser:
    """One value of a code list; the aliases are other ways offices write the same value."""
    allowed = list(canonical)
    table = {_label(value): value for value in allowed}
    table.update({_label(alias): value for alias, value in (aliases or {}).items()})
    listed = "、".join(allowed)

    @lru_cache(maxsize=1024)
    def parse(value: str) -> str:
        found = table.get(_label(value))
        if found is None:
            raise ValueProblem(
                "code_invalid", _("Not one of the values: %(values)s.") % {"values": listed}
            )
        return found

    return parse


def _label(value: str) -> str:
    return _BLANKS.sub("", unicodedata.normalize("NFKC", value)).upper()


def credit_code(text: str) -> str:
    """统一社会信用代码 (GB 32100-2015): 18 characters of digits and capital letters."""
    cleaned = _BLANKS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not _CREDIT_CODE.fullmatch(cleaned):
        raise ValueProblem(
            "credit_code_invalid",
            _("A unified social credit code has 18 digits and capital letters."),
        )
    return cleaned


SHAPES.update({id_number: Shape("id_number"), name: Shape("name"), amount: Shape("amount")})
