"""Errors of the tabular package: a whole file refused, or one cell value refused."""

from __future__ import annotations

from typing import Any

from fupin.core.errors import DomainError


class TabularError(DomainError):
    """A file that cannot be read as a table. `row` is the source row number when known.

    Codes: empty_file, unsupported_type, corrupt_workbook, password_protected, bad_encoding,
    sheet_not_found, header_not_found, unknown_column, ambiguous_column.
    """

    def __init__(self, code: str, message: Any, *, row: int | None = None) -> None:
        super().__init__(code, message)
        self.row = row


class ValueProblem(DomainError):
    """A cell text that does not parse as the value its column holds; `code` is stable."""
