"""Setting a parameter's value: checked, cited, audited; nothing saved when refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import User
from fupin.accounts.roles import require_role
from fupin.core.errors import DomainError, NotFound
from fupin.parameters import permissions
from fupin.parameters.models import ParameterEdit
from fupin.policy import parameters as policy

EARLIEST = dt.date(2015, 1, 1)  # 精准扶贫 began in 2015; no parameter reaches further back
DECIMAL_PLACES = 6
LARGEST = Decimal("1e13")


def parameter_get(name: str) -> policy.Parameter:
    parameter = policy.all_parameters().get(name)
    if parameter is None:
        raise NotFound(_("There is no policy parameter of that name."))
    return parameter


def parse_value(parameter: policy.Parameter, raw: object) -> Decimal:
    """The value as a Decimal of the parameter's type and within its bounds (DomainError)."""
    text = str(raw).strip().replace(",", "").replace("，", "") if raw is not None else ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not text or not value.is_finite():
        raise DomainError(
            "parameter_value_invalid", _("Enter the value as a number."), field="value"
        )
    if parameter.kind == "integer" and value != value.to_integral_value():
        raise DomainError(
            "parameter_value_invalid", _("This parameter takes a whole number."), field="value"
        )
    if value.as_tuple().exponent < -DECIMAL_PLACES or abs(value) >= LARGEST:  # type: ignore[operator]
        raise DomainError(
            "parameter_value_invalid",
            _("The value has too many digits (at most six after the decimal point)."),
            field="value",
        )
    if value < parameter.minimum or (parameter.maximum is not None and value > parameter.maximum):
        if parameter.maximum is None:
            message = _("The value must be at least %(min)s.") % {"min": parameter.minimum}
        else:
            message = _("The value must be between %(min)s and %(max)s.") % {
                "min": parameter.minimum,
                "max": parameter.maximum,
            }
        raise DomainError("parameter_value_out_of_range", message, field="value")
    return value


def parameter_value_add(
    *,
    actor: User,
    name: str,
    value: object,
    starts_on: dt.date,
    ends_on: dt.date | None,
    reference: str,
    reason: str,
) -> ParameterEdit:
    """Sets `name` to `value` from `starts_on` (until `ends_on`) on this site."""
    require_role(actor, permissions.EDIT_ROLES)
    parameter = parameter_get(name)
    number = parse_value(parameter, value)
    if starts_on < EARLIEST:
        raise DomainError(
            "parameter_dates_invalid",
            _("The start date is before 2015."),
            field="starts_on",
        )
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(
            "parameter_dates_invalid",
            _("The end date is before the start date."),
            field="ends_on",
        )
    reference, reason = (reference or "").strip(), (reason or "").strip()
    if not reference:
        raise DomainError(
            "parameter_reference_missing",
            _("Cite the document this value follows (its number or title)."),
            field="reference",
        )
    if not reason:
        raise DomainError("reason_required", _("Give the reason for the change."), field="reason")
    with transaction.atomic():
        edit = ParameterEdit.objects.create(
            name=name,
            value=number,
            starts_on=starts_on,
            ends_on=ends_on,
            reference=reference[:200],
            reason=reason,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="parameter.set",
            target=edit,
            org_unit=actor.org_unit,
            changes={
                name: [None, str(number)],
                "starts_on": [None, starts_on.isoformat()],
                "ends_on": [None, ends_on.isoformat() if ends_on else None],
                "reference": [None, reference[:200]],
            },
            reason=reason,
        )
    return edit
