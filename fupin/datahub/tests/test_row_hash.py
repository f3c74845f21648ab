"""The row hash: promotion writes each row's hash, comparing reads keys and hashes, and a row
without a trusted hash is compared value by value (ADR 21)."""

from __future__ import annotations

from decimal import Decimal

from fupin.datahub import actions
from fupin.datahub.models import MedicalClaim
from fupin.datahub.pipeline import compare, store
from fupin.datahub.tests.conftest import promote, stage
from fupin.datahub.tests.files import csv_bytes
from fupin.datahub.tests.test_promotion import CLAIM_HEADER, claims


def outcome(batch) -> tuple[int, int, int]:
    return batch.rows_new, batch.rows_updated, batch.rows_unchanged


def test_promoted_rows_carry_a_hash_of_their_values_and_the_same_file_again_changes_nothing(
    township_officer, people
):
    # given three claims, two with the same amount
    content = claims(people, [1, 2, 3])
    first = promote(township_officer, stage(township_officer, "medical", content))
    # then every row has a hash, which differs with the values
    hashes = dict(MedicalClaim.objects.values_list("claim_no", "row_hash"))
    assert None not in hashes.values()
    assert len(set(hashes.values())) == 3  # the claim numbers differ
    # when the same file comes again
    again = promote(township_officer, stage(township_officer, "medical", content))
    # then nothing is new or updated, and the rows are still the first batch's
    assert outcome(first) == (3, 0, 0)
    assert outcome(again) == (0, 0, 3)
    assert set(MedicalClaim.objects.values_list("batch_id", flat=True)) == {first.pk}


def test_a_row_saved_outside_the_pipeline_loses_its_hash_and_is_compared_value_by_value(
    township_officer, people
):
    # given three promoted claims, of which one is changed and one saved unchanged by hand
    content = claims(people, [1, 2, 3])
    promote(township_officer, stage(township_officer, "medical", content))
    changed = MedicalClaim.objects.get(claim_no="C1")
    changed.total_cost = Decimal("999.00")
    changed.save()
    MedicalClaim.objects.get(claim_no="C2").save()
    assert MedicalClaim.objects.filter(row_hash__isnull=True).count() == 2
    # when the file comes again
    again = stage(township_officer, "medical", content)
    # then the changed row would be put back, the others are the same
    assert outcome(again) == (0, 1, 2)
    again = promote(township_officer, again)
    assert outcome(again) == (0, 1, 2)
    restored = MedicalClaim.objects.get(claim_no="C1")
    assert (restored.total_cost, restored.batch_id) == (Decimal("100.00"), again.pk)
    # and the rows it wrote have their hash again
    assert MedicalClaim.objects.get(claim_no="C1").row_hash is not None


def test_a_rollback_puts_back_the_hash_of_the_values_it_restores(township_officer, people):
    # given claims C1 and C2, then a file that changes C2's amount
    content = claims(people, [1, 2])
    promote(township_officer, stage(township_officer, "medical", content))
    before = dict(MedicalClaim.objects.values_list("claim_no", "row_hash"))
    second = promote(
        township_officer, stage(township_officer, "medical", claims(people, [2], "250"))
    )
    assert outcome(second) == (0, 1, 0)
    assert MedicalClaim.objects.get(claim_no="C2").row_hash != before["C2"]
    # when it is rolled back
    actions.batch_rollback(actor=township_officer, batch=second, reason="金额有误")
    # then C2 has its old hash, and the first file again changes nothing
    assert dict(MedicalClaim.objects.values_list("claim_no", "row_hash")) == before
    assert outcome(stage(township_officer, "medical", content)) == (0, 0, 2)


def test_duckdb_hashes_the_pinned_row_as_when_the_stored_hashes_were_made():
    # A failure here means DuckDB now hashes otherwise: see `store.CANARY` before changing it.
    assert store.hashes_trusted()


def test_when_duckdb_hashes_otherwise_rows_are_compared_by_value_and_written_without_hash(
    township_officer, people, monkeypatch
):
    # given a DuckDB whose hashes are not those the rows were written with
    monkeypatch.setattr(compare, "hashes_trusted", lambda: False)
    content = claims(people, [1, 2, 3])
    first = promote(township_officer, stage(township_officer, "medical", content))
    assert outcome(first) == (3, 0, 0)
    assert set(MedicalClaim.objects.values_list("row_hash", flat=True)) == {None}
    # when a file changes one claim
    person = people["王大山"]
    rows = [
        [person.name, person.id_number, f"C{n}", "门诊", "2020-03-05", total]
        for n, total in [(1, "100"), (2, "100"), (3, "300")]
    ]
    second = stage(township_officer, "medical", csv_bytes([CLAIM_HEADER, *rows]))
    # then the comparison is still right
    assert outcome(second) == (0, 1, 2)
    second = promote(township_officer, second)
    assert outcome(second) == (0, 1, 2)
    assert MedicalClaim.objects.get(claim_no="C3").total_cost == Decimal("300.00")
