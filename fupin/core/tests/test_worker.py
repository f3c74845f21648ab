"""`fupin serve` runs background tasks in a worker thread; `fupin worker` in a process."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from fupin.core import startup, tasks


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def no_waitress(monkeypatch):
    served = []
    monkeypatch.setattr("waitress.serve", lambda app, **options: served.append(options))
    return served


@pytest.fixture
def threads(monkeypatch):
    started = []
    monkeypatch.setattr(tasks, "start_worker_thread", lambda: started.append(True) or object())
    return started


def test_serve_starts_a_worker_thread_by_default(db, database_queue, no_waitress, threads, capsys):
    call_command("serve", port=8123)
    assert threads == [True]
    assert no_waitress[0]["port"] == 8123


def test_serve_no_worker_leaves_the_tasks_to_a_worker_process(
    db, database_queue, no_waitress, threads
):
    call_command("serve", "--no-worker", port=8123)
    assert threads == []


def test_the_worker_thread_is_not_started_without_the_database_queue(db):
    # the tests' ImmediateBackend runs tasks when they are queued: no worker needed
    assert tasks.start_worker_thread() is None


class FakeWorker:
    """Stands for django-tasks-db's worker, whose loop closes the test's database connection
    (the real one runs in the kill test, as `fupin worker --batch` in a process of its own)."""

    def __init__(self, ran, **options):
        self.ran, self.options = ran, options

    def configure_signals(self):
        self.ran.append("signals")

    def run(self):
        self.ran.append("run")

    def reset_signals(self):
        self.ran.append("reset")


def test_worker_runs_the_start_up_hooks_then_what_is_queued(db, database_queue, monkeypatch):
    ran = []
    monkeypatch.setattr(startup, "_HOOKS", [lambda: ran.append("sweep")])
    monkeypatch.setattr(tasks, "worker", lambda **options: FakeWorker(ran, **options))
    call_command("worker", "--batch", "--interval", "0")
    assert ran == ["sweep", "signals", "run", "reset"]


def test_worker_refuses_without_the_database_queue(db):
    with pytest.raises(CommandError):
        call_command("worker", "--batch")
