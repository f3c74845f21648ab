"""The background worker (django-tasks' database backend, ADR 18), as a thread or a process."""

from __future__ import annotations

import os
import threading

from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from fupin.core import startup

QUEUE = "default"


def uses_database_queue() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def worker(*, interval: float = 1.0, batch: bool = False, name: str = "") -> Worker:
    return Worker(
        queue_names=[QUEUE],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=name or f"fupin-{os.getpid()}",
        excluded_queue_names=[],
    )


def start_worker_thread() -> threading.Thread | None:
    """Run queued tasks in a daemon thread of this process (what `fupin serve` does)."""
    if not uses_database_queue():
        return None
    startup.run_all()
    thread = threading.Thread(
        target=worker(name=f"serve-{os.getpid()}").run, name="fupin-worker", daemon=True
    )
    thread.start()
    return thread
