"""What a reader hands out: a `Table` whose `rows()` stream `SourceRow`s."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

Format = Literal["csv", "xlsx", "xls", "ods"]


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of the source: `number` is 1-based as the office sees it (Excel row / CSV record).

    `cells` are texts or None for empty cells, trailing empty cells dropped, so index with
    `Header.value` (or check the length). `imprecise` lists the column indexes (0-based) whose
    cell was a number with more digits than Excel keeps: an ID number typed as a number has lost
    its last digits, and the text shown is only the closest we know.
    """

    number: int
    cells: list[str | None]
    imprecise: tuple[int, ...] = ()

    def is_blank(self) -> bool:
        return not any(self.cells)

    def cell(self, index: int) -> str | None:
        return self.cells[index] if 0 <= index < len(self.cells) else None


RowStream = Generator[SourceRow, None, None]


@dataclass(frozen=True, slots=True)
class CellRange:
    """A merged range, inclusive, 1-based rows and 0-based columns (like `SourceRow`)."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def covers(self, row: int, column: int) -> bool:
        return (
            self.first_row <= row <= self.last_row
            and self.first_column <= column <= self.last_column
        )


@dataclass(eq=False)
class Table:
    """One sheet of a workbook, or a CSV file, read lazily.

    `rows()` starts from the first row on every call and hands out one row at a time (a CSV
    and the streaming xlsx engine hold no more; calamine holds the sheet's cells in compact
    form, see `excel_source`). `merged_ranges` is known for xlsx/xls read by calamine and
    empty otherwise (CSV has none; the streaming engine does not read them). `engine` says
    which reader ran ("csv", "calamine", "openpyxl"). Close the table, or use it in a `with`.
    """

    format: Format
    sheet_names: list[str]
    sheet_name: str
    engine: str
    _row_source: Callable[[], RowStream] = field(repr=False)
    merged_ranges: tuple[CellRange, ...] = ()
    filename: str = ""
    # A CSV's encoding and delimiter as sniffed ("" for a workbook), for readers of the raw file.
    encoding: str = ""
    delimiter: str = ""
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def rows(self) -> RowStream:
        return self._row_source()

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
