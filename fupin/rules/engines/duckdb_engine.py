"""DuckDB: the embedded default. Reads the snapshot's Parquet files through views."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from fupin.rules.engines.base import Engine, Execute, load_dialect
from fupin.rules.language.typed import Type
from fupin.rules.snapshot import Snapshot


class DuckDBEngine(Engine):
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        load_dialect(self.dialect)
        # Offline intranet: never fetch or auto-load extensions (Parquet is built in).
        self.config: dict[str, Any] = {
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
        if threads is not None:
            self.config["threads"] = threads
        if memory_limit is not None:
            self.config["memory_limit"] = memory_limit

    @contextmanager
    def session(
        self, snapshot: Snapshot | None, tables: frozenset[str]
    ) -> Iterator[tuple[Execute, Mapping[str, str]]]:
        if snapshot is None:
            raise ValueError("the DuckDB engine reads a snapshot")
        connection = duckdb.connect(":memory:", config=self.config)
        try:
            for name in sorted(tables):
                connection.read_parquet(str(snapshot.table_path(name))).create_view(name)

            def execute(sql: str, columns: Mapping[str, Type]) -> pa.Table:
                return connection.sql(sql).to_arrow_table()

            yield execute, {}
        finally:
            connection.close()
