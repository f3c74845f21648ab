"""What every engine shares: the run loop, hits, and JSON-safe evidence values."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from fupin.rules.catalog import Kind
from fupin.rules.language.compiler import CompiledRule
from fupin.rules.language.render import render
from fupin.rules.language.typed import Type
from fupin.rules.snapshot import Snapshot

JsonValue = str | int | bool | None
Execute = Callable[[str], Sequence[Sequence[Any]]]
Progress = Callable[[CompiledRule, int], None]


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


class Engine(ABC):
    """Runs compiled rules over a snapshot; every engine gives the same hits."""

    name: ClassVar[str]
    dialect: ClassVar[str]

    def run(
        self,
        compiled_rules: Sequence[CompiledRule],
        *,
        snapshot: Snapshot | None,
        screening_date: dt.date,
        params: Mapping[str, object],
        income_year: int | None = None,
        progress: Progress | None = None,
    ) -> list[Hit]:
        """Runs each rule; `progress(rule, hit_count)` is called after each one."""
        needed = frozenset().union(*(rule.tables for rule in compiled_rules))
        with self.session(snapshot, needed) as (execute, tables):
            hits: list[Hit] = []
            for rule in compiled_rules:
                sql = render(
                    rule,
                    self.dialect,
                    screening_date=screening_date,
                    params=params,
                    income_year=income_year,
                    tables=tables,
                )
                rule_hits = [to_hit(rule, row) for row in execute(sql)]
                hits += sorted(rule_hits, key=lambda hit: hit.subject_id)
                if progress is not None:
                    progress(rule, len(rule_hits))
        return hits

    @abstractmethod
    def session(
        self, snapshot: Snapshot | None, tables: frozenset[str]
    ) -> AbstractContextManager[tuple[Execute, Mapping[str, str]]]:
        """Opens `tables` of the data: yields a function running one SQL text, and where each
        table is to be found (a name mapping for `render`)."""


def to_hit(rule: CompiledRule, row: Sequence[Any]) -> Hit:
    evidence = {
        column.key: json_value(value, column.type)
        for column, value in zip(rule.evidence, row[1:], strict=True)
    }
    return Hit(rule.code, str(rule.subject), int(row[0]), evidence)


def json_value(value: Any, kind: Type) -> JsonValue:
    """An engine's value as JSON, by the rule-language type (engines differ in SQL types)."""
    if value is None:
        return None
    match kind.kind:
        case Kind.BOOLEAN:
            return bool(value)
        case Kind.INTEGER:
            return int(value)
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
