"""Field-level checks shared by every write to households and members.

Actions receive typed values from forms, the API or importers and call these before writing;
each failure is a DomainError naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core import ids
from fupin.core.errors import DomainError
from fupin.core.money import InvalidAmount, parse_amount
from fupin.registry import codes, errors

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def check_choice(field: str, value: str, choices: Any, *, blank: bool = True) -> str:
    value = (value or "").strip()
    if not value:
        if blank:
            return ""
        raise errors.required(field)
    allowed = {
        choice[0] for choice in (choices.choices if hasattr(choices, "choices") else choices)
    }
    if value not in allowed:
        raise errors.unknown_code(field, value)
    return value


def check_phone(field: str, value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not PHONE.match(value):
        raise DomainError(
            "invalid_phone",
            _("Enter an 11-digit mobile number or a landline such as 023-48612345."),
            field=field,
        )
    return value


def check_amount(field: str, value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        return parse_amount(value)
    except InvalidAmount:
        raise errors.invalid_amount(field) from None


def check_date(field: str, value: Any, *, not_future: bool = True) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise DomainError("invalid_date", _("Enter a valid date."), field=field)
    if not_future and value > timezone.localdate():
        raise DomainError("future_date", _("This date is in the future."), field=field)
    return value


def check_identity(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise the ID number and derive birth date and sex; refuse contradictions."""
    id_type = check_choice("id_type", data.get("id_type") or codes.IdType.RESIDENT_ID, codes.IdType)
    raw = (data.get("id_number") or "").strip()
    if not raw:
        raise errors.required("id_number")
    parse = (
        ids.parse_disability_certificate if id_type == codes.IdType.DISABILITY_CERT else ids.parse
    )
    try:
        facts = parse(raw, today=timezone.localdate())
    except ids.InvalidIdNumber as exc:
        raise errors.invalid_id(exc.code) from None
    birth = data.get("birth_date")
    if birth and birth != facts.birth_date:
        raise DomainError(
            "birth_date_mismatch",
            _("The birth date does not match the one in the ID number (%(date)s).")
            % {"date": facts.birth_date.isoformat()},
            field="birth_date",
        )
    sex = data.get("sex")
    if sex and sex != facts.sex:
        raise DomainError(
            "sex_mismatch",
            _("The sex does not match the ID number."),
            field="sex",
        )
    return {
        "id_type": id_type,
        "id_number": facts.number,
        "birth_date": facts.birth_date,
        "sex": facts.sex,
    }
