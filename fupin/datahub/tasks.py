"""Background tasks of the data hub (django-tasks, ADR 18): reading and promoting a batch."""

from __future__ import annotations

from django_tasks import task

from fupin.datahub import pipeline


@task()
def stage_batch(batch_id: int) -> None:
    """Read, check and stage an uploaded file (the batch must be waiting to be read)."""
    pipeline.run_staging(batch_id)


@task()
def promote_batch(batch_id: int) -> None:
    """Promote a staged batch in one transaction (the batch must be marked promoting)."""
    pipeline.run_promotion(batch_id)
