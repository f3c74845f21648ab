"""Promote a staged national batch: each chunk of households planned again on the registry as
it now is, then written (fupin.registry.national.apply), all in the caller's one transaction.

If the registry changed since the file was checked so that a staged row would now be refused
(someone registered one of its people in another household, say), the whole promotion stops
and nothing of it stays: the batch fails with the row and the reason, to be read again.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fupin.core.errors import DomainError
from fupin.datahub.models import ImportBatch
from fupin.datahub.national.stage import read_staged
from fupin.datahub.pipeline.promote import Progress, Promoted
from fupin.registry.national.apply import Writer
from fupin.registry.national.load import Outcome, Planner
from fupin.registry.national.rows import PersonRow, Problem


def reason_for(batch: ImportBatch) -> str:
    """The reason every audit event and status change of the import gives (in Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("National monitoring system import, batch #%(batch)s (%(file)s)") % {
            "batch": batch.pk,
            "file": batch.file_name,
        }


def promote(batch: ImportBatch, progress: Progress) -> Promoted:
    year = int(batch.period_year or 0)
    planner = Planner(unit=batch.org_unit, year=year, today=timezone.localdate())
    writer = Writer(
        actor=batch.promoted_by or batch.uploaded_by, reason=reason_for(batch), year=year
    )
    done = Promoted()
    rows_done = 0
    for groups, sizes in read_staged(batch):
        plan = planner.plan(groups, sizes)
        if plan.refusals:
            raise registry_changed(*plan.refusals[0])
        writer.apply(plan)
        for result in plan.results:
            done.new += result.outcome == Outcome.NEW
            done.updated += result.outcome == Outcome.UPDATED
            done.unchanged += result.outcome == Outcome.UNCHANGED
        rows_done += len(plan.results)
        progress(rows_done)
    return done


def registry_changed(row: PersonRow, problem: Problem) -> DomainError:
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "The registry has changed since the file was checked: row %(row)s would now be "
            "refused (%(reason)s). Nothing was promoted; upload the file again."
        ) % {"row": row.row, "reason": problem.text()}
    return DomainError("registry_changed", message, status=409)
