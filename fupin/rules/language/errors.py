"""Refusals of the rule language: a stable code, an English msgid and the position."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


def _(message: str) -> str:
    """Marks a msgid for translation; the Django layer translates `RuleError.msgid`."""
    return message


class ErrorCode(StrEnum):
    EMPTY_RULE = "empty_rule"
    TOO_LONG = "too_long"
    TOO_DEEP = "too_deep"
    UNEXPECTED_CHARACTER = "unexpected_character"
    UNTERMINATED_STRING = "unterminated_string"
    COMMENT_NOT_ALLOWED = "comment_not_allowed"
    MULTIPLE_STATEMENTS = "multiple_statements"
    QUOTED_IDENTIFIER = "quoted_identifier"
    SQL_KEYWORD = "sql_keyword"
    SYNTAX_ERROR = "syntax_error"
    INVALID_DATE = "invalid_date"
    UNKNOWN_NAME = "unknown_name"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_TABLE = "unknown_table"
    UNKNOWN_FUNCTION = "unknown_function"
    UNKNOWN_PARAMETER = "unknown_parameter"
    WRONG_ARGUMENTS = "wrong_arguments"
    TYPE_MISMATCH = "type_mismatch"
    UNKNOWN_CODE_VALUE = "unknown_code_value"
    NOT_BOOLEAN = "not_boolean"
    NULL_COMPARISON = "null_comparison"
    WRONG_SUBJECT = "wrong_subject"
    OUTER_REFERENCE = "outer_reference"
    NESTED_AGGREGATE = "nested_aggregate"
    NEEDS_AGGREGATE = "needs_aggregate"
    UNSUPPORTED = "unsupported"
    NO_DATE_WINDOW = "no_date_window"
    MISSING_PARAMETER = "missing_parameter"
    INVALID_PARAMETER_VALUE = "invalid_parameter_value"


class RuleError(Exception):
    """A rule text (or its parameters) refused, with the 1-based line and column at fault.

    `message` is the English text with the details filled in; `msgid` and `params` let a
    caller translate it (`gettext(err.msgid) % err.params`).
    """

    def __init__(
        self,
        code: ErrorCode,
        msgid: str,
        line: int,
        column: int,
        **params: Any,
    ) -> None:
        self.code = code
        self.msgid = msgid
        self.params = params
        self.message = msgid % params if params else msgid
        self.line = line
        self.column = column
        super().__init__(f"{self.message} (line {line}, column {column})")

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }
