"""The syntax tree of a rule, as the parser builds it: no types, no catalog, positions kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class TokenKind(StrEnum):
    NAME = "name"
    NUMBER = "number"
    STRING = "string"
    KEYWORD = "keyword"
    OPERATOR = "operator"
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    line: int
    column: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind is TokenKind.KEYWORD and self.text in words

    def is_operator(self, *symbols: str) -> bool:
        return self.kind is TokenKind.OPERATOR and self.text in symbols


@dataclass(frozen=True)
class Node:
    line: int
    column: int


@dataclass(frozen=True)
class Literal(Node):
    """A number, string, boolean, date or NULL written in the rule."""

    value: int | Decimal | str | bool | dt.date | None


@dataclass(frozen=True)
class Name(Node):
    """A dotted name: `household.water_safe`, `medical_claims.out_of_pocket`, `persons`."""

    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "NOT" or "-"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # AND OR = != < <= > >= + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]
    named: tuple[tuple[str, Node], ...]  # `months => 12`


PRECEDENCE = {"OR": 1, "AND": 2, "NOT": 3, "+": 5, "-": 5, "*": 6, "/": 6}
COMPARISON_PRECEDENCE = 4
ATOM_PRECEDENCE = 8


def unparse(node: Node) -> str:
    """The canonical text of a node (used as evidence keys): one spacing, upper keywords,
    parentheses only where precedence needs them."""
    match node:
        case Literal(value=value):
            return _literal_text(value)
        case Name():
            return node.dotted
        case Unary(op="NOT", operand=operand):
            return f"NOT {_side(operand, node, left=False)}"
        case Unary(op=op, operand=operand):
            return f"{op}{_side(operand, node, left=False)}"
        case Binary(op=op, left=left, right=right):
            return f"{_side(left, node, left=True)} {op} {_side(right, node, left=False)}"
        case InList(operand=operand, items=items, negated=negated):
            inner = ", ".join(unparse(item) for item in items)
            return f"{_side(operand, node, left=True)} {'NOT IN' if negated else 'IN'} ({inner})"
        case Between(operand=operand, low=low, high=high, negated=negated):
            word = "NOT BETWEEN" if negated else "BETWEEN"
            bounds = f"{_side(low, node, left=False)} AND {_side(high, node, left=False)}"
            return f"{_side(operand, node, left=True)} {word} {bounds}"
        case IsNull(operand=operand, negated=negated):
            return f"{_side(operand, node, left=True)} IS {'NOT NULL' if negated else 'NULL'}"
        case Call(name=name, args=args, named=named):
            parts = [unparse(arg) for arg in args]
            parts += [f"{key} => {unparse(value)}" for key, value in named]
            return f"{name}({', '.join(parts)})"
    raise TypeError(f"not a syntax node: {node!r}")


def precedence(node: Node) -> int:
    match node:
        case Unary(op="-"):
            return 7
        case Unary(op=op) | Binary(op=op) if op in PRECEDENCE:
            return PRECEDENCE[op]
        case Binary() | InList() | Between() | IsNull():
            return COMPARISON_PRECEDENCE
    return ATOM_PRECEDENCE


def _side(child: Node, parent: Node, *, left: bool) -> str:
    text = unparse(child)
    mine, theirs = precedence(child), precedence(parent)
    comparison = theirs == COMPARISON_PRECEDENCE
    needs = mine < theirs or (mine == theirs and (not left or comparison))
    return f"({text})" if needs and mine != ATOM_PRECEDENCE else text


def _literal_text(value: int | Decimal | str | bool | dt.date | None) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)
