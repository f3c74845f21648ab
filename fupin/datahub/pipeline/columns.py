"""Map a file's columns to a feed's fields: by the preset headers or by a saved mapping.

A mapping is `{field: source header}`; a value starting with "=" is a constant for the whole
file ("=低保" when a county's list of 低保 recipients has only ID numbers and names). A header
names a column by its text, or by "group/text" under a merged group header (fupin.tabular).
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from fupin.datahub import errors
from fupin.datahub.excel import Column
from fupin.datahub.feeds import Source
from fupin.tabular.cells import normalize_label
from fupin.tabular.errors import TabularError, ValueProblem
from fupin.tabular.readers import Header, Table, locate_header

SEARCH_ROWS = 20
CONSTANT = "="


@dataclass
class ColumnPlan:
    header: Header
    indexes: dict[str, int] = field(default_factory=dict)  # field ▸ column index
    constants: dict[str, object] = field(default_factory=dict)  # field ▸ parsed value
    mapping: dict[str, str] = field(default_factory=dict)  # field ▸ header text as used
    missing: list[Column] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # mapping entries that did not resolve

    @property
    def headers(self) -> list[str]:
        return list(self.header.columns)

    def ignored(self) -> list[str]:
        used = set(self.indexes.values())
        return [text for i, text in enumerate(self.header.columns) if text and i not in used]


def plan_columns(table: Table, feed: Source, mapping: dict[str, str] | None) -> ColumnPlan:
    """The header of the sheet and which column fills which field.

    Without a mapping the header is the row naming most of the feed's known headers. If no row
    names any, the fullest row near the top stands as the header, so the person can map its
    columns by hand; every required field is then missing.
    """
    wanted = [text for text in (mapping or {}).values() if not text.startswith(CONSTANT)]
    expected = wanted or [header for column in feed.columns for header in column.headers]
    try:
        header = locate_header(table, expected=expected, search_rows=SEARCH_ROWS)
    except TabularError as problem:
        if problem.code != "header_not_found":
            raise
        header = fullest_row(table)
    plan = ColumnPlan(header=header)
    for column in feed.columns:
        resolve(plan, column, (mapping or {}).get(column.field))
    return plan


def resolve(plan: ColumnPlan, column: Column, source: str | None) -> None:
    if source and source.startswith(CONSTANT):
        constant(plan, column, source[len(CONSTANT) :])
        return
    candidates = [source] if source else list(column.headers)
    for text in candidates:
        found = plan.header.find(text)
        if len(found) == 1:
            plan.indexes[column.field] = found[0]
            plan.mapping[column.field] = plan.header.columns[found[0]]
            return
    if source:
        plan.problems.append(source)
    if column.required:
        plan.missing.append(column)


def constant(plan: ColumnPlan, column: Column, text: str) -> None:
    try:
        plan.constants[column.field] = column.parser(text.strip())
    except ValueProblem:
        plan.problems.append(CONSTANT + text)
        if column.required:
            plan.missing.append(column)
        return
    plan.mapping[column.field] = CONSTANT + text.strip()


def fullest_row(table: Table) -> Header:
    """The first of the rows with the most filled cells near the top of the sheet."""
    with closing(table.rows()) as rows:
        top = list(islice(rows, SEARCH_ROWS))
    if not top:
        raise errors.empty_sheet()
    best = max(top, key=lambda row: sum(1 for cell in row.cells if cell))
    paths: list[tuple[str, ...]] = [(normalize_label(cell),) if cell else () for cell in best.cells]
    return Header.build(row_number=best.number, first_row=best.number, paths=paths)
