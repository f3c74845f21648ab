"""The checked tree: every node typed, every name resolved to a row instance and column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fupin.rules.catalog import Kind, TallyField


@dataclass(frozen=True)
class Type:
    kind: Kind
    codes: str | None = None  # the code list of a CODE value

    @property
    def numeric(self) -> bool:
        return self.kind in (Kind.INTEGER, Kind.DECIMAL)

    def __str__(self) -> str:
        return f"code ({self.codes})" if self.codes else str(self.kind)


BOOLEAN = Type(Kind.BOOLEAN)
INTEGER = Type(Kind.INTEGER)
DECIMAL = Type(Kind.DECIMAL)
DATE = Type(Kind.DATE)
TEXT = Type(Kind.TEXT)
NULL = Type(Kind.NULL)


class Instance(StrEnum):
    """A row the compiled query can see; the value is its SQL alias."""

    HOUSEHOLD = "h"
    PERSON = "p"
    INCOME = "i0"
    INCOME_PREV = "i1"
    ROW = "r"  # the related row inside an aggregate or a tally


@dataclass(frozen=True)
class TExpr:
    type: Type


@dataclass(frozen=True)
class TColumn(TExpr):
    instance: Instance
    table: str
    column: str


@dataclass(frozen=True)
class TLiteral(TExpr):
    value: int | Decimal | str | bool | dt.date


@dataclass(frozen=True)
class TParam(TExpr):
    name: str


@dataclass(frozen=True)
class TScreeningDate(TExpr):
    pass


@dataclass(frozen=True)
class TUnary(TExpr):
    op: str  # NOT or -
    operand: TExpr


@dataclass(frozen=True)
class TBinary(TExpr):
    op: str
    left: TExpr
    right: TExpr


@dataclass(frozen=True)
class TIn(TExpr):
    operand: TExpr
    items: tuple[TExpr, ...]
    negated: bool


@dataclass(frozen=True)
class TBetween(TExpr):
    operand: TExpr
    low: TExpr
    high: TExpr
    negated: bool


@dataclass(frozen=True)
class TIsNull(TExpr):
    operand: TExpr
    negated: bool


@dataclass(frozen=True)
class TFunc(TExpr):
    """A scalar function: years_between, months_between, coalesce, abs, round, length."""

    name: str
    args: tuple[TExpr, ...]


@dataclass(frozen=True)
class Months:
    """The `months => N` window of an aggregate: a number, or an integer parameter."""

    count: int | None = None
    param: str | None = None

    @property
    def key(self) -> str:
        return f"param:{self.param}" if self.param else str(self.count)


@dataclass(frozen=True)
class TAggregate(TExpr):
    """count/sum/max/min/exists over the related rows of `table`."""

    key: str  # canonical text, the evidence key
    func: str
    table: str
    value: TExpr | None
    condition: TExpr | None
    months: Months | None


@dataclass(frozen=True)
class TTally(TExpr):
    """Rows of the whole table sharing this row's key (see catalog `tally`)."""

    instance: Instance
    table: str
    field: TallyField
    where: TExpr | None


@dataclass(frozen=True)
class ParamUse:
    """A parameter the rule reads, where it first appears, for errors at bind time."""

    name: str
    type: Type
    line: int
    column: int
