"""Background tasks of screening (django-tasks, ADR 0018): a queued run, executed to its end."""

from __future__ import annotations

from django_tasks import task

from fupin.screening.runs import execute_run


@task()
def run_screening(run_id: int) -> None:
    """Execute a queued screening run; progress is written to the run row as rules finish."""
    execute_run(run_id)
