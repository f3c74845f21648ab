"""Cell values as the text offices expect, and header texts in a form that compares equal.

Reading and writing share these rules, so a file we write reads back to the same texts:
integers and whole floats without ".0", dates as ``YYYY-MM-DD``, booleans as 是/否, empty as
None.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

# Excel keeps 15 significant digits; a number with more was rounded when it was typed or saved.
EXCEL_DIGITS = 15
_EXACT_FLOAT_INT = 2**53
_SPACES = re.compile(r"\s+")
YES = "是"
NO = "否"


def float_text(value: float) -> str:
    """A float as Excel shows it in a General cell: whole numbers without ".0", no exponent."""
    if value.is_integer():
        if abs(value) < _EXACT_FLOAT_INT:
            return str(int(value))
        # Too big to be exact: the shortest text that reads back as this float.
        return format(Decimal(repr(value)), "f")
    text = f"{value:.{EXCEL_DIGITS}g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def date_text(value: dt.date) -> str:
    """``YYYY-MM-DD``; a datetime keeps its time only when it has one."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()


def duration_text(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


def to_text(value: object) -> str | None:
    """Any cell value as text; None for an empty or blank cell. Text is stripped of blanks."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return duration_text(value)
    return str(value).strip() or None


def normalize_label(text: str | None) -> str:
    """A header text in comparable form: NFKC (（）→ (), full-width letters and digits), no
    blanks or line breaks, no required-field star ("*姓名")."""
    if not text:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).strip("*")
