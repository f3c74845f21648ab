"""The demo's department files import with exactly the planted problems (docs/datahub.md)."""

from __future__ import annotations

import json

import pytest

from fupin.accounts.models import OrgUnit
from fupin.datahub import actions, pipeline
from fupin.datahub.models import ImportBatch, MedicalClaim, RegisterEvent, StudentEnrollment
from fupin.demo.department_files import PLANTED, write_department_files
from fupin.demo.generator import generate


@pytest.fixture
def township(db):
    generate(seed=2020, households=120)
    return OrgUnit.objects.get(code="500110103")


def load(folder, feed: str, pattern: str, unit: OrgUnit) -> ImportBatch:
    path = next(folder.glob(pattern))
    batch = actions.batch_upload(
        actor=None,
        feed=feed,
        file_name=path.name,
        chunks=[path.read_bytes()],
        unit=unit,
        queue=False,
    )
    pipeline.run_staging(batch.pk)
    actions.batch_promote(actor=None, batch=ImportBatch.objects.get(pk=batch.pk), queue=False)
    pipeline.run_promotion(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def test_the_demo_files_import_with_the_planted_problems_and_nothing_else(township, tmp_path):
    # given
    counts = write_department_files(tmp_path, seed=7)
    assert counts == PLANTED
    # when each file is imported
    civil = load(tmp_path, "civil_affairs", "民政_*.csv", township)
    medical = load(tmp_path, "medical", "医保_*.xlsx", township)
    education = load(tmp_path, "education", "教育_*.csv", township)
    police = load(tmp_path, "police", "公安_*.xlsx", township)
    vehicles = load(tmp_path, "vehicles", "车管_*.csv", township)
    business = load(tmp_path, "business", "市场监管_*.xlsx", township)
    # then the refused rows are exactly the planted ones
    assert (civil.rows_unmatched, civil.rows_rejected, civil.rows_duplicate) == (3, 0, 0)
    assert (medical.rows_rejected, medical.rows_duplicate, medical.rows_unmatched) == (6, 1, 0)
    assert medical.header_row == 3
    for batch in (education, police, vehicles, business):
        assert (batch.rows_rejected, batch.rows_duplicate, batch.rows_unmatched) == (0, 0, 0)
    assert all(b.adds_up for b in (civil, medical, education, police, vehicles, business))
    # and the planted facts are in the department tables
    assert StudentEnrollment.objects.filter(enrolment="辍学").count() == PLANTED["dropouts"]
    assert RegisterEvent.objects.filter(event="死亡").count() == PLANTED["deaths"]
    big = MedicalClaim.objects.filter(visit_type="住院", out_of_pocket__gte=5000).count()
    assert big == PLANTED["big_bills_lifted_out"] + PLANTED["big_bills_others"]


def test_the_demo_files_are_the_same_for_the_same_seed(township, tmp_path):
    write_department_files(tmp_path / "a", seed=3)
    write_department_files(tmp_path / "b", seed=3)
    for path in sorted((tmp_path / "a").iterdir()):
        if path.suffix in (".csv", ".json"):
            assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    planted = json.loads((tmp_path / "a" / "planted.json").read_text(encoding="utf-8"))
    assert planted["counts"] == PLANTED
