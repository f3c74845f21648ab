"""Resident ID numbers (GB 11643-1999) and disability certificate numbers.

One place normalises and validates them; everything else stores what comes out of here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XxX")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


class InvalidIdNumber(ValueError):
    """Why an ID number is not valid; `code` is stable, the text is for logs-free display."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: dt.date
    sex: str  # "1" male, "2" female (GB/T 2261.1)


def normalize(raw: str) -> str:
    """Strip blanks, turn full-width digits to ASCII and a lower-case x to X."""
    cleaned = raw.translate(_FULLWIDTH)
    cleaned = re.sub(r"[\s\u3000]", "", cleaned)
    return cleaned.upper()


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def upgrade_15(number15: str) -> str:
    """Upgrade a first-generation 15-digit number: insert the century '19' and a check char."""
    if not _ID15.match(number15):
        raise InvalidIdNumber("id_format", "15-digit number must be all digits")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def parse(raw: str, *, today: dt.date | None = None) -> IdFacts:
    """Validate an 18-character ID number (15-digit numbers are upgraded) and derive its facts."""
    number = normalize(raw)
    if _ID15.match(number):
        number = upgrade_15(number)
    if not _ID18.match(number):
        raise InvalidIdNumber("id_format", "must be 18 characters: 17 digits and a digit or X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("id_birth_date", "the birth date inside is not a real date") from None
    if birth.year < 1880 or birth > (today or dt.date.today()):
        raise InvalidIdNumber("id_birth_date", "the birth date inside is impossible")
    if number[17] != check_char(number[:17]):
        raise InvalidIdNumber("id_checksum", "the check character does not match")
    sex = "1" if int(number[16]) % 2 == 1 else "2"
    return IdFacts(number=number, birth_date=birth, sex=sex)


def parse_disability_certificate(raw: str, *, today: dt.date | None = None) -> IdFacts:
    """A disability certificate number is the ID number followed by two digits (category, grade)."""
    number = normalize(raw)
    if len(number) != 20 or not number[18:].isdigit():
        raise InvalidIdNumber("id_format", "must be 20 characters: the ID number and two digits")
    facts = parse(number[:18], today=today)
    return IdFacts(number=number, birth_date=facts.birth_date, sex=facts.sex)


def make(address_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid synthetic number (demo data and tests only)."""
    first17 = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
