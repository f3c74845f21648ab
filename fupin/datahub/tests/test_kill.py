"""A process killed in the middle of an import leaves no partial batch (DESIGN non-negotiable 2).

Each test runs `fupin import` in a child process on its own SQLite database, kills it with
SIGKILL while it reads or while it promotes, then starts another fupin process (whose start-up
sweep finds the dead batch) and looks at the database directly.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROWS = 300_000
HEADER = "姓名,身份证号,结算编号,住院/门诊,就诊日期,医疗总费用,报销金额,合规自付\n"


def fupin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fupin", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    """A migrated SQLite database with a small demo township, and a big claims file for it."""
    folder = tmp_path_factory.mktemp("kill")
    database = folder / "township.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "FUPIN_DATAHUB_DIR": str(folder / "datahub"),
        "FUPIN_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    fupin(env, "migrate", "-v", "0")
    fupin(env, "seed-demo", "--households", "40", "--seed", "3")
    with sqlite3.connect(database) as connection:
        people = connection.execute(
            "SELECT name, id_number FROM registry_member WHERE status = 'active'"
        ).fetchall()
    claims = folder / "claims.csv"
    with open(claims, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(ROWS):
            name, number = people[n % len(people)]
            out.write(f"{name},{number},K{n:08d},门诊,2020-03-{n % 28 + 1:02d},100,60,40\n")
    return env, database, claims


def kill_when(env: dict[str, str], claims: Path, phase: str) -> None:
    """Start an import and SIGKILL it as soon as it reports progress in `phase`."""
    child = subprocess.Popen(
        [sys.executable, "-m", "fupin", "import", "medical", str(claims)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith(f"{phase}:") and not line.startswith(f"{phase}: 0 "):
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the import finished before it could be killed"


def last_batch(database: Path) -> tuple[int, str, str]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT id, status, error_code FROM datahub_importbatch ORDER BY id DESC LIMIT 1"
        ).fetchone()


def count(database: Path, sql: str, *params: object) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchone()[0]


@pytest.mark.parametrize("phase", ["reading", "promoting"])
def test_an_import_killed_midway_leaves_no_department_rows_and_its_batch_is_failed(township, phase):
    env, database, claims = township
    # when the import is killed while it reads or while it promotes
    kill_when(env, claims, phase)
    batch_id, status, _code = last_batch(database)
    # then nothing of the batch is in the department table
    rows = "SELECT count(*) FROM datahub_medicalclaim WHERE batch_id = ?"
    assert count(database, rows, batch_id) == 0
    assert status == ("staging" if phase == "reading" else "promoting")
    # when the next fupin process starts (its start-up sweep finds the dead batch)
    fupin(env, "worker", "--batch")
    # then the batch is failed, still with no rows, and nothing half-read is kept
    assert last_batch(database)[1:] == (batch_id, "failed", "interrupted")[1:]
    assert count(database, rows, batch_id) == 0
    if phase == "reading":
        issues = "SELECT count(*) FROM datahub_batchissue WHERE batch_id = ?"
        assert count(database, issues, batch_id) == 0
