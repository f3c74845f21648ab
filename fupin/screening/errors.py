"""Refusals of screening: a rule text refused with its position, in the API's error shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from fupin.core.errors import DomainError
from fupin.rules.language import RuleError


class RuleRefused(DomainError):
    """A rule text (or explanation) that does not check, with the line and column at fault."""

    def __init__(self, error: RuleError, *, field: str = "text") -> None:
        message = gettext(error.msgid) % error.params if error.params else gettext(error.msgid)
        super().__init__(str(error.code), message, field=field)
        self.line = error.line
        self.column = error.column

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "line": self.line, "column": self.column}

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.column})"
