"""The department tables as the database has them: one unique index on the natural key and
nothing else on it (each index costs every promoted row; ADR 21)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from fupin.datahub.feeds import SNAPSHOT_TABLES
from fupin.datahub.models import ImportBatch, MedicalClaim

DEPARTMENT_MODELS = sorted(SNAPSHOT_TABLES.values(), key=lambda model: model.__name__)


def natural_key_indexes(model) -> list[tuple[str, dict]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        (name, details)
        for name, details in found.items()
        if details["columns"] == ["natural_key"] and (details["index"] or details["unique"])
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("model", DEPARTMENT_MODELS, ids=lambda model: model.__name__)
def test_each_department_table_has_one_unique_index_on_its_natural_key_and_no_other(model):
    indexes = natural_key_indexes(model)
    assert len(indexes) == 1, indexes  # no second (LIKE) index on PostgreSQL
    assert indexes[0][1]["unique"]


def test_the_feeds_cover_the_eleven_department_tables():
    assert len(DEPARTMENT_MODELS) == 11


@pytest.mark.django_db
def test_a_second_row_with_the_same_natural_key_is_refused_by_the_database(org):
    batch = ImportBatch.objects.create(
        feed="medical", file_name="a.csv", org_unit=org["township"], sha256="0" * 64, size=1
    )
    values = dict(
        batch=batch,
        source_row=2,
        natural_key="C1",
        id_number="500110196003050011",
        name="王大山",
        period_year=2020,
        claim_no="C1",
        visit_type="门诊",
        visit_on="2020-03-05",
        total_cost="100.00",
        hospital="关坝镇卫生院",
    )
    MedicalClaim.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalClaim.objects.create(**{**values, "source_row": 3})
