"""The natural keys seen so far in a file, on disk: duplicate detection in flat memory.

A million-row file has a million keys; kept in a Python dict they would cost ~100 MB. They go
to a throw-away SQLite file instead (its page cache bounded), a chunk of rows at a time: one
look-up of the chunk's keys, one insert of the new ones. A key is stored as its 64-bit hash
with the row it first came in (a false duplicate needs two keys of one file to share a 64-bit
hash: about one chance in 10^7 for a million rows).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from types import TracebackType

LOOKUP = 900  # hashes per IN (...): within SQLite's oldest parameter limit
CACHE_KIB = 8192


class KeyIndex:
    def __init__(self) -> None:
        self.file = tempfile.NamedTemporaryFile(prefix="fupin-keys-", suffix=".sqlite3")  # noqa: SIM115
        self.db = sqlite3.connect(self.file.name, isolation_level=None)
        self.db.executescript(
            f"""PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA cache_size = -{CACHE_KIB}; PRAGMA temp_store = FILE;
            CREATE TABLE seen (hash INTEGER PRIMARY KEY, row INTEGER NOT NULL);"""
        )

    def first_rows(self, hashes: Sequence[int]) -> dict[int, int]:
        """hash ▸ the row it first came in, for the hashes seen before."""
        found: dict[int, int] = {}
        for start in range(0, len(hashes), LOOKUP):
            chunk = hashes[start : start + LOOKUP]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT hash, row FROM seen WHERE hash IN ({marks})"
            found.update(self.db.execute(query, chunk).fetchall())
        return found

    def add(self, entries: Iterable[tuple[int, int]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO seen (hash, row) VALUES (?, ?)", entries)
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()
        self.file.close()

    def __enter__(self) -> KeyIndex:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
