"""Python values ▸ typed sqlglot literal nodes; parameter values checked against their type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from fupin.rules.catalog import Catalog, Kind
from fupin.rules.language.errors import ErrorCode, RuleError, _
from fupin.rules.language.typed import ParamUse, Type

DATE_TYPE = exp.DataType.build("DATE")


def literal(value: int | Decimal | str | bool | dt.date, kind: Type) -> exp.Expr:
    """A literal node for a value already of the right Python type."""
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), DATE_TYPE)
    if isinstance(value, str):
        return exp.Literal.string(value)
    number = exp.Literal.number(format(value, "f") if isinstance(value, Decimal) else str(value))
    return exp.Paren(this=number) if value < 0 else number


def parameter_value(
    use: ParamUse, value: object, catalog: Catalog
) -> int | Decimal | str | bool | dt.date:
    """Checks a run-time parameter value against the parameter's declared type."""
    converted = _convert(use.type.kind, value)
    if converted is None:
        raise _invalid(use, value)
    if use.type.kind is Kind.CODE:
        allowed = catalog.codes(use.type.codes or "").values
        if converted not in allowed:
            raise _invalid(use, value)
    return converted


def _convert(kind: Kind, value: object) -> int | Decimal | str | bool | dt.date | None:
    match kind:
        case Kind.DECIMAL:
            return _decimal(value)
        case Kind.INTEGER:
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        case Kind.BOOLEAN:
            return value if isinstance(value, bool) else None
        case Kind.DATE:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value
            return None
        case Kind.TEXT | Kind.CODE:
            return value if isinstance(value, str) else None
    return None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _invalid(use: ParamUse, value: object) -> RuleError:
    return RuleError(
        ErrorCode.INVALID_PARAMETER_VALUE,
        _("Parameter %(name)s must be a %(type)s, not %(value)s."),
        use.line,
        use.column,
        name=use.name,
        type=str(use.type),
        value=repr(value),
    )
