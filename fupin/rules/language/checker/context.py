"""What the checker passes around: name bindings, the context of a subexpression, errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fupin.rules.language.errors import ErrorCode, RuleError, _
from fupin.rules.language.syntax import Call, Node
from fupin.rules.language.typed import Instance


@dataclass(frozen=True)
class Binding:
    instance: Instance
    table: str


@dataclass(frozen=True)
class Context:
    names: Mapping[str, Binding]
    outer: frozenset[str] = frozenset()
    person: Binding | None = None  # whose age() applies
    in_aggregate: bool = False
    record: bool = True  # collect evidence (top level only)


def error(node: Node, code: ErrorCode, msgid: str, **params: object) -> RuleError:
    return RuleError(code, msgid, node.line, node.column, **params)


def wrong_arguments(node: Call, msgid: str) -> RuleError:
    return error(node, ErrorCode.WRONG_ARGUMENTS, msgid, name=node.name)


def arity(node: Call, least: int, most: int) -> None:
    if not least <= len(node.args) <= most:
        counts = str(least) if least == most else f"{least}–{most}"
        raise error(
            node,
            ErrorCode.WRONG_ARGUMENTS,
            _("%(name)s() takes %(counts)s arguments, not %(given)s."),
            name=node.name,
            counts=counts,
            given=len(node.args),
        )
