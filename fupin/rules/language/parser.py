"""Tokens ▸ syntax tree: a small Pratt parser for one boolean expression.

Precedence, loosest first: OR ▸ AND ▸ NOT ▸ comparison (= != <> < <= > >=, IN, BETWEEN,
IS NULL) ▸ + - ▸ * / ▸ unary minus ▸ literal, name, call, parentheses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fupin.rules.language.errors import ErrorCode, RuleError, _
from fupin.rules.language.lexer import tokenize
from fupin.rules.language.syntax import (
    Between,
    Binary,
    Call,
    InList,
    IsNull,
    Literal,
    Name,
    Node,
    Token,
    TokenKind,
    Unary,
)

MAX_DEPTH = 64
COMPARISONS = ("=", "!=", "<>", "<", "<=", ">", ">=")
BINDING_POWER = {"OR": 1, "AND": 2, "+": 5, "-": 5, "*": 6, "/": 6}
COMPARISON_POWER = 4
NOT_POWER = 3
UNARY_MINUS_POWER = 7


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def parse(self) -> Node:
        if self.current.kind is TokenKind.END:
            raise RuleError(ErrorCode.EMPTY_RULE, _("The rule is empty."), 1, 1)
        node = self.expression(0)
        if not self.at_end():
            raise self._unexpected(self.current)
        return node

    def at_end(self) -> bool:
        return self.current.kind is TokenKind.END

    def expression(self, min_power: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            token = self.current
            raise RuleError(
                ErrorCode.TOO_DEEP, _("The rule is nested too deeply."), token.line, token.column
            )
        left = self.prefix()
        while True:
            power = self._infix_power(self.current)
            if power is None or power <= min_power:
                break
            left = self.infix(left, power)
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        token = self.advance()
        if token.is_keyword("NOT"):
            return Unary(token.line, token.column, "NOT", self.expression(NOT_POWER))
        if token.is_operator("-"):
            return Unary(token.line, token.column, "-", self.expression(UNARY_MINUS_POWER))
        if token.is_operator("("):
            node = self.expression(0)
            self.expect(")")
            return node
        if token.kind is TokenKind.NUMBER:
            value: int | Decimal = Decimal(token.text) if "." in token.text else int(token.text)
            return Literal(token.line, token.column, value)
        if token.kind is TokenKind.STRING:
            return Literal(token.line, token.column, token.text)
        if token.kind is TokenKind.KEYWORD:
            return self.keyword_literal(token)
        if token.kind is TokenKind.NAME:
            return self.name_or_call(token)
        raise self._unexpected(token)

    def keyword_literal(self, token: Token) -> Node:
        constants: dict[str, bool | None] = {"TRUE": True, "FALSE": False, "NULL": None}
        if token.text in constants:
            return Literal(token.line, token.column, constants[token.text])
        if token.text == "DATE":
            text = self.advance()
            if text.kind is not TokenKind.STRING:
                raise self._unexpected(
                    text, _("DATE must be followed by a date like '2020-01-01'.")
                )
            return Literal(token.line, token.column, parse_date(text))
        raise self._unexpected(token)

    def name_or_call(self, token: Token) -> Node:
        if self.current.is_operator("("):
            return self.call(token)
        parts = [token.text]
        while self.current.is_operator("."):
            self.advance()
            part = self.advance()
            if part.kind is not TokenKind.NAME:
                raise self._unexpected(part, _("A field name must follow the dot."))
            parts.append(part.text)
        if self.current.is_operator("("):
            raise RuleError(
                ErrorCode.UNKNOWN_FUNCTION,
                _("%(name)s is not a function of the rule language."),
                token.line,
                token.column,
                name=".".join(parts),
            )
        return Name(token.line, token.column, tuple(parts))

    def call(self, token: Token) -> Node:
        self.expect("(")
        args: list[Node] = []
        named: list[tuple[str, Node]] = []
        while not self.current.is_operator(")"):
            if args or named:
                self.expect(",")
            if self.current.kind is TokenKind.NAME and self._peek().is_operator("=>"):
                key = self.advance().text
                self.advance()
                named.append((key, self.expression(0)))
            elif named:
                raise self._unexpected(self.current, _("Named arguments come last."))
            else:
                args.append(self.expression(0))
        self.expect(")")
        return Call(token.line, token.column, token.text.lower(), tuple(args), tuple(named))

    def infix(self, left: Node, power: int) -> Node:
        token = self.advance()
        if power == COMPARISON_POWER:
            node = self.comparison(left, token)
            if self._infix_power(self.current) == COMPARISON_POWER:
                raise self._unexpected(self.current, _("Comparisons cannot be chained."))
            return node
        return Binary(left.line, left.column, token.text, left, self.expression(power))

    def comparison(self, left: Node, token: Token) -> Node:
        if token.kind is TokenKind.OPERATOR:
            op = "!=" if token.text == "<>" else token.text
            return Binary(left.line, left.column, op, left, self.expression(COMPARISON_POWER))
        if token.text == "IS":
            negated = self._accept_not()
            self.expect_keyword("NULL")
            return IsNull(left.line, left.column, left, negated)
        negated = token.text == "NOT"
        word = self.advance() if negated else token
        if word.is_keyword("IN"):
            return InList(left.line, left.column, left, self.in_items(), negated)
        if word.is_keyword("BETWEEN"):
            low = self.expression(COMPARISON_POWER)
            self.expect_keyword("AND")
            high = self.expression(COMPARISON_POWER)
            return Between(left.line, left.column, left, low, high, negated)
        raise self._unexpected(word, _("NOT here must be followed by IN or BETWEEN."))

    def in_items(self) -> tuple[Node, ...]:
        self.expect("(")
        items = [self.expression(0)]
        while self.current.is_operator(","):
            self.advance()
            items.append(self.expression(0))
        self.expect(")")
        return tuple(items)

    def _infix_power(self, token: Token) -> int | None:
        if token.kind is TokenKind.OPERATOR and token.text in COMPARISONS:
            return COMPARISON_POWER
        if token.is_keyword("IS", "IN", "BETWEEN"):
            return COMPARISON_POWER
        if token.is_keyword("NOT") and self._peek().is_keyword("IN", "BETWEEN"):
            return COMPARISON_POWER
        if token.kind in (TokenKind.OPERATOR, TokenKind.KEYWORD):
            return BINDING_POWER.get(token.text)
        return None

    def _accept_not(self) -> bool:
        if self.current.is_keyword("NOT"):
            self.advance()
            return True
        return False

    def _peek(self) -> Token:
        return self.tokens[min(self.index + 1, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.current
        if token.kind is not TokenKind.END:
            self.index += 1
        return token

    def expect(self, symbol: str) -> Token:
        token = self.advance()
        if not token.is_operator(symbol):
            raise self._unexpected(token, _("Expected %(expected)s."), expected=repr(symbol))
        return token

    def expect_keyword(self, word: str) -> Token:
        token = self.advance()
        if not token.is_keyword(word):
            raise self._unexpected(token, _("Expected %(expected)s."), expected=word)
        return token

    def _unexpected(self, token: Token, msgid: str | None = None, **params: object) -> RuleError:
        if msgid is None:
            if token.kind is TokenKind.END:
                msgid = _("The rule ends too early.")
            else:
                msgid, params = _("Unexpected %(token)s."), {"token": repr(token.text)}
        return RuleError(ErrorCode.SYNTAX_ERROR, msgid, token.line, token.column, **params)


def parse_date(token: Token) -> dt.date:
    try:
        return dt.date.fromisoformat(token.text) if len(token.text) == 10 else _bad_date(token)
    except ValueError:
        return _bad_date(token)


def _bad_date(token: Token) -> dt.date:
    raise RuleError(
        ErrorCode.INVALID_DATE,
        _("%(text)s is not a date; write dates as DATE '2020-01-31'."),
        token.line,
        token.column,
        text=repr(token.text),
    )


def parse(text: str) -> Node:
    """Parses a rule text into its syntax tree, or raises `RuleError` with the position."""
    return Parser(tokenize(text)).parse()
