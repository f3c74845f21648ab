"""Promote a staged batch into its department table in one transaction, and roll one back.

Promotion inserts the rows whose natural key is new and overwrites the rows whose values
changed, keeping the overwritten values in `ReplacedRow`; unchanged rows are left alone. A
rollback restores what the batch overwrote and deletes what it inserted, unless a later batch
has since overwritten rows of this one (that batch must be rolled back first). ADR 17.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError
from fupin.datahub.feeds import FEEDS
from fupin.datahub.models import ImportBatch, ReplacedRow
from fupin.datahub.pipeline import tables
from fupin.datahub.pipeline.stage import read_staged

Progress = Callable[[int], None]
RESTORE_CHUNK = 2000


@dataclass
class Promoted:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def promote(batch: ImportBatch, progress: Progress) -> Promoted:
    """Write the staged rows (the caller marks the batch promoted in the same transaction)."""
    feed = FEEDS[batch.feed]
    done = Promoted()
    rows_done = 0
    for chunk in read_staged(batch):
        existing = tables.existing_rows(feed, [row[1] for row in chunk])
        inserts: list[tables.Row] = []
        updates: list[tuple[int, tables.Row]] = []
        replaced: list[ReplacedRow] = []
        for row in chunk:
            found = existing.get(row[1])
            if found is None:
                inserts.append(row)
            elif found.values == tuple(row[2:]):
                done.unchanged += 1
            else:
                updates.append((found.row_id, row))
                replaced.append(
                    ReplacedRow(
                        batch_id=batch.pk,
                        table=feed.table,
                        row_id=found.row_id,
                        previous_batch_id=found.batch_id,
                        values=tables.previous_values(feed, found),
                    )
                )
        tables.insert(feed, batch.pk, inserts)
        tables.update(feed, batch.pk, updates)
        ReplacedRow.objects.bulk_create(replaced, batch_size=1000)
        done.new += len(inserts)
        done.updated += len(updates)
        rows_done += len(chunk)
        progress(rows_done)
    return done


def rollback_blocker(batch: ImportBatch) -> int | None:
    """The id of a later batch that overwrote rows of this one, if any."""
    later = ReplacedRow.objects.filter(previous_batch=batch).exclude(batch=batch)
    return later.values_list("batch_id", flat=True).first()


@transaction.atomic
def rollback(batch: ImportBatch) -> tuple[int, int]:
    """Restore the rows the batch overwrote and delete those it inserted: (restored, deleted)."""
    blocker = rollback_blocker(batch)
    if blocker is not None:
        raise DomainError(
            "rollback_blocked",
            _("Batch #%(later)s has since updated rows of this batch; roll it back first.")
            % {"later": blocker},
            status=409,
        )
    feed = FEEDS[batch.feed]
    restored = 0
    pending: list[tuple[int, dict[str, object]]] = []
    for replaced in ReplacedRow.objects.filter(batch=batch).iterator(chunk_size=RESTORE_CHUNK):
        pending.append((replaced.row_id, replaced.values))
        if len(pending) >= RESTORE_CHUNK:
            tables.restore(feed, pending)
            restored += len(pending)
            pending = []
    tables.restore(feed, pending)
    restored += len(pending)
    deleted = tables.delete_batch_rows(feed, batch.pk)
    ReplacedRow.objects.filter(batch=batch).delete()
    return restored, deleted
