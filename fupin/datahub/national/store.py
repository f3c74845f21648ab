"""The checked rows of a national file, on disk, grouped by household.

A household's rows may be anywhere in the file, so they are kept in a throw-away SQLite file
while the file is read (memory stays flat however long the file) and read back a household at
a time. The same person twice is found here too: every row after the first with an ID number
is a duplicate.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from fupin.registry.national.rows import PersonRow

CACHE_KIB = 8192


@dataclass
class Duplicate:
    row: int
    first: int
    id_number: str
    name: str
    cells: list[str | None]


@dataclass
class Chunk:
    """Households of the file (rows in file order), with each household's size and the cells
    of its rows as read (for the error report)."""

    groups: list[list[PersonRow]]
    sizes: dict[str, int]
    cells: dict[int, list[str | None]]
    refused_heads: dict[str, int]  # household ▸ its head's row, refused when read


class GroupStore:
    def __init__(self) -> None:
        self.file = tempfile.NamedTemporaryFile(prefix="fupin-national-", suffix=".sqlite3")  # noqa: SIM115
        self.db = sqlite3.connect(self.file.name, isolation_level=None)
        self.db.executescript(
            f"""PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA cache_size = -{CACHE_KIB}; PRAGMA temp_store = FILE;
            CREATE TABLE person (row INTEGER PRIMARY KEY, key TEXT NOT NULL,
                id_number TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,
                cells BLOB NOT NULL);
            CREATE TABLE refused (key TEXT NOT NULL, head_row INTEGER);"""
        )
        self.pending: list[tuple[Any, ...]] = []
        self.refused: list[tuple[str, int | None]] = []

    def add(self, row: PersonRow, cells: list[str | None]) -> None:
        # pickle: the file is this process's own scratch space, and pickle is fast
        data = pickle.dumps(row.values, pickle.HIGHEST_PROTOCOL)
        cells_data = pickle.dumps(cells, pickle.HIGHEST_PROTOCOL)
        self.pending.append((row.row, row.key, row.id_number, row.name, data, cells_data))
        if len(self.pending) >= 5000:
            self.flush()

    def add_refused(self, key: str, head_row: int | None) -> None:
        """A refused row still counts in its household's size (for 人均纯收入); a refused head
        row is remembered, to name it when its household's other rows are refused."""
        if key:
            self.refused.append((key, head_row))

    def flush(self) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO person VALUES (?, ?, ?, ?, ?, ?)", self.pending)
        self.db.executemany("INSERT INTO refused VALUES (?, ?)", self.refused)
        self.db.execute("COMMIT")
        self.pending, self.refused = [], []

    def finish(self) -> None:
        self.flush()
        self.db.executescript(
            """CREATE INDEX person_id ON person (id_number, row);
            CREATE TABLE duplicate AS SELECT p.row AS row, f.first AS first
              FROM person p JOIN (SELECT id_number, MIN(row) AS first FROM person
                                  GROUP BY id_number HAVING COUNT(*) > 1) f
                ON p.id_number = f.id_number AND p.row > f.first;
            CREATE UNIQUE INDEX duplicate_row ON duplicate (row);
            CREATE INDEX person_key ON person (key, row);"""
        )

    def duplicates(self) -> Iterator[Duplicate]:
        query = """SELECT p.row, d.first, p.id_number, p.name, p.cells
                   FROM duplicate d JOIN person p ON p.row = d.row ORDER BY p.row"""
        for row, first, number, name, cells in self.db.execute(query):
            yield Duplicate(row, first, number, name, pickle.loads(cells))

    def sizes(self, keys: list[str]) -> dict[str, int]:
        marks = ",".join("?" * len(keys))
        sizes = dict.fromkeys(keys, 0)
        for table, extra in (
            ("person", "AND row NOT IN (SELECT row FROM duplicate)"),
            ("refused", ""),
        ):
            query = f"SELECT key, COUNT(*) FROM {table} WHERE key IN ({marks}) {extra} GROUP BY key"
            for key, count in self.db.execute(query, keys):
                sizes[key] += count
        return sizes

    def households(self, chunk: int) -> Iterator[Chunk]:
        """The households, `chunk` at a time, by key; duplicates left out."""
        query = """SELECT row, key, data, cells FROM person
                   WHERE row NOT IN (SELECT row FROM duplicate) ORDER BY key, row"""
        groups: list[list[PersonRow]] = []
        cells: dict[int, list[str | None]] = {}
        for row, key, data, cells_data in self.db.execute(query):
            if not groups or groups[-1][0].key != key:
                if len(groups) == chunk:
                    yield self._chunk(groups, cells)
                    groups, cells = [], {}
                groups.append([])
            groups[-1].append(PersonRow(row, key, pickle.loads(data)))
            cells[row] = pickle.loads(cells_data)
        if groups:
            yield self._chunk(groups, cells)

    def _chunk(self, groups: list[list[PersonRow]], cells: dict[int, list[str | None]]) -> Chunk:
        keys = [group[0].key for group in groups]
        return Chunk(groups, self.sizes(keys), cells, self.refused_heads(keys))

    def refused_heads(self, keys: list[str]) -> dict[str, int]:
        marks = ",".join("?" * len(keys))
        query = f"""SELECT key, MIN(head_row) FROM refused
                    WHERE key IN ({marks}) AND head_row IS NOT NULL GROUP BY key"""
        return dict(self.db.execute(query, keys).fetchall())

    def close(self) -> None:
        self.db.close()
        self.file.close()

    def __enter__(self) -> GroupStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
