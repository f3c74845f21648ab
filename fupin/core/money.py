"""Money is Decimal yuan with two places; parsing accepts what people type in Chinese offices."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
_JUNK = re.compile(r"[,，\s\u3000元¥￥]")


class InvalidAmount(ValueError):
    pass


def parse_amount(raw: object, *, allow_negative: bool = False) -> Decimal:
    """'1,234.5', '１２３４', '1234元' → Decimal('1234.50'); anything else raises InvalidAmount."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        text = _JUNK.sub(
            "", raw.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
        )
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise InvalidAmount(raw)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InvalidAmount(raw) from None
    else:
        raise InvalidAmount(repr(raw))
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise InvalidAmount(str(raw))
    if value < 0 and not allow_negative:
        raise InvalidAmount(str(raw))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
