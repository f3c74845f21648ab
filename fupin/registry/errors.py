"""Registry refusals: each a stable code and a message people can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError

ID_MESSAGES = {
    "id_format": _("The ID number must be 18 characters: 17 digits and a final digit or X."),
    "id_birth_date": _("The birth date inside the ID number is not a possible date."),
    "id_checksum": _("The ID number's check character is wrong; please check each digit."),
}


def invalid_id(code: str, field: str = "id_number") -> DomainError:
    return DomainError(code, ID_MESSAGES[code], field=field)


def stale_edit() -> DomainError:
    return DomainError(
        "stale_edit",
        _("Someone else changed this household after you opened it. Reload and edit again."),
        status=409,
    )


def unknown_code(field: str, value: object) -> DomainError:
    return DomainError(
        "unknown_code",
        _("“%(value)s” is not a value of the code list for this field.") % {"value": value},
        field=field,
    )


def invalid_amount(field: str) -> DomainError:
    return DomainError(
        "invalid_amount",
        _("Enter an amount in yuan, such as 12000 or 12000.50."),
        field=field,
    )


def required(field: str) -> DomainError:
    return DomainError("required", _("This field is required."), field=field)
