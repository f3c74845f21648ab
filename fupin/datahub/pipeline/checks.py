"""Check a chunk of rows a column at a time in DuckDB, with the Python parsers as the authority.

A cell is accepted in one of two ways, and nothing else is accepted:
- **in SQL**, when it is written in the plainest form of its kind (see `parsers.SHAPES`): an ID
  number of 17 digits and a check character that matches, with a real birth date; a name of
  letters, digits and CJK ideographs; a plain amount like 1234.5; a text without blanks; a code
  of ASCII letters and digits. For such a cell the parser returns the text itself (or, for an
  amount, with two decimals; for a code, upper-cased), and so does the SQL;
- **by the parser itself**, called once per distinct other text of the column in the chunk
  (department files repeat their dates, codes and names), its result joined back to the rows.

A row whose every cell is accepted, whose required cells are filled and whose period is known
takes its values from here. Every other row goes to `rows.RowConverter`, one Python row at a
time, which gives the reasons in Chinese exactly as before (there are few such rows). So the
SQL only decides what it can prove the parser would decide the same way; tests compare the two
on every kind of cell.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from itertools import count
from typing import Any, cast

import pyarrow as pa

from fupin.core import ids
from fupin.datahub import parsers
from fupin.datahub.feeds import BATCH, Feed
from fupin.datahub.pipeline.columns import ColumnPlan
from fupin.datahub.pipeline.rows import empty_values
from fupin.datahub.pipeline.store import Connection, column_types, quoted
from fupin.tabular.errors import ValueProblem

# Every character str.strip() and the `\s` of Python's re remove (none lies above U+3000).
WHITESPACE = "".join(character for character in map(chr, range(0x3001)) if character.isspace())


def re2_class(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        f"\\x{{{first:X}}}" if first == last else f"\\x{{{first:X}}}-\\x{{{last:X}}}"
        for first, last in ranges
    )


def name_ranges() -> list[tuple[int, int]]:
    """Runs of characters that `parsers.name` keeps as they are, one by one and in any
    sequence: ASCII letters and digits, and the CJK ideographs that are alphanumeric and
    NFKC-stable (none of them composes with a neighbour)."""
    candidates = [*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B)]
    candidates += [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]
    ranges: list[tuple[int, int]] = []
    for code in candidates:
        character = chr(code)
        if not (character.isalnum() and unicodedata.is_normalized("NFKC", character)):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


BLANK_CLASS = re2_class([(ord(character), ord(character)) for character in WHITESPACE])
NAME_CLASS = re2_class(name_ranges())
NAME_MAX = 64


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# ---- the plainest cells, in SQL ------------------------------------------------------------


@dataclass(frozen=True)
class Fast:
    """A cell's check in SQL: helper columns computed once (expression AS name), whether the
    parser would accept the cell as it is (`ok`), and what it would return (`value`)."""

    ok: str
    value: str
    helpers: tuple[str, ...] = ()


def id_number_sql(cell: str, today: dt.date, tag: str) -> Fast:
    """`parsers.id_number`'s own fast path: 18 ASCII characters, the check character of
    GB 11643 (the weights applied to the digits of the 17-digit number), and a birth date that
    exists, from 1880 to today."""
    number, born = f"n_{tag}", f"b_{tag}"
    terms = " + ".join(
        f"(({number} // {10 ** (16 - position)}) % 10) * {weight}"
        for position, weight in enumerate(ids.WEIGHTS)
    )
    day = f"substr({cell}, 7, 4) || '-' || substr({cell}, 11, 2) || '-' || substr({cell}, 13, 2)"
    first = dt.date(parsers.FIRST_BIRTH_YEAR, 1, 1)
    ok = (
        f"(regexp_full_match({cell}, '[0-9]{{17}}[0-9X]')"
        f" AND substr('{ids.CHECK_CHARS}', CAST(({terms}) % 11 AS INTEGER) + 1, 1)"
        f" = substr({cell}, 18, 1)"
        f" AND {born} BETWEEN DATE '{first}' AND DATE '{today}')"
    )
    helpers = (
        f"TRY_CAST(substr({cell}, 1, 17) AS BIGINT) AS {number}",
        f"TRY_CAST({day} AS DATE) AS {born}",
    )
    return Fast(ok, cell, helpers)


def name_sql(cell: str) -> Fast:
    return Fast(
        f"(length({cell}) <= {NAME_MAX} AND regexp_full_match({cell}, '[{NAME_CLASS}]+'))",
        cell,
    )


def amount_sql(cell: str) -> Fast:
    """`parsers.amount`'s plain form: 0 or a number without leading zeros, up to ten digits,
    and at most two decimals; the value gets its two decimals."""
    ok = f"regexp_full_match({cell}, '(?:0|[1-9][0-9]{{0,9}})(?:\\.[0-9]{{1,2}})?')"
    value = (
        f"CASE WHEN NOT contains({cell}, '.') THEN {cell} || '.00' "
        f"WHEN {cell}[-2] = '.' THEN {cell} || '0' ELSE {cell} END"
    )
    return Fast(ok, value)


def text_sql(cell: str, max_length: int) -> Fast:
    """A text with no blank in it (the parser only collapses blanks) that fits."""
    return Fast(
        f"(length({cell}) <= {max_length} AND NOT regexp_matches({cell}, '[{BLANK_CLASS}]'))",
        cell,
    )


def compact_sql(cell: str, max_length: int) -> Fast:
    return Fast(
        f"(length({cell}) <= {max_length} AND regexp_full_match({cell}, '[0-9A-Za-z]+'))",
        f"upper({cell})",
    )


def fast_sql(parser: parsers.Parser, cell: str, today: dt.date, tag: str) -> Fast | None:
    shape = parsers.SHAPES.get(parser)
    if shape is None:
        return None
    if shape.kind == "id_number":
        return id_number_sql(cell, today, tag)
    if shape.kind == "name":
        return name_sql(cell)
    if shape.kind == "amount":
        return amount_sql(cell)
    if shape.kind == "text":
        return text_sql(cell, shape.max_length)
    if shape.kind == "compact":
        return compact_sql(cell, shape.max_length)
    return None


# ---- the rest, by the parser once per distinct text ------------------------------------------


def as_text(value: Any) -> str | None:
    """A parsed value as text DuckDB casts to the column's type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Slot:
    """A mapped column: the field it fills, its cell, its parser, and the SQL for it."""

    number: int
    field: str
    index: int
    parser: parsers.Parser
    required: bool
    kind: str  # the DuckDB type of the field ("" for the period column)

    @property
    def cell(self) -> str:
        return f"c{self.index}"

    @property
    def lookup(self) -> str:
        return f"look_{self.number}"


class Checker:
    """Checks the chunks of one file for one feed (see the module's docstring)."""

    def __init__(
        self,
        feed: Feed,
        plan: ColumnPlan,
        period: tuple[int | None, int | None],
        today: dt.date | None = None,
    ) -> None:
        self.feed = feed
        self.types = dict(column_types(feed))
        self.today = today or dt.date.today()
        numbers = count()
        self.slots = [
            Slot(
                next(numbers),
                column.field,
                plan.indexes[column.field],
                column.parser,
                column.required,
                self.types.get(column.field, ""),
            )
            for column in feed.columns
            if column.field in plan.indexes
        ]
        self.constants = dict(plan.constants)
        self.period = period
        self.empty = empty_values(feed)

    # -- per chunk --

    @property
    def width(self) -> int:
        """How many cells a chunk must have (c0 … c<width-1>, null where a row is shorter)."""
        return max((slot.index for slot in self.slots), default=0) + 1

    def check(self, connection: Connection) -> None:
        """Make the temporary table `cur` from the registered `chunk` (row, slow, c0…): each
        row's number, whether it is accepted (`ok`), its natural key and its stored values."""
        connection.execute(self.fast_sql())
        looked_up = [slot for slot in self.slots if self.look_up(connection, slot)]
        try:
            connection.execute(self.chunk_sql(self.slots, looked_up))
        finally:
            for slot in looked_up:
                connection.unregister(slot.lookup)

    def fast(self, slot: Slot) -> Fast | None:
        return fast_sql(slot.parser, slot.cell, self.today, str(slot.number))

    def fast_sql(self) -> str:
        """Temporary table `pre`, row for row beside `chunk` (a positional join): for each
        column with a SQL check, whether its cell is accepted there (f_<n>) and, where the
        parser changes the text, the value (fv_<n>)."""
        cells = sorted({slot.cell for slot in self.slots})
        parts = ["row"]
        helpers: list[str] = []
        for slot in self.slots:
            fast = self.fast(slot)
            if fast:
                helpers += fast.helpers
                parts.append(f"coalesce({fast.ok}, FALSE) AS f_{slot.number}")
                if fast.value != slot.cell:
                    parts.append(f"{fast.value} AS fv_{slot.number}")
        inner = ", ".join(["row", *cells, *helpers])
        return (
            f"CREATE OR REPLACE TEMP TABLE pre AS SELECT {', '.join(parts)} "
            f"FROM (SELECT {inner} FROM chunk)"
        )

    def look_up(self, connection: Connection, slot: Slot) -> bool:
        """Parse the distinct texts of the column that SQL did not accept; False if none."""
        unaccepted = f"NOT pre.f_{slot.number}" if self.fast(slot) else "TRUE"
        texts = [
            text
            for (text,) in connection.execute(
                f"SELECT DISTINCT chunk.{slot.cell} FROM chunk POSITIONAL JOIN pre "
                f"WHERE chunk.{slot.cell} IS NOT NULL AND {unaccepted}"
            ).fetchall()
        ]
        if not texts:
            return False
        accepted: list[bool] = []
        values: list[str | None] = []
        years: list[int | None] = []
        months: list[int | None] = []
        for text in texts:
            try:
                value = slot.parser(text)
            except ValueProblem:
                accepted.append(False)
                value = None
            else:
                accepted.append(True)
            if slot.field == "period":
                years.append(value[0] if value else None)
                months.append(value[1] if value else None)
            else:
                values.append(as_text(value))
        columns: dict[str, Any] = {
            "raw": pa.array(texts, pa.string()),
            "ok": pa.array(accepted, pa.bool_()),
        }
        if slot.field == "period":
            columns["year"] = pa.array(years, pa.int32())
            columns["month"] = pa.array(months, pa.int32())
        else:
            columns["value"] = pa.array(values, pa.string())
        connection.register(slot.lookup, pa.table(columns))
        return True

    def chunk_sql(self, slots: list[Slot], looked_up: list[Slot]) -> str:
        joins = " ".join(
            f"LEFT JOIN {slot.lookup} ON {slot.lookup}.raw = chunk.{slot.cell}"
            for slot in looked_up
        )
        parts = ["chunk.row AS row", "chunk.slow AS slow"]
        for slot in slots:
            parts += self.slot_sql(slot, slot in looked_up)
        mapped = {slot.field for slot in slots}
        oks = [f"ok_{slot.number}" for slot in slots]
        year, month, period_ok = self.period_sql(mapped)
        values = {name: self.value_sql(name, kind, mapped) for name, kind in self.types.items()}
        values["period_year"], values["period_month"] = year, month
        values.pop("person_id")
        accepted = " AND ".join(["NOT slow", *oks, period_ok])
        columns = ", ".join(
            f"{expression} AS {quoted(name)}" for name, expression in values.items()
        )
        return (
            f"CREATE OR REPLACE TEMP TABLE cur AS "
            f"WITH v AS (SELECT {', '.join(parts)} FROM chunk POSITIONAL JOIN pre {joins}) "
            f"SELECT row, coalesce({accepted}, FALSE) AS ok, "
            f"{self.key_sql(values)} AS natural_key, {columns} FROM v"
        )

    def slot_sql(self, slot: Slot, looked_up: bool) -> list[str]:
        """ok_<n>: the cell is accepted (or empty and optional); v_<n> (or y_/m_ for the
        period column): its value, typed."""
        fast = self.fast(slot)
        cell, lookup = f"chunk.{slot.cell}", slot.lookup
        fast_ok = f"pre.f_{slot.number}" if fast else "FALSE"
        by_parser = f"coalesce({lookup}.ok, FALSE)" if looked_up else "FALSE"
        empty_ok = "FALSE" if slot.required else "TRUE"
        ok = f"CASE WHEN {cell} IS NULL THEN {empty_ok} ELSE ({fast_ok} OR {by_parser}) END"
        if slot.field == "period":
            year = f"{lookup}.year" if looked_up else "NULL"
            month = f"{lookup}.month" if looked_up else "NULL"
            return [
                f"{ok} AS ok_{slot.number}",
                f"{year} AS y_{slot.number}",
                f"{month} AS m_{slot.number}",
            ]
        default = self.default_sql(slot.field, slot.kind)
        parsed = f"{lookup}.value" if looked_up else "NULL"
        if fast is None:
            chosen = parsed
        else:
            fast_value = cell if fast.value == slot.cell else f"pre.fv_{slot.number}"
            chosen = f"CASE WHEN {fast_ok} THEN {fast_value} ELSE {parsed} END"
        value = f"CASE WHEN {cell} IS NULL THEN {default} ELSE CAST({chosen} AS {slot.kind}) END"
        return [f"{ok} AS ok_{slot.number}", f"{value} AS v_{slot.number}"]

    def default_sql(self, field: str, kind: str) -> str:
        """The value of a field the row leaves empty: "" for a text column, else NULL."""
        empty = self.empty.get(field)
        return (
            f"CAST({literal(empty)} AS {kind})"
            if isinstance(empty, str)
            else f"CAST(NULL AS {kind})"
        )

    def value_sql(self, name: str, kind: str, mapped: set[str]) -> str:
        if name in self.constants:
            return f"CAST({self.constant_sql(self.constants[name])} AS {kind})"
        for slot in self.slots:
            if slot.field == name and name in mapped:
                return f"v_{slot.number}"
        return self.default_sql(name, kind)

    @staticmethod
    def constant_sql(value: Any) -> str:
        text = as_text(value)
        return "NULL" if text is None else literal(text)

    def period_sql(self, mapped: set[str]) -> tuple[str, str, str]:
        """(year, month, known) in the order of the feed's period sources (`RowConverter.
        set_period`): the row's period column, the batch's period, a date of the row."""
        cases: list[tuple[str, str, str]] = []  # (when, year, month)
        for source in self.feed.period_sources:
            if source == "period":
                constant = cast(tuple[int, int | None] | None, self.constants.get("period"))
                if constant is not None:
                    cases.append(("TRUE", str(constant[0]), self.constant_sql(constant[1])))
                    break
                slot = next((s for s in self.slots if s.field == "period"), None)
                if slot is not None and "period" in mapped:
                    when = f"y_{slot.number} IS NOT NULL"
                    cases.append((when, f"y_{slot.number}", f"m_{slot.number}"))
            elif source == BATCH:
                if self.period[0] is not None:
                    cases.append(("TRUE", str(self.period[0]), self.constant_sql(self.period[1])))
                    break
            else:
                day = self.value_sql(source, self.types[source], mapped)
                cases.append((f"{day} IS NOT NULL", f"year({day})", f"month({day})"))
        if not cases:
            return "CAST(NULL AS INTEGER)", "CAST(NULL AS INTEGER)", "FALSE"
        year = "CASE " + " ".join(f"WHEN {when} THEN {y}" for when, y, _m in cases) + " END"
        month = "CASE " + " ".join(f"WHEN {when} THEN {m}" for when, _y, m in cases) + " END"
        known = "(" + " OR ".join(when for when, _y, _m in cases) + ")"
        return f"CAST({year} AS INTEGER)", f"CAST({month} AS INTEGER)", known

    def key_sql(self, values: dict[str, str]) -> str:
        """`Feed.key_of` in SQL: the key fields as Python writes them, joined by "|"."""
        parts = []
        for name in self.feed.natural_key:
            expression, kind = values[name], self.types[name]
            if kind == "BOOLEAN":
                text = f"CASE WHEN {expression} THEN 'True' ELSE 'False' END"
            else:
                text = f"CAST({expression} AS VARCHAR)"
            parts.append(f"coalesce({text}, '')")
        return " || '|' || ".join(parts)
