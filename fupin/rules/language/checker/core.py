"""Syntax tree ▸ checked, typed tree: names resolved against the catalog, types enforced.

Everything not explicitly allowed is refused with a `RuleError` at the offending position:
unknown fields, tables, functions and parameters, type mismatches, unknown code values.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from decimal import Decimal

from fupin.rules.catalog import (
    Catalog,
    Column,
    DerivedField,
    Field,
    Kind,
    Subject,
    TallyField,
)
from fupin.rules.language.checker.context import Binding, Context, error, wrong_arguments
from fupin.rules.language.checker.functions import AGGREGATES, FUNCTIONS
from fupin.rules.language.errors import ErrorCode, RuleError, _
from fupin.rules.language.parser import parse
from fupin.rules.language.syntax import (
    Between,
    Binary,
    Call,
    InList,
    IsNull,
    Literal,
    Name,
    Node,
    Unary,
)
from fupin.rules.language.typed import (
    BOOLEAN,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    Instance,
    ParamUse,
    TBetween,
    TBinary,
    TColumn,
    TExpr,
    TIn,
    TIsNull,
    TLiteral,
    TTally,
    TUnary,
    Type,
)

QUALIFIER_INSTANCES = {
    "household": Instance.HOUSEHOLD,
    "person": Instance.PERSON,
    "income": Instance.INCOME,
    "income_prev": Instance.INCOME_PREV,
}
ARITHMETIC = ("+", "-", "*", "/")
EQUALITY = ("=", "!=")


@dataclass(frozen=True)
class CheckedRule:
    """A rule that passed checking: its typed condition and what to report as evidence."""

    subject: Subject
    text: str
    condition: TExpr
    evidence: tuple[tuple[str, TExpr], ...]
    parameters: tuple[ParamUse, ...]


class Checker:
    def __init__(self, catalog: Catalog, subject: Subject) -> None:
        self.catalog = catalog
        self.subject = subject
        self.evidence: dict[str, TExpr] = {}
        self.params: dict[str, ParamUse] = {}

    def check(self, text: str) -> CheckedRule:
        tree = parse(text)
        condition = self.expr(tree, self.top_context())
        if condition.type != BOOLEAN:
            raise error(
                tree,
                ErrorCode.NOT_BOOLEAN,
                _("A rule must be a condition (true or false), not a %(type)s."),
                type=str(condition.type),
            )
        return CheckedRule(
            subject=self.subject,
            text=text,
            condition=condition,
            evidence=tuple(self.evidence.items()),
            parameters=tuple(self.params.values()),
        )

    def top_context(self) -> Context:
        names = {}
        for name, qualifier in self.catalog.qualifiers.items():
            if qualifier.subject in (None, self.subject):
                names[name] = Binding(QUALIFIER_INSTANCES[name], qualifier.table)
        person = names.get("person")
        return Context(names=names, person=person)

    # -- dispatch ---------------------------------------------------------------------------

    def expr(self, node: Node, ctx: Context) -> TExpr:
        match node:
            case Literal():
                return self.literal(node)
            case Name():
                return self.name(node, ctx)
            case Unary():
                return self.unary(node, ctx)
            case Binary(op="AND" | "OR"):
                return self.logical(node, ctx)
            case Binary(op=op) if op in ARITHMETIC:
                return self.arithmetic(node, ctx)
            case Binary():
                return self.comparison(node, ctx)
            case InList():
                return self.in_list(node, ctx)
            case Between():
                return self.between(node, ctx)
            case IsNull():
                return TIsNull(BOOLEAN, self.expr(node.operand, ctx), node.negated)
            case Call():
                return self.call(node, ctx)
        raise TypeError(f"unknown syntax node {node!r}")

    # -- values and names -------------------------------------------------------------------

    def literal(self, node: Literal) -> TExpr:
        value = node.value
        if value is None:
            raise error(
                node,
                ErrorCode.NULL_COMPARISON,
                _("NULL is not a value; test for a missing value with IS NULL or IS NOT NULL."),
            )
        if isinstance(value, bool):
            return TLiteral(BOOLEAN, value)
        if isinstance(value, int):
            return TLiteral(INTEGER, value)
        if isinstance(value, Decimal):
            return TLiteral(DECIMAL, value)
        if isinstance(value, dt.date):
            return TLiteral(DATE, value)
        return TLiteral(TEXT, value)

    def name(self, node: Name, ctx: Context) -> TExpr:
        if len(node.parts) == 1:
            raise error(
                node,
                ErrorCode.UNKNOWN_NAME,
                _("%(name)s is not a field; write fields as subject.field (household.water_safe)."),
                name=node.dotted,
            )
        qualifier, field_name = ".".join(node.parts[:-1]), node.parts[-1]
        binding = ctx.names.get(qualifier)
        if binding is None:
            raise self.unresolved(node, qualifier, ctx)
        item = self.catalog.tables[binding.table].field(field_name)
        if item is None:
            raise error(
                node,
                ErrorCode.UNKNOWN_FIELD,
                _("%(qualifier)s has no field %(field)s."),
                qualifier=qualifier,
                field=field_name,
            )
        result = self.field(node, item, binding, ctx)
        self.record(ctx, node.dotted, result)
        return result

    def unresolved(self, node: Name, qualifier: str, ctx: Context) -> RuleError:
        first = node.parts[0]
        if first in ctx.outer:
            return error(
                node,
                ErrorCode.OUTER_REFERENCE,
                _("Inside an aggregate only fields of its own table can be used, not %(name)s."),
                name=node.dotted,
            )
        if first == "person" and self.subject is Subject.HOUSEHOLD:
            return error(
                node,
                ErrorCode.WRONG_SUBJECT,
                _("person fields need a person rule; a household rule counts count(persons, …)."),
            )
        if first in ctx.names:
            return error(
                node,
                ErrorCode.UNKNOWN_FIELD,
                _("%(name)s is not a field of the catalog."),
                name=node.dotted,
            )
        if qualifier in self.catalog.tables:
            return error(
                node,
                ErrorCode.NEEDS_AGGREGATE,
                _("Rows of %(table)s are used through count, sum, max, min or exists."),
                table=qualifier,
            )
        return error(
            node,
            ErrorCode.UNKNOWN_TABLE,
            _("%(name)s is not a table of the catalog."),
            name=qualifier,
        )

    def field(self, node: Name, item: Field, binding: Binding, ctx: Context) -> TExpr:
        match item:
            case Column():
                return TColumn(
                    Type(item.kind, item.codes), binding.instance, binding.table, item.name
                )
            case DerivedField():
                return self.derived(item, binding, ctx)
            case TallyField():
                return self.tally(node, item, binding)
        raise TypeError(f"unknown field {item!r}")

    def derived(self, item: DerivedField, binding: Binding, ctx: Context) -> TExpr:
        inner = Context(
            names={binding.table: binding},
            person=binding if binding.table == "persons" else None,
            in_aggregate=True,
            record=False,
        )
        result = self.expr(_parse_cached(item.expr), inner)
        if result.type.kind is not item.kind:
            raise ValueError(f"catalog field {item.name}: expression is {result.type}")
        return result

    def tally(self, node: Name, item: TallyField, binding: Binding) -> TExpr:
        if binding.instance is Instance.ROW:
            raise error(
                node,
                ErrorCode.UNSUPPORTED,
                _("%(name)s cannot be used inside an aggregate."),
                name=node.dotted,
            )
        row = Binding(Instance.ROW, binding.table)
        inner = Context(names={binding.table: row}, in_aggregate=True, record=False)
        where = self.expr(_parse_cached(item.where), inner) if item.where else None
        return TTally(INTEGER, binding.instance, binding.table, item, where)

    def record(self, ctx: Context, key: str, value: TExpr) -> None:
        if ctx.record:
            self.evidence.setdefault(key, value)

    # -- operators --------------------------------------------------------------------------

    def call(self, node: Call, ctx: Context) -> TExpr:
        handler = FUNCTIONS.get(node.name)
        if handler is None:
            raise error(
                node,
                ErrorCode.UNKNOWN_FUNCTION,
                _("%(name)s is not a function of the rule language."),
                name=node.name,
            )
        if node.named and node.name not in AGGREGATES:
            raise wrong_arguments(node, _("%(name)s takes no named arguments."))
        return handler(self, node, ctx)

    def unary(self, node: Unary, ctx: Context) -> TExpr:
        operand = self.expr(node.operand, ctx)
        if node.op == "NOT":
            self.require_boolean(node.operand, operand)
            return TUnary(BOOLEAN, "NOT", operand)
        self.require_numeric(node.operand, operand)
        return TUnary(operand.type, "-", operand)

    def logical(self, node: Binary, ctx: Context) -> TExpr:
        left, right = self.expr(node.left, ctx), self.expr(node.right, ctx)
        self.require_boolean(node.left, left)
        self.require_boolean(node.right, right)
        return TBinary(BOOLEAN, node.op, left, right)

    def arithmetic(self, node: Binary, ctx: Context) -> TExpr:
        left, right = self.expr(node.left, ctx), self.expr(node.right, ctx)
        self.require_numeric(node.left, left)
        self.require_numeric(node.right, right)
        both_integer = left.type == INTEGER and right.type == INTEGER
        result = INTEGER if both_integer and node.op != "/" else DECIMAL
        return TBinary(result, node.op, left, right)

    def comparison(self, node: Binary, ctx: Context) -> TExpr:
        left = self.expr(node.left, ctx)
        right = self.expr(node.right, ctx)
        left, right = self.comparable(node, node.op, (node.left, left), (node.right, right))
        return TBinary(BOOLEAN, node.op, left, right)

    def in_list(self, node: InList, ctx: Context) -> TExpr:
        operand = self.expr(node.operand, ctx)
        items = []
        for item_node in node.items:
            item = self.expr(item_node, ctx)
            operand, item = self.comparable(node, "=", (node.operand, operand), (item_node, item))
            items.append(item)
        return TIn(BOOLEAN, operand, tuple(items), node.negated)

    def between(self, node: Between, ctx: Context) -> TExpr:
        operand = self.expr(node.operand, ctx)
        low, high = self.expr(node.low, ctx), self.expr(node.high, ctx)
        for bound_node, bound in ((node.low, low), (node.high, high)):
            self.comparable(node, "<", (node.operand, operand), (bound_node, bound))
        return TBetween(BOOLEAN, operand, low, high, node.negated)

    def comparable(
        self, node: Node, op: str, left: tuple[Node, TExpr], right: tuple[Node, TExpr]
    ) -> tuple[TExpr, TExpr]:
        """Checks that two values may be compared with `op`; types code literals on the way."""
        left_value = self.code_literal(right[1], left)
        right_value = self.code_literal(left[1], right)
        lt, rt = left_value.type, right_value.type
        if lt.numeric and rt.numeric:
            return left_value, right_value
        if lt == rt and (lt == DATE or op in EQUALITY):
            return left_value, right_value
        if lt == rt:
            raise error(
                node,
                ErrorCode.TYPE_MISMATCH,
                _("%(type)s values can only be compared with = and !=."),
                type=str(lt),
            )
        raise error(
            right[0],
            ErrorCode.TYPE_MISMATCH,
            _("Cannot compare %(left)s with %(right)s."),
            left=str(lt),
            right=str(rt),
        )

    def code_literal(self, other: TExpr, side: tuple[Node, TExpr]) -> TExpr:
        """A text literal compared with a code becomes a code value, if it is an allowed one."""
        node, value = side
        if other.type.kind is not Kind.CODE or value.type != TEXT:
            return value
        if not isinstance(value, TLiteral):
            return value
        codes = self.catalog.codes(other.type.codes or "")
        if value.value not in codes.values:
            raise error(
                node,
                ErrorCode.UNKNOWN_CODE_VALUE,
                _("%(value)s is not a value of %(codes)s; allowed: %(allowed)s."),
                value=repr(value.value),
                codes=codes.name,
                allowed=", ".join(codes.values),
            )
        return replace(value, type=other.type)

    def require_boolean(self, node: Node, value: TExpr) -> None:
        if value.type != BOOLEAN:
            raise error(
                node,
                ErrorCode.NOT_BOOLEAN,
                _("Expected a condition (true or false), found a %(type)s."),
                type=str(value.type),
            )

    def require_numeric(self, node: Node, value: TExpr) -> None:
        if not value.type.numeric:
            raise error(
                node,
                ErrorCode.TYPE_MISMATCH,
                _("Expected a number, found a %(type)s."),
                type=str(value.type),
            )


@functools.lru_cache(maxsize=256)
def _parse_cached(text: str) -> Node:
    return parse(text)


def check(text: str, *, subject: Subject | str, catalog: Catalog) -> CheckedRule:
    """Parses and checks a rule text for a subject; raises `RuleError` on anything refused."""
    return Checker(catalog, Subject(subject)).check(text)
