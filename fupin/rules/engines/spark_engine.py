"""Apache Spark (pyspark): for a province that outgrows one machine.

Reads the snapshot's Parquet files as temporary views with per-run names, so runs sharing
one SparkSession never see each other's data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pyarrow as pa
from pyspark.sql import SparkSession

from fupin.rules.catalog import MONEY_PRECISION, MONEY_SCALE, Kind, Table
from fupin.rules.engines.base import Engine, Execute, load_dialect
from fupin.rules.language.typed import Type
from fupin.rules.snapshot import Snapshot

SPARK_TYPES = {
    Kind.TEXT: "STRING",
    Kind.CODE: "STRING",
    Kind.INTEGER: "BIGINT",
    Kind.DECIMAL: f"DECIMAL({MONEY_PRECISION}, {MONEY_SCALE})",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.DATE: "DATE",
}


def local_session(cores: int = 2, driver_memory: str = "1g") -> SparkSession:
    """A small local SparkSession (no web UI); reused if one is already running."""
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("fupin-screening")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.session.timeZone", "Asia/Shanghai")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_schema(table: Table) -> str:
    """The table's schema as Spark DDL, so reading needs no schema inference."""
    return ", ".join(f"`{c.name}` {SPARK_TYPES[c.kind]}" for c in table.columns.values())


class SparkEngine(Engine):
    name = "spark"
    dialect = "spark"

    def __init__(self, session: SparkSession | None = None) -> None:
        load_dialect(self.dialect)
        self._spark = session

    @property
    def spark(self) -> SparkSession:
        if self._spark is None:
            self._spark = local_session()
        return self._spark

    @contextmanager
    def session(
        self, snapshot: Snapshot | None, tables: frozenset[str]
    ) -> Iterator[tuple[Execute, Mapping[str, str]]]:
        if snapshot is None:
            raise ValueError("the Spark engine reads a snapshot")
        prefix = f"fupin_{uuid.uuid4().hex[:12]}"
        views = {name: f"{prefix}_{name}" for name in sorted(tables)}
        try:
            for name, view in views.items():
                schema = spark_schema(snapshot.catalog.snapshot_tables[name])
                frame = self.spark.read.schema(schema).parquet(str(snapshot.table_path(name)))
                frame.createOrReplaceTempView(view)

            def execute(text: str, columns: Mapping[str, Type]) -> pa.Table:
                return self.spark.sql(text).toArrow()

            yield execute, views
        finally:
            for view in views.values():
                self.spark.catalog.dropTempView(view)
