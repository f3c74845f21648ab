"""Engines for the rule tests: DuckDB, PostgreSQL (127.0.0.1:5432) and one shared Spark session.

PostgreSQL is found through FUPIN_RULES_PG_URL, else postgresql://postgres@127.0.0.1:5432/postgres
(the engine only creates temporary tables, so the maintenance database is fine). Every machine
fupin is tested on runs one; if none answers, the engine tests fail and say where they looked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from fupin.rules.engines import Engine, get_engine

ENGINE_NAMES = ("duckdb", "postgres", "spark")
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_url() -> str:
    return os.environ.get("FUPIN_RULES_PG_URL") or DEFAULT_PG_URL


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = postgres_url()
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        raise RuntimeError(
            f"PostgreSQL is not reachable at {url} (set FUPIN_RULES_PG_URL): {error}"
        ) from None
    return url


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    from fupin.rules.engines.spark_engine import local_session

    session = local_session(cores=2)
    yield session
    session.stop()
    # py4j says goodbye from __del__ at exit, after pytest has closed the captured streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)


@pytest.fixture(params=ENGINE_NAMES)
def engine(request: pytest.FixtureRequest) -> Engine:
    return make_engine(request, request.param)


def make_engine(request: pytest.FixtureRequest, name: str) -> Engine:
    if name == "postgres":
        return get_engine("postgres", conninfo=request.getfixturevalue("pg_url"))
    if name == "spark":
        return get_engine("spark", session=request.getfixturevalue("spark_session"))
    return get_engine(name)
