"""Builds a run's Parquet snapshot (fupin.rules.snapshot) from the Django models, streaming.

Registry households, members, incomes and risks and assistance measures are read within the
run's area; the data hub's department tables (fupin.datahub.feeds.SNAPSHOT_TABLES) are read
for the people of that area (matched, or carrying one of their ID numbers). Rows go from
`.values_list(...).iterator(chunk_size=…)` to Arrow record batches to a Parquet writer, so a
county is never held in memory at once. Blank strings become NULL (the snapshot's `conform`).
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
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import Model, Q, QuerySet

from fupin.accounts.models import OrgUnit
from fupin.assistance.models import Measure
from fupin.datahub.feeds import SNAPSHOT_TABLES
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, Member
from fupin.rules.catalog import Table
from fupin.rules.snapshot import Snapshot, arrow_schema, conform

CHUNK_ROWS = 20_000
# Catalog column ▸ model lookup, where the names differ.
HOUSEHOLD_SOURCES = {
    "household_id": "pk",
    "village_code": "village__code",
    "group_code": "group__code",
}
PERSON_SOURCES = {"person_id": "pk"}
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
    registry: list[tuple[str, QuerySet[Any], dict[str, str]]] = [
        ("households", households, HOUSEHOLD_SOURCES),
        ("persons", members, PERSON_SOURCES),
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
    definition = snapshot.catalog.tables[source.table]
    names = list(definition.columns)
    schema = arrow_schema(definition)
    count = 0
    with pq.ParquetWriter(snapshot.table_path(source.table), schema, compression="zstd") as out:
        for chunk in _chunks(_rows(source, names)):
            columns = list(zip(*chunk, strict=True))
            data = {
                name: [source.convert[name](v) for v in values]
                if name in source.convert
                else list(values)
                for name, values in zip(names, columns, strict=True)
            }
            out.write_table(conform(definition, pa.Table.from_pydict(data, schema=schema)))
            count += len(chunk)
    snapshot._update_manifest(source.table, count)
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
