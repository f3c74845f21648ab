"""Masking of personal data for lists, exports and postings (DESIGN non-negotiable 4)."""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """Keep the 6-digit address code and the last 4 characters: 500110********123X."""
    if not value:
        return ""
    if len(value) <= 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 138****5678."""
    if not value:
        return ""
    if len(value) < 8:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str | None) -> str:
    """Keep the last 4 digits only."""
    if not value:
        return ""
    return MASK * max(len(value) - 4, 4) + value[-4:]


def mask_text(value: str | None) -> str:
    """For health status and other sensitive words: a fixed mask that leaks no length."""
    return "" if not value else MASK * 3
