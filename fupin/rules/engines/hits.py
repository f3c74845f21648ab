"""A rule's hits as Arrow: subject ids and evidence columns, with evidence JSON built per column.

Engines hand back one `RuleHits` per rule — a pyarrow Table of `subject_id` and the rule's
evidence columns (`e1`, `e2`, … in `rule.evidence` order), in the engine's order (`sorted()`
orders them by subject). Nothing becomes
a Python object per hit unless asked: `evidence_json()` builds each hit's evidence as JSON text
with Arrow compute, column by column, which is what findings are written from; `hits()` gives
`Hit` objects (for tests, small runs and the Python API).

Evidence values follow the rule-language type, whatever SQL type an engine returned:
booleans and integers as JSON, decimals as exact text without trailing zeros ("5000", "0.5"),
dates as ISO text, text as text. Values Arrow cannot render exactly (floating point, a
decimal in scientific notation, text with control characters) take the per-value path
(`json_value`), so the result never depends on the path.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from fupin.rules.catalog import Kind
from fupin.rules.language.compiler import CompiledRule
from fupin.rules.language.typed import Type

JsonValue = str | int | bool | None
NULL_TEXT = pa.scalar("null", pa.string())
CONTROL = r"[\x00-\x1f]"
WHOLE = r"^-?\d+$"
PLAIN_DECIMAL = r"^-?\d+(\.\d+)?$"


@dataclass(frozen=True)
class Hit:
    """One subject for which a rule's condition holds, with the values that made it hold.

    Evidence keys are the rule's field names (`income.per_capita_net_income`), aggregate
    calls as written canonically, `age()`, and `param.<name>`. Values are JSON-safe:
    decimals as exact text without trailing zeros ("5000", "0.5"), dates as ISO text.
    """

    rule_code: str
    subject_type: str
    subject_id: int
    evidence: dict[str, JsonValue]


@dataclass(frozen=True)
class RuleHits:
    """The hits of one rule: `subject_id` (int64) and one column per evidence value, in the
    order the engine gave them (`hits()` and `sorted()` order them by subject)."""

    rule: CompiledRule
    table: pa.Table

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def subject_type(self) -> str:
        return str(self.rule.subject)

    def subject_ids(self) -> pa.ChunkedArray:
        return self.table.column("subject_id")

    def evidence_json(self) -> pa.ChunkedArray:
        """Each hit's evidence as a JSON object text, keys in the rule's order."""
        if not self.rule.evidence:
            return pa.chunked_array([pa.array(["{}"] * len(self), pa.string())])
        parts: list[Any] = []
        for index, column in enumerate(self.rule.evidence):
            parts.append(("{" if index == 0 else ", ") + json.dumps(column.key) + ": ")
            parts.append(json_texts(self.table.column(column.alias), column.type))
        parts.append("}")
        joined = pc.binary_join_element_wise(*parts, "")
        return joined if isinstance(joined, pa.ChunkedArray) else pa.chunked_array([joined])

    def sorted(self) -> RuleHits:
        """The same hits ordered by subject id."""
        return RuleHits(self.rule, self.table.sort_by("subject_id"))

    def hits(self) -> list[Hit]:
        """The hits as `Hit` objects, by subject id."""
        ordered = self.sorted()
        ids = ordered.subject_ids().to_pylist()
        texts = ordered.evidence_json().to_pylist()
        kind, code = self.subject_type, self.rule.code
        return [Hit(code, kind, int(i), json.loads(t)) for i, t in zip(ids, texts, strict=True)]


def all_hits(results: Sequence[RuleHits]) -> list[Hit]:
    return [hit for result in results for hit in result.hits()]


def hit_table(rule: CompiledRule, table: pa.Table, columns: Sequence[str]) -> RuleHits:
    """`rule`'s hits out of an engine's result: `columns` are its evidence columns there (in
    `rule.evidence` order); subject ids become int64."""
    names = ["subject_id", *(column.alias for column in rule.evidence)]
    picked = table.select(["subject_id", *columns]).rename_columns(names)
    ids = picked.column("subject_id").cast(pa.int64())
    return RuleHits(rule, picked.set_column(0, "subject_id", ids))


# -- values ▸ JSON ----------------------------------------------------------------------------


def json_texts(column: pa.ChunkedArray, kind: Type) -> pa.ChunkedArray:
    """The column's values as JSON texts ("null" for a missing value)."""
    try:
        text = _vectorised(column, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = None  # e.g. a fractional value of an integer: json_value decides
    if text is None:
        text = _one_by_one(column, kind)
    return pc.fill_null(text, NULL_TEXT)


def _vectorised(column: pa.ChunkedArray, kind: Type) -> pa.ChunkedArray | None:
    arrow = column.type
    text: pa.ChunkedArray | None = None
    if pa.types.is_null(arrow):
        text = pa.chunked_array([pa.array(["null"] * len(column), pa.string())])
    elif kind.kind is Kind.BOOLEAN and pa.types.is_boolean(arrow):
        text = pc.if_else(column, "true", "false")
    elif kind.kind is Kind.INTEGER and (pa.types.is_integer(arrow) or pa.types.is_decimal(arrow)):
        text = pc.cast(pc.cast(column, pa.int64()), pa.string())
    elif kind.kind is Kind.INTEGER and pa.types.is_string(arrow):
        text = column if _all_match(column, WHOLE) else None
    elif kind.kind is Kind.DECIMAL and (pa.types.is_integer(arrow) or pa.types.is_decimal(arrow)):
        text = _quoted(_decimal_texts(pc.cast(column, pa.string())))
    elif kind.kind is Kind.DECIMAL and pa.types.is_string(arrow):
        text = _quoted(_decimal_texts(column))
    elif kind.kind is Kind.DATE and pa.types.is_date(arrow):
        text = _quoted(pc.cast(column, pa.string()))
    elif kind.kind in (Kind.TEXT, Kind.CODE) and pa.types.is_string(arrow):
        text = _string_texts(column)
    return text


def _all_match(column: pa.ChunkedArray, pattern: str) -> bool:
    """Whether every value (missing ones aside) is written as `pattern` says."""
    return not pc.any(pc.invert(pc.match_substring_regex(column, pattern))).as_py()


def _decimal_texts(texts: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Decimal texts without trailing zeros; None if one is not plain (scientific notation),
    which the per-value path writes exactly."""
    if not _all_match(texts, PLAIN_DECIMAL):
        return None
    texts = pc.replace_substring_regex(texts, r"^(-?\d+)\.0*$", r"\1")
    texts = pc.replace_substring_regex(texts, r"^(-?\d+\.\d*?)0+$", r"\1")
    return pc.replace_substring_regex(texts, r"^-0$", "0")


def _string_texts(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    if pc.any(pc.match_substring_regex(column, CONTROL)).as_py():
        return None
    escaped = pc.replace_substring(column, "\\", "\\\\")
    return _quoted(pc.replace_substring(escaped, '"', '\\"'))


def _quoted(texts: pa.ChunkedArray | None) -> pa.ChunkedArray | None:
    if texts is None:
        return None
    return pc.binary_join_element_wise('"', texts, '"', "")


def _one_by_one(column: pa.ChunkedArray, kind: Type) -> pa.ChunkedArray:
    texts = [
        json.dumps(json_value(value, kind), ensure_ascii=False) for value in column.to_pylist()
    ]
    return pa.chunked_array([pa.array(texts, pa.string())])


def json_value(value: Any, kind: Type) -> JsonValue:
    """An engine's value as JSON, by the rule-language type (engines differ in SQL types)."""
    if value is None:
        return None
    match kind.kind:
        case Kind.BOOLEAN:
            return bool(value)
        case Kind.INTEGER:
            return int(Decimal(value)) if isinstance(value, str) else int(value)
        case Kind.DECIMAL:
            return decimal_text(value)
        case Kind.DATE:
            return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def decimal_text(value: Any) -> str:
    """Exact decimal text without trailing zeros: 5000.00 ▸ "5000", 0.50 ▸ "0.5"."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
