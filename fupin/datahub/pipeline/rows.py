"""One source row ▸ the feed's values, or the reasons it is refused (each in Chinese).

This is the hot loop of an import: a row is a handful of list look-ups and cached parser
calls, and nothing is built for a row that is refused beyond its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.datahub.feeds import BATCH, Feed
from fupin.datahub.pipeline.columns import ColumnPlan
from fupin.tabular.errors import ValueProblem
from fupin.tabular.readers import SourceRow

EMPTY = _("The cell is empty.")
IMPRECISE_ID = _(
    "The ID number was stored as a number and has lost its last digits. Format the column as "
    "text in Excel, type the numbers again and retry."
)
NO_PERIOD = _(
    "The row has no period: give the file's period (month or year) or add a 所属期 column."
)
Values = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    code: str
    label: str  # the source header, or the field's preset header
    message: str

    def text(self) -> str:
        return f"{self.label}：{self.message}"


def empty_values(feed: Feed) -> Values:
    """A row with nothing filled in: None, or "" for a text column (stored as empty text)."""
    empty: Values = {}
    for column in feed.columns:
        if column.field == "period":
            empty["period"] = None
            continue
        field = feed.model._meta.get_field(column.field)
        text = isinstance(field, models.CharField) and not field.null
        empty[column.field] = "" if text else None
    return empty


class RowConverter:
    """Turns rows of one file into values for one feed.

    A slot is (field, column index, parser, required, header) for each mapped column: plain
    tuples, as this runs once per cell.
    """

    def __init__(self, feed: Feed, plan: ColumnPlan, period: tuple[int | None, int | None]):
        self.feed = feed
        self.slots = [
            (
                column.field,
                plan.indexes[column.field],
                column.parser,
                column.required,
                plan.header.columns[plan.indexes[column.field]] or column.preset,
            )
            for column in feed.columns
            if column.field in plan.indexes
        ]
        self.constants = dict(plan.constants)
        self.id_index = plan.indexes.get("id_number", -1)
        self.id_label = feed.column("id_number").preset
        self.batch_period = period
        self.empty = empty_values(feed)

    def convert(self, row: SourceRow) -> tuple[Values, list[Problem]]:
        cells = row.cells
        width = len(cells)
        values: Values = self.empty.copy()
        problems: list[Problem] = []
        for field, index, parse, required, label in self.slots:
            text = cells[index] if index < width else None
            if text is None:
                if required:
                    problems.append(Problem("empty", label, str(EMPTY)))
                continue
            try:
                values[field] = parse(text)
            except ValueProblem as problem:
                problems.append(Problem(problem.code, label, str(problem.message)))
        if self.constants:
            values.update(self.constants)
        if self.id_index in row.imprecise:
            problems = [p for p in problems if p.label != self.id_label]
            problems.insert(0, Problem("id_number_as_number", self.id_label, str(IMPRECISE_ID)))
        if not problems:
            self.set_period(values, problems)
        return values, problems

    def set_period(self, values: Values, problems: list[Problem]) -> None:
        period = values.pop("period", None)
        for source in self.feed.period_sources:
            if source == "period" and period is not None:
                values["period_year"], values["period_month"] = period
                return
            if source == BATCH and self.batch_period[0] is not None:
                values["period_year"], values["period_month"] = self.batch_period
                return
            day = values.get(source)
            if source not in ("period", BATCH) and day:
                values["period_year"], values["period_month"] = int(day[:4]), int(day[5:7])
                return
        problems.append(Problem("period_missing", "所属期", str(NO_PERIOD)))
