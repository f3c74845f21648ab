"""The functions of the rule language: param(), ages and date spans, scalar functions, and
aggregates over related rows. Each checks its arguments and returns a typed node."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fupin.rules.catalog import Kind
from fupin.rules.language.checker.context import Binding, Context, arity, error, wrong_arguments
from fupin.rules.language.errors import ErrorCode, _
from fupin.rules.language.syntax import Binary, Call, Literal, Name, Node, Unary, unparse
from fupin.rules.language.typed import (
    BOOLEAN,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    Instance,
    Months,
    ParamUse,
    TAggregate,
    TColumn,
    TExpr,
    TFunc,
    TLiteral,
    TParam,
    TScreeningDate,
    Type,
)

if TYPE_CHECKING:
    from fupin.rules.language.checker.core import Checker

AGGREGATES = ("count", "sum", "max", "min", "exists")
MAX_MONTHS = 600
MAX_ROUND_DIGITS = 10


def check_param(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 1, 1)
    arg = node.args[0]
    if not (isinstance(arg, Literal) and isinstance(arg.value, str)):
        raise wrong_arguments(node, _("param() takes the parameter name in quotes."))
    declared = checker.catalog.parameters.get(arg.value)
    if declared is None:
        raise error(
            arg,
            ErrorCode.UNKNOWN_PARAMETER,
            _("%(name)s is not a declared parameter."),
            name=repr(arg.value),
        )
    kind = Type(declared.kind, declared.codes)
    checker.params.setdefault(arg.value, ParamUse(arg.value, kind, node.line, node.column))
    result = TParam(kind, arg.value)
    checker.evidence.setdefault(f"param.{arg.value}", result)
    return result


def check_age(checker: Checker, node: Call, ctx: Context) -> TExpr:
    on_date = node.name == "age_on"
    arity(node, int(on_date), int(on_date))
    if ctx.person is None:
        raise error(
            node,
            ErrorCode.WRONG_SUBJECT,
            _("%(name)s() needs a person: use it in a person rule or in count(persons, …)."),
            name=node.name,
        )
    birth = TColumn(DATE, ctx.person.instance, "persons", "birth_date")
    until = (
        check_date_argument(checker, node, node.args[0], ctx) if on_date else TScreeningDate(DATE)
    )
    result = TFunc(INTEGER, "years_between", (birth, until))
    if ctx.person.instance is Instance.PERSON:
        checker.record(ctx, "person.birth_date", birth)
    checker.record(ctx, unparse(node), result)
    return result


def check_between_dates(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 2, 2)
    args = tuple(check_date_argument(checker, node, arg, ctx) for arg in node.args)
    return TFunc(INTEGER, node.name, args)


def check_date_argument(checker: Checker, call: Call, node: Node, ctx: Context) -> TExpr:
    value = checker.expr(node, ctx)
    if value.type != DATE:
        raise error(
            node,
            ErrorCode.TYPE_MISMATCH,
            _("%(name)s() needs a date, found a %(type)s."),
            name=call.name,
            type=str(value.type),
        )
    return value


def check_screening_date(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 0, 0)
    return TScreeningDate(DATE)


def check_coalesce(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 2, 16)
    args = [checker.expr(arg, ctx) for arg in node.args]
    first = next((arg for arg in args if arg.type != TEXT), args[0])
    typed = [checker.code_literal(first, (n, a)) for n, a in zip(node.args, args, strict=True)]
    for arg_node, arg in zip(node.args[1:], typed[1:], strict=True):
        checker.comparable(node, "=", (node.args[0], typed[0]), (arg_node, arg))
    numeric = all(arg.type.numeric for arg in typed)
    kind = DECIMAL if numeric and any(a.type == DECIMAL for a in typed) else typed[0].type
    return TFunc(kind, "coalesce", tuple(typed))


def check_abs(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 1, 1)
    value = checker.expr(node.args[0], ctx)
    checker.require_numeric(node.args[0], value)
    return TFunc(value.type, "abs", (value,))


def check_round(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 1, 2)
    value = checker.expr(node.args[0], ctx)
    checker.require_numeric(node.args[0], value)
    digits = node.args[1] if len(node.args) == 2 else Literal(node.line, node.column, 0)
    if not (isinstance(digits, Literal) and type(digits.value) is int):
        raise wrong_arguments(node, _("round() takes a whole number of digits."))
    if not 0 <= digits.value <= MAX_ROUND_DIGITS:
        raise wrong_arguments(node, _("round() rounds to 0–10 digits."))
    return TFunc(DECIMAL, "round", (value, TLiteral(INTEGER, digits.value)))


def check_length(checker: Checker, node: Call, ctx: Context) -> TExpr:
    arity(node, 1, 1)
    value = checker.expr(node.args[0], ctx)
    if value.type.kind not in (Kind.TEXT, Kind.CODE):
        raise error(
            node.args[0],
            ErrorCode.TYPE_MISMATCH,
            _("length() needs text, found a %(type)s."),
            type=str(value.type),
        )
    return TFunc(INTEGER, "length", (value,))


# -- aggregates -------------------------------------------------------------------------


def check_aggregate(checker: Checker, node: Call, ctx: Context) -> TExpr:
    if ctx.in_aggregate:
        raise error(
            node, ErrorCode.NESTED_AGGREGATE, _("Aggregates cannot be nested or used here.")
        )
    arity(node, 1, 2)
    table = check_aggregate_table(checker, node)
    row = Binding(Instance.ROW, table)
    inner = Context(
        names={table: row},
        outer=frozenset(ctx.names),
        person=row if table == "persons" else None,
        in_aggregate=True,
        record=False,
    )
    value = (
        None if node.name in ("count", "exists") else check_aggregate_value(checker, node, inner)
    )
    condition = None
    if len(node.args) == 2:
        condition = checker.expr(node.args[1], inner)
        checker.require_boolean(node.args[1], condition)
    months = check_months(checker, node, table, ctx)
    result = TAggregate(
        check_aggregate_type(checker, node.name, value),
        unparse(node),
        node.name,
        table,
        value,
        condition,
        months,
    )
    checker.record(ctx, result.key, result)
    return result


def check_aggregate_table(checker: Checker, node: Call) -> str:
    first = node.args[0]
    if node.name in ("count", "exists"):
        if not isinstance(first, Name):
            raise wrong_arguments(node, _("%(name)s() takes a table first: count(persons)."))
        name = first.dotted
    else:
        names = _names_in(first)
        if not names:
            raise wrong_arguments(node, _("%(name)s() needs a field of a related table."))
        first, name = names[0], names[0].parts[0]
    if name not in checker.catalog.tables:
        raise error(
            first,
            ErrorCode.UNKNOWN_TABLE,
            _("%(name)s is not a table of the catalog."),
            name=name if node.name in ("count", "exists") else first.dotted,
        )
    return name


def check_aggregate_value(checker: Checker, node: Call, inner: Context) -> TExpr:
    value = checker.expr(node.args[0], inner)
    allowed = value.type.numeric or (node.name != "sum" and value.type == DATE)
    if not allowed:
        raise error(
            node.args[0],
            ErrorCode.TYPE_MISMATCH,
            _("%(name)s() cannot aggregate a %(type)s."),
            name=node.name,
            type=str(value.type),
        )
    return value


def check_aggregate_type(checker: Checker, func: str, value: TExpr | None) -> Type:
    if func == "count":
        return INTEGER
    if func == "exists":
        return BOOLEAN
    assert value is not None
    return value.type


def check_months(checker: Checker, node: Call, table: str, ctx: Context) -> Months | None:
    named = dict(node.named)
    unknown = set(named) - {"months"}
    if unknown:
        raise wrong_arguments(node, _("The only named argument is months => N."))
    if "months" not in named:
        return None
    value_node = named["months"]
    if checker.catalog.tables[table].window is None:
        raise error(
            value_node,
            ErrorCode.NO_DATE_WINDOW,
            _("%(table)s has no date, so months => cannot be used with it."),
            table=table,
        )
    if isinstance(value_node, Literal) and type(value_node.value) is int:
        if not 1 <= value_node.value <= MAX_MONTHS:
            raise wrong_arguments(node, _("months => takes 1 to 600."))
        return Months(count=value_node.value)
    if isinstance(value_node, Call) and value_node.name == "param":
        param = check_param(checker, value_node, ctx)
        if param.type == INTEGER and isinstance(param, TParam):
            return Months(param=param.name)
    raise wrong_arguments(node, _("months => takes a whole number or an integer param()."))


def _names_in(node: Node) -> list[Name]:
    match node:
        case Name():
            return [node]
        case Unary(operand=operand):
            return _names_in(operand)
        case Binary(left=left, right=right):
            return _names_in(left) + _names_in(right)
        case Call(args=args):
            return [name for arg in args for name in _names_in(arg)]
    return []


FUNCTIONS: dict[str, Callable[[Checker, Call, Context], TExpr]] = {
    "param": check_param,
    "age": check_age,
    "age_on": check_age,
    "years_between": check_between_dates,
    "months_between": check_between_dates,
    "screening_date": check_screening_date,
    "coalesce": check_coalesce,
    "abs": check_abs,
    "round": check_round,
    "length": check_length,
    **dict.fromkeys(AGGREGATES, check_aggregate),
}
