"""A file's data rows as chunks of columns (Arrow) for `checks`: each cell's text as the reader
gives it (stripped, None when empty), each row's number in the source file, and whether the row
must be checked in Python alone (`slow`: its ID number was a number Excel had rounded).

Two ways to get them, with the same result:
- `python_chunks`, from fupin.tabular's rows (every format);
- `arrow_chunks`, a CSV read by pyarrow's CSV reader (in C, on every core). pyarrow reads a CSV
  as Python's csv module does (quotes, doubled quotes, line breaks in quoted cells, empty
  lines as rows), so the row numbers and cells are the same. Where it would differ or cannot
  tell — a row with another number of cells, bytes that are not text in the file's encoding, a
  field longer than Python's csv allows, a line break inside the rows above the header — it
  stops with `NotPlain` and the caller reads the file the Python way instead.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import islice

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from fupin.datahub.pipeline.checks import WHITESPACE
from fupin.tabular.readers import SourceRow, Table

PYTHON_CHUNK = 50_000  # rows per chunk read the Python way
ARROW_BLOCK = 1 << 20  # bytes pyarrow parses at a time (its memory grows fast with this)
ARROW_ROWS = 80_000  # rows gathered from those blocks into one chunk
ARROW_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8", "gb18030": "gb18030"}
MAX_COLUMNS = 16_384  # Excel's; every column is read as text
NULL_TEXT = pa.scalar(None, pa.string())


class NotPlain(Exception):
    """pyarrow would not read this CSV exactly as fupin.tabular does."""


@dataclass
class Chunk:
    table: pa.Table  # row, slow, c0 … c<width-1>
    blank: int  # blank rows skipped among these rows
    rows: list[SourceRow] | None = None  # the rows as the Python reader gave them

    def source_rows(self, numbers: Sequence[int]) -> dict[int, SourceRow]:
        """The rows of these numbers, as the Python reader gives them."""
        wanted = set(numbers)
        if self.rows is not None:
            return {row.number: row for row in self.rows if row.number in wanted}
        mask = pc.is_in(self.table.column("row"), value_set=pa.array(sorted(wanted), pa.int64()))
        found: dict[int, SourceRow] = {}
        cells_names = [name for name in self.table.column_names if name.startswith("c")]
        for record in self.table.filter(mask).select(["row", *cells_names]).to_pylist():
            cells = [record[name] for name in cells_names]
            while cells and cells[-1] is None:
                cells.pop()
            found[record["row"]] = SourceRow(record["row"], cells)
        return found


def chunk_table(
    numbers: list[int], slow: list[bool], columns: list[pa.Array], width: int
) -> pa.Table:
    arrays = {"row": pa.array(numbers, pa.int64()), "slow": pa.array(slow, pa.bool_())}
    for index in range(max(width, len(columns))):
        arrays[f"c{index}"] = (
            columns[index] if index < len(columns) else pa.nulls(len(numbers), pa.string())
        )
    return pa.table(arrays)


# ---- the Python way -------------------------------------------------------------------------


def python_chunks(
    table: Table, *, header_row: int, id_index: int, width: int, size: int | None = None
) -> Iterator[Chunk]:
    """The data rows below the header, blank rows counted and left out (`size` rows a chunk,
    PYTHON_CHUNK if not given)."""
    size = size or PYTHON_CHUNK
    rows: list[SourceRow] = []
    blank = 0
    with closing(table.rows()) as stream:
        for row in stream:
            if row.number <= header_row:
                continue
            if row.is_blank():
                blank += 1
                continue
            rows.append(row)
            if len(rows) >= size:
                yield python_chunk(rows, blank, id_index, width)
                rows, blank = [], 0
    if rows or blank:
        yield python_chunk(rows, blank, id_index, width)


def python_chunk(rows: list[SourceRow], blank: int, id_index: int, width: int) -> Chunk:
    cells_width = max((len(row.cells) for row in rows), default=0)
    columns: list[pa.Array] = []
    if cells_width:
        # rows to columns in Arrow: the rows as lists, cut or padded with nulls to one width,
        # then every cells_width-th cell from each column's first
        lists = pa.array([row.cells for row in rows], pa.list_(pa.string()))
        grid = pc.list_slice(lists, 0, cells_width, return_fixed_size_list=True).flatten()
        columns = [grid[index::cells_width] for index in range(cells_width)]
    numbers = [row.number for row in rows]
    slow = [id_index in row.imprecise for row in rows]
    return Chunk(chunk_table(numbers, slow, columns, width), blank, rows)


# ---- pyarrow's CSV reader --------------------------------------------------------------------


def arrow_possible(table: Table, header_row: int) -> bool:
    """Whether pyarrow can read this CSV for sure as fupin.tabular does (else: the Python way)."""
    if table.format != "csv" or table.encoding not in ARROW_ENCODINGS:
        return False
    with closing(table.rows()) as rows:  # pyarrow skips lines: no line break may hide in them
        for row in islice(rows, header_row):
            if any(cell and ("\n" in cell or "\r" in cell) for cell in row.cells):
                return False
    return True


def arrow_chunks(path: str, table: Table, *, header_row: int, width: int) -> Iterator[Chunk]:
    """The data rows of a CSV below the header, read by pyarrow (see the module docstring)."""
    read_options = pacsv.ReadOptions(
        skip_rows=header_row,
        autogenerate_column_names=True,
        block_size=ARROW_BLOCK,
        encoding=ARROW_ENCODINGS[table.encoding],
    )
    parse_options = pacsv.ParseOptions(
        delimiter=table.delimiter or ",",
        quote_char='"',
        double_quote=True,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=False,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={f"f{index}": pa.string() for index in range(MAX_COLUMNS)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=True,
    )
    number = header_row
    limit = csv.field_size_limit()
    try:
        # A Python file, not the path: given a path, pyarrow reads ahead as fast as the disk
        # goes, holding much of a big file that the checks have not reached yet.
        with (
            open(path, "rb") as stream,
            pacsv.open_csv(
                stream,
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            ) as reader,
        ):
            batches: list[pa.RecordBatch] = []
            for batch in reader:
                batches.append(batch)
                if sum(item.num_rows for item in batches) >= ARROW_ROWS:
                    gathered = pa.Table.from_batches(batches)
                    yield arrow_chunk(gathered, number, limit, width)
                    number += gathered.num_rows
                    batches = []
            if batches:
                yield arrow_chunk(pa.Table.from_batches(batches), number, limit, width)
    except (pa.ArrowException, UnicodeError, ValueError) as problem:
        raise NotPlain(str(problem)) from problem


def arrow_chunk(batch: pa.Table, number: int, limit: int, width: int) -> Chunk:
    columns: list[pa.Array] = []
    for column in batch.columns:
        if column.type != pa.string():
            raise NotPlain("a column was not read as text")
        longest = pc.max(pc.binary_length(column)).as_py() or 0
        if longest >= limit:
            raise NotPlain("a field longer than Python's csv reads")
        trimmed = pc.utf8_trim(column, characters=WHITESPACE)
        columns.append(pc.if_else(pc.equal(trimmed, ""), NULL_TEXT, trimmed))
    size = batch.num_rows
    numbers = list(range(number + 1, number + 1 + size))
    filled = pa.array([False] * size, pa.bool_())
    for column in columns:
        filled = pc.or_(filled, pc.is_valid(column))
    table = chunk_table(numbers, [False] * size, columns, width)
    kept = table.filter(filled)
    return Chunk(kept, size - kept.num_rows)
