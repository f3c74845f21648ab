"""Builds a run's Parquet snapshot (fupin.rules.snapshot) from the Django models, streaming.

Registry households, members, incomes and risks and assistance measures are read within the
run's area; the data hub's department tables (fupin.datahub.feeds.SNAPSHOT_TABLES) are read
for the people of that area (matched, or carrying one of their ID numbers). Members beyond the
area who share an ID number or a phone with a member inside it go to `persons__outside` with
only the columns the whole-registry counts read (household, ID number, phone, status): a
duplicate ID number or a shared phone is found even when the other holder is elsewhere, and
nothing else of that person is in the snapshot. Rows go from
`.values_list(...).iterator(chunk_size=…)` to Arrow tables to the snapshot's streaming writer,
so a county is never held in memory at once. Blank strings become NULL (the snapshot's
`conform`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db.models import Case, F, Model, Q, QuerySet, Value, When

from fupin.accounts.models import OrgUnit
from fupin.assistance.models import Measure
from fupin.datahub.feeds import SNAPSHOT_TABLES
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, Member
from fupin.rules.catalog import OUTSIDE_SUFFIX, Table
from fupin.rules.snapshot import Snapshot, arrow_schema

CHUNK_ROWS = 20_000
# Catalog column ▸ model lookup, where the names differ.
HOUSEHOLD_SOURCES = {
    "household_id": "pk",
    "village_code": "village__code",
    "group_code": "group__code",
}
PERSON_SOURCES = {"person_id": "pk"}
SHARED_PREFIX = "shared_"  # persons__outside: a tally key, kept only where it is shared
MEASURE_KINDS = {"防贫保险/其他": "其他"}  # assistance's combined kind ▸ the catalog's code


@dataclass(frozen=True)
class Source:
    """Where one snapshot table's rows come from, and how a value is mapped, by column."""

    table: str
    queryset: QuerySet[Any]
    lookups: dict[str, str]
    convert: dict[str, Callable[[Any], Any]]


def area_filter(units: Sequence[OrgUnit], prefix: str = "") -> Q:
    """Rows whose household lies in one of the units (by the village's tree path)."""
    if not units:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}village__path__startswith": u.path}) for u in units))


def sources(units: Sequence[OrgUnit], catalog_tables: dict[str, Table]) -> Iterator[Source]:
    households = Household.objects.filter(area_filter(units))
    members = Member.objects.filter(household__in=households)
    keys = [tally.key for tally in catalog_tables["persons"].tallies]
    registry: list[tuple[str, QuerySet[Any], dict[str, str]]] = [
        ("households", households, HOUSEHOLD_SOURCES),
        ("persons", members, PERSON_SOURCES),
        (
            "persons" + OUTSIDE_SUFFIX,
            sharing_members(members, keys),
            {key: SHARED_PREFIX + key for key in keys},
        ),
        ("incomes", IncomeRecord.objects.filter(household__in=households), {}),
        ("risks", HouseholdRisk.objects.filter(household__in=households), {}),
    ]
    for table, queryset, lookups in registry:
        yield Source(table, queryset.order_by("pk"), lookups, {})
    yield Source(
        "measures",
        Measure.objects.filter(household__in=households).order_by("pk"),
        {},
        {"kind": lambda kind: MEASURE_KINDS.get(kind, kind)},
    )
    people = Q(person__in=members) | Q(id_number__in=members.values("id_number"))
    for table, model in SNAPSHOT_TABLES.items():
        if table in catalog_tables:
            yield Source(table, _department_rows(model, people), {}, {})


def sharing_members(members: QuerySet[Member], keys: list[str]) -> QuerySet[Any]:
    """Members beyond the area who share a tally key (ID number, phone) with a member inside
    it, each key annotated as `shared_<key>` only where it is the shared one (else blank,
    stored as NULL): nothing of theirs the counts do not need."""
    shared = {key: Q(**{f"{key}__in": members.exclude(**{key: ""}).values(key)}) for key in keys}
    kept = {
        SHARED_PREFIX + key: Case(When(test, then=F(key)), default=Value(""))
        for key, test in shared.items()
    }
    outside = Member.objects.exclude(pk__in=members.values("pk"))
    return outside.filter(reduce(or_, shared.values())).annotate(**kept)


def _department_rows(model: type[Model], people: Q) -> QuerySet[Any]:
    return model._default_manager.filter(people).order_by("pk")


def _rows(source: Source, names: list[str]) -> Iterable[tuple[Any, ...]]:
    lookups = [source.lookups.get(name, name) for name in names]
    return source.queryset.values_list(*lookups).iterator(chunk_size=CHUNK_ROWS)


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_source(snapshot: Snapshot, source: Source) -> int:
    """Streams one table into its Parquet file; answers the number of rows."""
    definition = snapshot.catalog.snapshot_tables[source.table]
    names = list(definition.columns)
    if source.table.endswith(OUTSIDE_SUFFIX):
        names = list(definition.tally_columns())  # the rest stays NULL
    schema = pa.schema([arrow_schema(definition).field(name) for name in names])
    count = 0
    with snapshot.writer(source.table) as write:
        for chunk in _chunks(_rows(source, names)):
            columns = list(zip(*chunk, strict=True))
            data = {
                name: [source.convert[name](v) for v in values]
                if name in source.convert
                else list(values)
                for name, values in zip(names, columns, strict=True)
            }
            write(pa.Table.from_pydict(data, schema=schema))
            count += len(chunk)
    return count


def build_snapshot(path: Path, units: Sequence[OrgUnit]) -> tuple[Snapshot, dict[str, int]]:
    """A fresh snapshot of the area's data at `path`; answers it and the rows per table."""
    if path.exists():
        shutil.rmtree(path)
    snapshot = Snapshot.create(path)
    counts = {
        source.table: write_source(snapshot, source)
        for source in sources(units, dict(snapshot.catalog.tables))
    }
    return snapshot, counts


def snapshot_root() -> Path:
    return Path(settings.SCREENING_DIR) / "snapshots"


def prune_snapshots(keep: int) -> list[Path]:
    """Removes all but the `keep` newest run snapshots; answers the folders removed."""
    root = snapshot_root()
    if not root.exists():
        return []
    folders = sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name.startswith("run-")),
        key=lambda p: int(p.name.removeprefix("run-")) if p.name[4:].isdigit() else 0,
    )
    removed = folders[: max(len(folders) - keep, 0)]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
