"""Reads of the data hub. Every function takes the user and returns only what they may see.

Batches belong to the unit they were imported for (a township, or a county); a user sees the
batches of the units in their scope, department staff only those of their department's feeds.
Village roles and helper cadres see none: they work on findings, not on imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.accounts.roles import Capability, Role
from fupin.accounts.scope import scope_root
from fupin.core import ids
from fupin.core.errors import NotFound
from fupin.core.masking import mask_id_number
from fupin.datahub import storage
from fupin.datahub.feeds import FEEDS, NATIONAL, SOURCES, Feed, Source, department_code
from fupin.datahub.models import BatchIssue, BatchStatus, ColumnMapping, ImportBatch, IssueKind
from fupin.datahub.national.stage import read_preview
from fupin.datahub.pipeline import tables
from fupin.datahub.pipeline.report import mask_cell
from fupin.datahub.pipeline.stage import read_staged
from fupin.registry.models import Member, MemberStatus
from fupin.registry.national.load import Outcome
from fupin.registry.national.refusals import display_key
from fupin.registry.selectors import can_see_sensitive, members_visible_to

SAMPLE_ROWS = 10
CANDIDATES = 5


def feeds_of(user: User) -> list[Feed]:
    """The feeds a user works with: a department's own, or all of them."""
    if user.role == Role.DEPARTMENT_STAFF:
        code = department_code(user.org_unit.code) if user.org_unit else ""
        return [feed for feed in FEEDS.values() if code in feed.department_codes]
    return list(FEEDS.values())


def sources_of(user: User) -> list[Source]:
    """What a user's files can be imported as: their feeds, and for the offices (not a
    department) the national monitoring system's export, which loads the registry."""
    if user.role == Role.DEPARTMENT_STAFF:
        return list(feeds_of(user))
    return list(SOURCES.values())


def can_import(user: User, feed: Source) -> bool:
    return user.can(Capability.IMPORT_FEEDS) and feed in sources_of(user)


def importable_feeds(user: User) -> list[Source]:
    return sources_of(user) if user.can(Capability.IMPORT_FEEDS) else []


def batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """The import batches a user may see at all (denied by default)."""
    root = scope_root(user) if user.is_authenticated else None
    if root is None or not user.can(Capability.VIEW_IMPORTS):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.filter(org_unit__path__startswith=root.path)
    if user.role == Role.DEPARTMENT_STAFF:
        batches = batches.filter(feed__in=[feed.code for feed in feeds_of(user)])
    return batches


def batch_list(*, user: User, feed: str = "", status: str = "") -> QuerySet[ImportBatch]:
    """批次 list: newest first, filtered by feed and status."""
    batches = batches_visible_to(user).select_related("uploaded_by", "org_unit")
    if feed:
        batches = batches.filter(feed=feed)
    if status:
        batches = batches.filter(status=status)
    return batches.order_by("-created_at", "-id")


def batch_get(*, user: User, batch_id: int) -> ImportBatch:
    """One batch the user may see, or NotFound (with no hint whether it exists)."""
    batch = (
        batches_visible_to(user)
        .select_related("uploaded_by", "org_unit", "same_file_as", "promoted_by", "rolled_back_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound()
    return batch


def mappings_visible_to(user: User) -> QuerySet[ColumnMapping]:
    """Saved column mappings of the units in scope (department staff: of their feeds)."""
    root = scope_root(user) if user.is_authenticated else None
    if root is None or not user.can(Capability.VIEW_IMPORTS):
        return ColumnMapping.objects.none()
    codes = [feed.code for feed in sources_of(user)]
    return ColumnMapping.objects.filter(org_unit__path__startswith=root.path, feed__in=codes)


def mapping_get(*, user: User, mapping_id: int) -> ColumnMapping:
    mapping = mappings_visible_to(user).filter(pk=mapping_id).first()
    if mapping is None:
        raise NotFound()
    return mapping


# ---- what a batch holds -------------------------------------------------------------------


def show_id(user: User, number: str) -> str:
    return number if can_see_sensitive(user) else mask_id_number(number)


def sample_rows(
    *, user: User, batch: ImportBatch, limit: int = SAMPLE_ROWS
) -> list[dict[str, Any]]:
    """The first rows the batch stages (or promoted), as {column: value}, ID numbers masked
    unless the user may see them."""
    if batch.feed == NATIONAL.code:
        return national_sample(user=user, batch=batch)
    feed = FEEDS[batch.feed]
    columns = ["source_row", "natural_key", *tables.stored_columns(feed)]
    rows: list[list[Any]] = []
    if batch.status in ("staged", "promoting"):
        try:
            rows = next(iter(read_staged(batch)), [])[:limit]
        except FileNotFoundError:
            rows = []
    elif batch.status == "promoted":
        query = feed.model._default_manager.filter(batch=batch).order_by("source_row")
        rows = [list(row) for row in query.values_list(*columns)[:limit]]
    samples = [dict(zip(columns, row, strict=True)) for row in rows]
    for sample in samples:
        sample["id_number"] = show_id(user, sample["id_number"])
        sample.pop("natural_key")
        sample.pop("person_id")
    return samples


def national_sample(*, user: User, batch: ImportBatch) -> list[dict[str, Any]]:
    """The first rows of a national file and what each would do (did) to the registry."""
    labels = {
        Outcome.NEW: _("new record"),
        Outcome.UPDATED: _("updated record"),
        Outcome.UNCHANGED: _("unchanged record"),
    }
    return [
        {
            "source_row": item["row"],
            "id_number": show_id(user, item["id_number"]),
            "name": item["name"],
            "household": display_key(item["household"]),
            "outcome": str(labels.get(item["outcome"], item["outcome"])),
            "changes": "、".join(item["changes"]),
        }
        for item in read_preview(batch).get("sample", [])
    ]


def national_households(batch: ImportBatch) -> dict[str, int]:
    """户 new, updated and unchanged by a national batch (as staged)."""
    return dict(read_preview(batch).get("households", {}))


def promotion_progress(batch: ImportBatch) -> int | None:
    """While a batch is promoted: the rows written so far (its transaction shows nothing to
    others until it commits, so the promoting process keeps the count in a file); else None."""
    if batch.status != BatchStatus.PROMOTING:
        return None
    return storage.read_progress(batch.pk) or 0


def batch_issues(
    *, user: User, batch: ImportBatch, kind: str = "", limit: int = 50
) -> list[BatchIssue]:
    issues = BatchIssue.objects.filter(batch=batch).order_by("row_number")
    if kind:
        issues = issues.filter(kind=kind)
    found = list(issues[:limit])
    sensitive = can_see_sensitive(user)
    for issue in found:
        issue.id_number = show_id(user, issue.id_number)
        if not sensitive:
            issue.cells = [mask_cell(cell) for cell in issue.cells]
    return found


@dataclass
class Unmatched:
    issue: BatchIssue
    birth_date: dt.date | None
    candidates: list[dict[str, Any]] = field(default_factory=list)


def unmatched_rows(*, user: User, batch: ImportBatch, limit: int = 50) -> list[Unmatched]:
    """Rows whose person is not in the registry, each with members of the same name or birth
    date as candidates (within what the user may see)."""
    issues = BatchIssue.objects.filter(batch=batch, kind=IssueKind.UNMATCHED)
    found = []
    for issue in issues.order_by("row_number")[:limit]:
        birth = birth_date_of(issue.id_number)
        found.append(Unmatched(issue, birth, candidates(user=user, name=issue.name, birth=birth)))
        issue.id_number = show_id(user, issue.id_number)
    return found


def birth_date_of(number: str) -> dt.date | None:
    try:
        return ids.parse(number).birth_date
    except ids.InvalidIdNumber:
        return None


def candidates(*, user: User, name: str, birth: dt.date | None) -> list[dict[str, Any]]:
    """Members of the same name or birth date: both first, then by name."""
    match = Q(name=name) if name else Q(pk__in=[])
    if birth is not None:
        match |= Q(birth_date=birth)
    members = (
        members_visible_to(user)
        .filter(match, status=MemberStatus.ACTIVE)
        .select_related("household__village")
        .order_by("name", "id")[: CANDIDATES * 4]
    )
    ranked = sorted(members, key=lambda m: -((m.name == name) + (m.birth_date == birth)))
    return [candidate(user, member, name, birth) for member in ranked[:CANDIDATES]]


def candidate(user: User, member: Member, name: str, birth: dt.date | None) -> dict[str, Any]:
    return {
        "member_id": member.pk,
        "household_id": member.household_id,
        "name": member.name,
        "id_number": show_id(user, member.id_number),
        "birth_date": member.birth_date,
        "village": member.household.village.name,
        "same_name": member.name == name,
        "same_birth_date": member.birth_date == birth,
    }
