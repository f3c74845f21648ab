"""People in the registry to match, and helpers that run an import the way the CLI does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from fupin.core import ids
from fupin.datahub import actions, pipeline
from fupin.datahub.models import ImportBatch
from fupin.registry.tests.factories import HouseholdFactory, MemberFactory


@dataclass
class Person:
    name: str
    id_number: str
    member_id: int


def _number(birth: dt.date, sequence: int) -> str:
    return ids.make("500110", birth, sequence)


@pytest.fixture
def people(org):
    """Four members of 凉风村 and one of 示范一村, with known ID numbers."""
    household_a = HouseholdFactory(village=org["village_a"], group=org["group_a1"])
    household_b = HouseholdFactory(village=org["village_b"], group=org["group_b1"])
    specs = [
        ("王大山", dt.date(1960, 3, 5), 11, household_a, "户主"),
        ("王小梅", dt.date(2012, 9, 1), 22, household_a, "之女"),
        ("王小虎", dt.date(2010, 1, 20), 33, household_a, "之子"),
        ("刘桂芳", dt.date(1962, 7, 8), 44, household_a, "配偶"),
        ("李四海", dt.date(1975, 11, 30), 55, household_b, "户主"),
    ]
    found = {}
    for name, birth, sequence, household, relation in specs:
        number = _number(birth, sequence)
        member = MemberFactory(
            household=household,
            name=name,
            id_number=number,
            birth_date=birth,
            sex="1" if sequence % 2 else "2",
            relation=relation,
        )
        found[name] = Person(name, number, member.pk)
    return found


def stage(actor, feed, content: bytes, name="名单.csv", **options) -> ImportBatch:
    """Upload and read a file at once (as `fupin import` does); the batch as it then stands."""
    batch = actions.batch_upload(
        actor=actor, feed=feed, file_name=name, chunks=[content], queue=False, **options
    )
    pipeline.run_staging(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def promote(actor, batch: ImportBatch) -> ImportBatch:
    actions.batch_promote(actor=actor, batch=batch, queue=False)
    pipeline.run_promotion(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def counts(batch: ImportBatch) -> dict[str, int]:
    return {
        "read": batch.rows_read,
        "promoted": batch.rows_promoted,
        "rejected": batch.rows_rejected,
        "duplicate": batch.rows_duplicate,
        "unmatched": batch.rows_unmatched,
        "blank": batch.rows_blank,
    }


def adds_up(batch: ImportBatch) -> bool:
    return batch.rows_read == (
        batch.rows_promoted + batch.rows_rejected + batch.rows_duplicate + batch.rows_unmatched
    )
