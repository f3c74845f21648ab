"""Promote a staged batch into its department table in one transaction, and roll one back.

Promotion takes the feed's lock, then goes through the staged rows a part at a time
(`compare`): it inserts the rows whose natural key is new and overwrites the rows whose values
changed, keeping the overwritten values in `ReplacedRow`; unchanged rows are left alone. A
rollback restores what the batch overwrote and deletes what it inserted, unless a later batch
has since overwritten rows of this one (that batch must be rolled back first). ADR 17.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError
from fupin.datahub.feeds import FEEDS, Feed
from fupin.datahub.models import ImportBatch, ReplacedRow
from fupin.datahub.pipeline import compare, store, tables

Progress = Callable[[int], None]
RESTORE_CHUNK = 2000
LOCK_NAMESPACE = 0x66757069  # "fupi": the first key of the data hub's advisory locks


@dataclass
class Promoted:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def feed_lock_key(feed: Feed) -> tuple[int, int]:
    """The two int4 keys of the feed's advisory lock on PostgreSQL (stable across processes)."""
    key = zlib.crc32(feed.table.encode())
    return LOCK_NAMESPACE, key - (1 << 32) if key >= 1 << 31 else key


def lock_feed(feed: Feed, batch: ImportBatch) -> None:
    """Only one promotion (or rollback) of a feed at a time, until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on the feed, so a second promotion waits
    for the first to commit and then compares with what it wrote. SQLite has one writer at a
    time already; a first write takes that lock now, before the table is read, so that the
    comparison cannot be made on a snapshot another writer is about to change.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(feed_lock_key(feed)))
        else:
            ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=batch.heartbeat_at)


def promote(batch: ImportBatch, progress: Progress) -> Promoted:
    """Write the staged rows (the caller marks the batch promoted in the same transaction)."""
    feed = FEEDS[batch.feed]
    lock_feed(feed, batch)
    done = Promoted()
    rows_done = 0
    with store.attached(batch.pk) as duck:
        for part in compare.parts(duck, feed, promote_as=batch.pk):
            if part.new is not None:
                tables.insert(feed, part.new)
            tables.update(feed, [(row_id, row) for row_id, row, _old in part.updated])
            ReplacedRow.objects.bulk_create(
                [
                    ReplacedRow(
                        batch_id=batch.pk,
                        table=feed.table,
                        row_id=row_id,
                        previous_batch_id=old["batch_id"],
                        values=old,
                    )
                    for row_id, _row, old in part.updated
                ],
                batch_size=1000,
            )
            done.new += part.new_count
            done.updated += part.updated_count
            done.unchanged += part.unchanged
            rows_done += part.size
            progress(rows_done)
    return done


def rollback_blocker(batch: ImportBatch) -> int | None:
    """The id of a later batch that overwrote rows of this one, if any."""
    later = ReplacedRow.objects.filter(previous_batch=batch).exclude(batch=batch)
    return later.values_list("batch_id", flat=True).first()


@transaction.atomic
def rollback(batch: ImportBatch) -> tuple[int, int]:
    """Restore the rows the batch overwrote and delete those it inserted: (restored, deleted)."""
    feed = FEEDS[batch.feed]
    lock_feed(feed, batch)
    blocker = rollback_blocker(batch)
    if blocker is not None:
        raise DomainError(
            "rollback_blocked",
            _("Batch #%(later)s has since updated rows of this batch; roll it back first.")
            % {"later": blocker},
            status=409,
        )
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
