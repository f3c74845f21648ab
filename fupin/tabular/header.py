"""Find the header of a sheet: below a title block, one field row, up to two group rows above.

National exports put a title block above the header (the fields are on row 3); ledgers printed
for signature have title / group / field rows, a group written once in the first cell of its
merged range. A column is addressed by any trailing part of its path: "身份证号", or
"基本情况/身份证号" when the field text alone is not unique. Texts compare after
`normalize_label` (blanks, newlines and the full-/half-width difference do not matter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext_lazy as _

from fupin.tabular.cells import normalize_label
from fupin.tabular.errors import TabularError
from fupin.tabular.table import CellRange, RowStream, SourceRow, Table

MAX_GROUP_ROWS = 2
SEPARATOR = "/"


@dataclass(frozen=True)
class Header:
    """The located header. `row_number` is its field row; data rows come after it."""

    row_number: int
    first_row: int
    columns: list[str]
    paths: list[tuple[str, ...]] = field(repr=False)
    _keys: dict[str, list[int]] = field(repr=False)

    @classmethod
    def build(cls, *, row_number: int, first_row: int, paths: list[tuple[str, ...]]) -> Header:
        keys: dict[str, list[int]] = {}
        for index, path in enumerate(paths):
            for start in range(len(path)):
                keys.setdefault(SEPARATOR.join(path[start:]), []).append(index)
        columns = [SEPARATOR.join(path) for path in paths]
        return cls(row_number, first_row, columns, paths, keys)

    def find(self, name: str) -> list[int]:
        """Indexes of the columns that `name` addresses (none, one, or several if ambiguous)."""
        key = SEPARATOR.join(normalize_label(part) for part in name.split(SEPARATOR))
        return self._keys.get(key, [])

    def index_of(self, name: str) -> int:
        found = self.find(name)
        if not found:
            raise TabularError("unknown_column", _("The file has no column with this header."))
        if len(found) > 1:
            raise TabularError(
                "ambiguous_column",
                _("Several columns have this header; name its group too, as in 基本情况/姓名."),
            )
        return found[0]

    def has(self, name: str) -> bool:
        return len(self.find(name)) == 1

    def missing(self, names: Iterable[str]) -> list[str]:
        """The names that do not address exactly one column, in the order given."""
        return [name for name in names if not self.has(name)]

    def value(self, row: SourceRow, name: str) -> str | None:
        return row.cell(self.index_of(name))


def header_not_found() -> TabularError:
    return TabularError(
        "header_not_found",
        _("No header row with the expected column names was found near the top of the sheet."),
    )


def locate_header(table: Table, *, expected: Sequence[str], search_rows: int = 20) -> Header:
    """The header row among the first `search_rows` rows: the one naming most `expected` columns."""
    with closing(table.rows()) as rows:
        top = list(islice(rows, search_rows))
    texts = [[normalize_label(cell) for cell in row.cells] for row in top]
    wanted = [name_variants(name) for name in expected]
    scores = [sum(1 for variants in wanted if variants & set(cells)) for cells in texts]
    if not scores or max(scores) == 0:
        raise header_not_found()
    field_index = scores.index(max(scores))
    # A row directly below that names as many is the field row under a group row whose own
    # columns are merged down (序号 | 基本情况 over 姓名 | 证件号码): take the lower one.
    while field_index + 1 < len(scores) and scores[field_index + 1] == scores[field_index]:
        field_index += 1
    group_indexes = group_rows(top, texts, field_index, table.merged_ranges)
    header_texts = [texts[index] for index in [*group_indexes, field_index]]
    header_rows = [top[index].number for index in [*group_indexes, field_index]]
    paths = column_paths(header_texts, header_rows, table.merged_ranges)
    return Header.build(row_number=top[field_index].number, first_row=header_rows[0], paths=paths)


def data_rows(table: Table, header: Header) -> RowStream:
    """The rows after the header, blank rows skipped (the others keep their source numbers)."""
    with closing(table.rows()) as rows:
        for row in rows:
            if row.number > header.row_number and not row.is_blank():
                yield row


def name_variants(name: str) -> set[str]:
    """The texts a field cell may hold for `name`: the whole name and each trailing part."""
    parts = [normalize_label(part) for part in name.split(SEPARATOR)]
    return {SEPARATOR.join(parts[start:]) for start in range(len(parts))}


def group_rows(
    top: list[SourceRow], texts: list[list[str]], field_index: int, merges: Sequence[CellRange]
) -> list[int]:
    """Indexes (top first) of up to two group rows directly above the field row."""
    width = len(texts[field_index])
    found: list[int] = []
    for index in range(field_index - 1, max(field_index - 1 - MAX_GROUP_ROWS, -1), -1):
        if not is_group_row(top[index].number, texts[index], width, merges):
            break
        found.insert(0, index)
    return found


def is_group_row(number: int, texts: list[str], width: int, merges: Sequence[CellRange]) -> bool:
    """Two or more labels, or one label merged over fewer columns than a title spans.

    A title block (one text, merged across the sheet or not merged at all) is not a group row.
    """
    labels = [column for column, text in enumerate(texts) if text]
    if len(labels) >= 2:
        return True
    return len(labels) == 1 and any(
        merge.first_row == number
        and merge.first_column == labels[0]
        and merge.last_column > merge.first_column
        and merge.last_column < width - 1
        for merge in merges
    )


def column_paths(
    rows: list[list[str]], numbers: list[int], merges: Sequence[CellRange]
) -> list[tuple[str, ...]]:
    """Each column's path (groups then field); the field row is last in `rows`."""
    width = max(len(cells) for cells in rows)
    grid = [cells + [""] * (width - len(cells)) for cells in rows]
    fields = grid[-1]
    labels: list[list[str]] = []
    for level in range(len(grid) - 1):
        parent = labels[-1] if labels else None
        row_merges = [merge for merge in merges if merge.first_row == numbers[level]]
        if row_merges:
            labels.append(merged_labels(grid[level], row_merges))
        else:
            labels.append(filled_labels(grid[level], fields, parent))
    return [column_path([row[column] for row in labels], fields[column]) for column in range(width)]


def merged_labels(cells: list[str], merges: Sequence[CellRange]) -> list[str]:
    """Each merged range's text in all the columns it spans (the ranges start in this row)."""
    labels = list(cells)
    for merge in merges:
        if merge.first_column < len(cells):
            text = cells[merge.first_column]
            for column in range(merge.first_column, min(merge.last_column + 1, len(cells))):
                labels[column] = text
    return labels


def filled_labels(cells: list[str], fields: list[str], parent: list[str] | None) -> list[str]:
    """Without merge information: a group label runs right until the next label.

    A label above an empty field cell is the column's own name merged downwards, so it does
    not run on; nor does a label run past the end of its parent group.
    """
    labels = [""] * len(cells)
    carry = ""
    for column, text in enumerate(cells):
        if parent is not None and column > 0 and parent[column] != parent[column - 1]:
            carry = ""
        if text:
            labels[column] = text
            carry = text if fields[column] else ""
        else:
            labels[column] = carry
    return labels


def column_path(labels: list[str], field_text: str) -> tuple[str, ...]:
    """Groups then field; an empty field takes the nearest label above (a vertical merge)."""
    parts = [label for label in labels if label]
    if field_text:
        parts.append(field_text)
    deduplicated: list[str] = []
    for part in parts:
        if not deduplicated or deduplicated[-1] != part:
            deduplicated.append(part)
    return tuple(deduplicated)
