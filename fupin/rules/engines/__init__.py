"""Engines that run compiled rules: DuckDB (embedded default), PostgreSQL, Spark.

    engine = get_engine("duckdb")
    results = engine.run_arrow(compiled, snapshot=Snapshot(path),
                               screening_date=date(2020, 12, 31),
                               params={"monitoring_income_line": Decimal("6000")})
    # one RuleHits (an Arrow table of subject_id and evidence) per rule; engine.run(…) gives Hits

Engines are imported lazily: pyspark and psycopg load only when their engine is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from fupin.rules.engines.base import Engine
from fupin.rules.engines.hits import Hit, JsonValue, RuleHits, decimal_text, json_value

ENGINES = {
    "duckdb": ("fupin.rules.engines.duckdb_engine", "DuckDBEngine"),
    "postgres": ("fupin.rules.engines.postgres_engine", "PostgresEngine"),
    "spark": ("fupin.rules.engines.spark_engine", "SparkEngine"),
}


def get_engine(name: str, **options: Any) -> Engine:
    """An engine by name ("duckdb", "postgres", "spark"), built with `options`."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    module_name, class_name = ENGINES[name]
    engine_class: type[Engine] = getattr(importlib.import_module(module_name), class_name)
    return engine_class(**options)


__all__ = [
    "ENGINES",
    "Engine",
    "Hit",
    "JsonValue",
    "RuleHits",
    "decimal_text",
    "get_engine",
    "json_value",
]
