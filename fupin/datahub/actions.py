"""Writes of the data hub: one function per use case, each checked, audited and atomic.

Reading a file and promoting a batch take long, so these actions only change the batch's
state and queue the work (`tasks`, after the commit); the `import` command runs the same
steps in its own process instead (`queue=False`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import OrgUnit, User
from fupin.accounts.roles import Capability
from fupin.accounts.scope import scope_root
from fupin.core.errors import DomainError, PermissionDenied
from fupin.datahub import errors, pipeline, storage, tasks
from fupin.datahub.feeds import SOURCES, Source, find_feed
from fupin.datahub.models import BatchStatus, ColumnMapping, ImportBatch
from fupin.datahub.pipeline import promote as promoting
from fupin.datahub.selectors import can_import
from fupin.registry.national.export import check_year
from fupin.tabular import detect
from fupin.tabular.values import parse_period

MAX_HEADER_LENGTH = 100


def sweep_stale_batches() -> int:
    """Fail the batches a killed process left half done (run when a fupin process starts)."""
    return pipeline.sweep()


# ---- guards -------------------------------------------------------------------------------


def _require(actor: User | None, capability: str) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied()


def _feed_for(actor: User | None, code: str) -> Source:
    feed = find_feed(code or "")
    if feed is None:
        raise errors.unknown_feed(code)
    if actor is not None and not can_import(actor, feed):
        raise errors.not_your_feed()
    return feed


def _unit_for(actor: User | None, unit: OrgUnit | None) -> OrgUnit:
    """The unit a batch is imported for: the actor's scope (a township, a county)."""
    root = scope_root(actor) if actor is not None else unit
    if root is None:
        raise PermissionDenied()
    return root


def _lock(batch: ImportBatch, *states: str) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().select_related("org_unit").get(pk=batch.pk)
    if locked.status not in states:
        raise errors.wrong_state(
            _("The batch is “%(status)s”; this cannot be done now.")
            % {"status": locked.get_status_display()}
        )
    return locked


def parse_batch_period(text: str | None) -> tuple[int | None, int | None]:
    if not text or not text.strip():
        return None, None
    try:
        return parse_period(text)
    except DomainError:
        raise errors.invalid_period() from None


def clean_columns(feed: Source, columns: Any) -> dict[str, str]:
    """A mapping {field: source header or =constant}, checked against the feed's fields."""
    if not isinstance(columns, dict) or not columns:
        raise DomainError(
            "invalid_mapping", _("Map at least one column to a field."), field="columns"
        )
    fields = {column.field for column in feed.columns}
    clean: dict[str, str] = {}
    for name, header in columns.items():
        if name not in fields:
            raise DomainError(
                "unknown_field", _("Unknown field: %(field)s") % {"field": name}, field="columns"
            )
        text = str(header or "").strip()
        if text and len(text) <= MAX_HEADER_LENGTH:
            clean[name] = text
    if not clean:
        raise DomainError(
            "invalid_mapping", _("Map at least one column to a field."), field="columns"
        )
    return clean


# ---- batches ------------------------------------------------------------------------------


@transaction.atomic
def batch_upload(
    *,
    actor: User | None,
    feed: str,
    file_name: str,
    chunks: Iterable[bytes],
    period: str | None = None,
    mapping: str | None = None,
    unit: OrgUnit | None = None,
    dry_run: bool = False,
    queue: bool = True,
) -> ImportBatch:
    """Receive a department file (部门数据导入) and queue it to be read and checked."""
    _require(actor, Capability.IMPORT_FEEDS)
    chosen = _feed_for(actor, feed)
    org_unit = _unit_for(actor, unit)
    year, month = parse_batch_period(period)
    if chosen.writes_registry and year is not None:
        check_year(year)  # the year of the income columns
    columns, mapping_name = _saved_columns(org_unit, chosen, mapping)
    received = storage.receive(chunks)
    try:
        with open(received.path, "rb") as stream:
            detect.detect_kind(stream)
    except DomainError:
        storage.remove(received.path)
        raise
    batch = ImportBatch.objects.create(
        feed=chosen.code,
        file_name=file_name[:255],
        sha256=received.sha256,
        size=received.size,
        period_year=year,
        period_month=month,
        org_unit=org_unit,
        uploaded_by=actor,
        mapping=columns,
        mapping_name=mapping_name,
        dry_run=dry_run,
    )
    batch.stored_path = str(storage.keep_upload(received, batch.pk, file_name))
    batch.save(update_fields=["stored_path"])
    audit.record(
        actor=actor,
        action="batch.upload",
        target=batch,
        org_unit=org_unit,
        changes={"feed": [None, chosen.code], "file_name": [None, batch.file_name]},
    )
    if queue:
        transaction.on_commit(lambda: tasks.stage_batch.enqueue(batch.pk))
    return batch


def _saved_columns(unit: OrgUnit, feed: Source, name: str | None) -> tuple[dict[str, str], str]:
    if not name:
        return {}, ""
    saved = ColumnMapping.objects.filter(
        org_unit__in=[unit, *unit_ancestors(unit)], feed=feed.code, name=name.strip()
    ).first()
    if saved is None:
        raise errors.unknown_mapping(name)
    return dict(saved.columns), saved.name


def unit_ancestors(unit: OrgUnit) -> list[OrgUnit]:
    codes = [code for code in unit.path.split("/") if code]
    return list(OrgUnit.objects.filter(code__in=codes[:-1]))


@transaction.atomic
def batch_remap(
    *,
    actor: User,
    batch: ImportBatch,
    columns: dict[str, str] | None = None,
    mapping: str | None = None,
    save_as: str = "",
    queue: bool = True,
) -> ImportBatch:
    """Read a batch again with its columns mapped by hand or by a saved mapping (对应列)."""
    _require(actor, Capability.IMPORT_FEEDS)
    feed = _feed_for(actor, batch.feed)
    locked = _lock(batch, BatchStatus.NEEDS_MAPPING, BatchStatus.STAGED, BatchStatus.FAILED)
    if mapping:
        chosen, name = _saved_columns(locked.org_unit, feed, mapping)
    else:
        chosen, name = clean_columns(feed, columns), ""
    if save_as.strip():
        name = mapping_save(actor=actor, feed=feed.code, name=save_as, columns=chosen).name
    before = {"mapping": locked.mapping, "status": locked.status}
    locked.mapping, locked.mapping_name = chosen, name
    locked.status, locked.owner = BatchStatus.RECEIVED, ""
    locked.save()
    storage.remove(storage.staging_path(locked.pk))
    audit.record(
        actor=actor,
        action="batch.remap",
        target=locked,
        org_unit=locked.org_unit,
        changes=audit.diff(before, {"mapping": chosen, "status": locked.status}),
    )
    if queue:
        transaction.on_commit(lambda: tasks.stage_batch.enqueue(locked.pk))
    return locked


@transaction.atomic
def batch_promote(*, actor: User | None, batch: ImportBatch, queue: bool = True) -> ImportBatch:
    """Promote a checked batch into the department data (入库), all rows or none."""
    _require(actor, Capability.IMPORT_FEEDS)
    _feed_for(actor, batch.feed)
    locked = _lock(batch, BatchStatus.STAGED)
    if locked.dry_run:
        raise errors.wrong_state(_("A dry run is only checked, never promoted."))
    locked.status, locked.owner, locked.promoted_by = BatchStatus.PROMOTING, "", actor
    locked.save()
    audit.record(
        actor=actor,
        action="batch.promote",
        target=locked,
        org_unit=locked.org_unit,
        changes={"status": [BatchStatus.STAGED.value, BatchStatus.PROMOTING.value]},
    )
    if queue:
        transaction.on_commit(lambda: tasks.promote_batch.enqueue(locked.pk))
    return locked


@transaction.atomic
def batch_discard(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Drop a batch that was not promoted (放弃); its record and error report stay."""
    _require(actor, Capability.IMPORT_FEEDS)
    _feed_for(actor, batch.feed)
    locked = _lock(
        batch,
        BatchStatus.STAGED,
        BatchStatus.NEEDS_MAPPING,
        BatchStatus.FAILED,
        BatchStatus.RECEIVED,
    )
    before = locked.status
    locked.status = BatchStatus.DISCARDED
    locked.save()
    storage.remove(storage.staging_path(locked.pk))
    audit.record(
        actor=actor,
        action="batch.discard",
        target=locked,
        org_unit=locked.org_unit,
        changes={"status": [before, locked.status]},
    )
    return locked


@transaction.atomic
def batch_rollback(*, actor: User | None, batch: ImportBatch, reason: str) -> ImportBatch:
    """Undo a promoted batch (撤销导入): rows it added removed, rows it changed restored."""
    _require(actor, Capability.ROLLBACK_IMPORTS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("required", _("Give the reason for the rollback."), field="reason")
    locked = _lock(batch, BatchStatus.PROMOTED)
    if SOURCES[locked.feed].writes_registry:
        raise DomainError(
            "rollback_not_possible",
            _(
                "An import of the national system's export changed the registry itself; it "
                "cannot be rolled back. Each change is in the household's history, with this "
                "batch as its reason: correct the households there."
            ),
            status=409,
        )
    restored, deleted = promoting.rollback(locked)
    locked.status, locked.rolled_back_by = BatchStatus.ROLLED_BACK, actor
    locked.rollback_reason = reason
    locked.save()
    audit.record(
        actor=actor,
        action="batch.rollback",
        target=locked,
        org_unit=locked.org_unit,
        changes={
            "status": ["promoted", "rolled_back"],
            "restored": [None, restored],
            "deleted": [None, deleted],
        },
        reason=reason,
    )
    return locked


# ---- saved mappings -----------------------------------------------------------------------


def _check_name(unit: OrgUnit, feed: str, name: str, mapping: ColumnMapping | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise DomainError(
            "required", _("Give the mapping a name (at most 64 characters)."), field="name"
        )
    clashes = ColumnMapping.objects.filter(org_unit=unit, feed=feed, name=name)
    if mapping is not None:
        clashes = clashes.exclude(pk=mapping.pk)
    if clashes.exists():
        raise DomainError(
            "duplicate_name", _("A mapping of this feed has this name."), field="name"
        )
    return name


@transaction.atomic
def mapping_save(*, actor: User, feed: str, name: str, columns: Any) -> ColumnMapping:
    """Save a department's own column layout for a feed (保存列对应)."""
    _require(actor, Capability.IMPORT_FEEDS)
    chosen = _feed_for(actor, feed)
    unit = _unit_for(actor, None)
    mapping = ColumnMapping.objects.create(
        name=_check_name(unit, chosen.code, name, None),
        feed=chosen.code,
        columns=clean_columns(chosen, columns),
        org_unit=unit,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="mapping.save",
        target=mapping,
        org_unit=unit,
        changes={"name": [None, mapping.name], "columns": [None, mapping.columns]},
    )
    return mapping


@transaction.atomic
def mapping_update(
    *, actor: User, mapping: ColumnMapping, name: str, columns: Any
) -> ColumnMapping:
    _require(actor, Capability.IMPORT_FEEDS)
    feed = _feed_for(actor, mapping.feed)
    locked = ColumnMapping.objects.select_for_update().get(pk=mapping.pk)
    before = {"name": locked.name, "columns": locked.columns}
    locked.name = _check_name(locked.org_unit, feed.code, name, locked)
    locked.columns = clean_columns(feed, columns)
    locked.save()
    audit.record(
        actor=actor,
        action="mapping.update",
        target=locked,
        org_unit=locked.org_unit,
        changes=audit.diff(before, {"name": locked.name, "columns": locked.columns}),
    )
    return locked


@transaction.atomic
def mapping_delete(*, actor: User, mapping: ColumnMapping) -> None:
    _require(actor, Capability.IMPORT_FEEDS)
    _feed_for(actor, mapping.feed)
    audit.record(
        actor=actor,
        action="mapping.delete",
        target=mapping,
        org_unit=mapping.org_unit,
        changes={"name": [mapping.name, None]},
    )
    mapping.delete()
