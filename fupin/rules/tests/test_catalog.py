"""The catalog: one schema for snapshots, checker and docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from fupin.rules.catalog import Kind, TallyField, catalog_markdown, default_catalog
from fupin.rules.language import check
from fupin.rules.snapshot import Snapshot, arrow_schema

CATALOG = default_catalog()
DOCS = Path(__file__).parents[3] / "docs" / "rules-language.md"
FIELDS = [
    (qualifier.name, item.name)
    for qualifier in CATALOG.qualifiers.values()
    for item in CATALOG.tables[qualifier.table].all_fields()
]


@pytest.mark.parametrize(("qualifier", "field"), FIELDS)
def test_every_field_of_every_qualifier_can_be_used_in_a_rule(qualifier: str, field: str) -> None:
    subject = "person" if qualifier == "person" else "household"
    checked = check(f"{qualifier}.{field} IS NULL", subject=subject, catalog=CATALOG)
    declared = CATALOG.tables[CATALOG.qualifiers[qualifier].table].field(field)
    assert declared is not None
    assert dict(checked.evidence)[f"{qualifier}.{field}"].type.kind is declared.kind


@pytest.mark.parametrize("table", list(CATALOG.tables))
def test_every_table_can_be_aggregated_for_both_subjects(table: str) -> None:
    definition = CATALOG.tables[table]
    window = ", months => 12" if definition.window else ""
    for subject in ("household", "person"):
        check(f"count({table}{window}) > 0", subject=subject, catalog=CATALOG)
    derived = [f for f in definition.fields.values() if not isinstance(f, TallyField)]
    for item in derived:
        check(
            f"count({table}, {table}.{item.name} IS NULL) > 0", subject="household", catalog=CATALOG
        )


def test_a_new_snapshot_has_every_table_with_typed_columns(tmp_path: Path) -> None:
    snapshot = Snapshot.create(tmp_path)
    for name, definition in CATALOG.tables.items():
        table = snapshot.read_table(name)
        assert table.num_rows == 0
        assert table.schema.equals(arrow_schema(definition))
    assert snapshot.read_table("incomes").schema.field("net_income").type == pa.decimal128(12, 2)
    # persons has tallies, so its outside companion is there too, with the persons schema
    outside = snapshot.read_table("persons__outside")
    assert outside.schema.equals(arrow_schema(CATALOG.tables["persons"]))
    assert snapshot.manifest()["rows"] == {
        **dict.fromkeys(CATALOG.tables, 0),
        "persons__outside": 0,
    }


def test_the_outside_companion_holds_only_what_tallies_read() -> None:
    assert list(CATALOG.outside_tables) == ["persons__outside"]
    assert CATALOG.tables["persons"].tally_columns() == (
        "household_id",
        "id_number",
        "phone",
        "status",
    )


def test_a_table_streamed_in_parts_is_written_whole_and_counted(tmp_path: Path) -> None:
    # given
    snapshot = Snapshot.create(tmp_path)
    # when
    with snapshot.writer("households") as write:
        write(pa.table({"household_id": [1, 2], "village_code": ["500110103201", ""]}))
        write(pa.table({"household_id": pa.array([3], pa.int32())}).to_batches()[0])
    # then
    table = snapshot.read_table("households")
    assert table.column("household_id").to_pylist() == [1, 2, 3]
    assert table.column("village_code").to_pylist() == ["500110103201", None, None]
    assert table.schema.equals(arrow_schema(CATALOG.tables["households"]))
    assert snapshot.manifest()["rows"]["households"] == 3  # type: ignore[index]


def test_a_failed_streamed_write_leaves_the_table_as_it_was(tmp_path: Path) -> None:
    # given
    snapshot = Snapshot.create(tmp_path)
    snapshot.write_rows("households", [{"household_id": 7}])
    # when
    with pytest.raises(ValueError, match="unknown columns"), snapshot.writer("households") as write:
        write(pa.table({"household_id": [1]}))
        write(pa.table({"password": ["x"]}))
    # then
    assert snapshot.read_table("households").column("household_id").to_pylist() == [7]
    assert snapshot.manifest()["rows"]["households"] == 1  # type: ignore[index]
    assert sorted(p.name for p in tmp_path.glob("*.partial")) == []


def test_rows_are_cast_to_the_catalog_types_and_blank_text_becomes_null(tmp_path: Path) -> None:
    snapshot = Snapshot.create(tmp_path)
    snapshot.write_rows(
        "persons",
        [{"person_id": 1, "household_id": 1, "phone": "", "birth_date": "2001-02-03", "sex": 1}],
    )
    row = snapshot.read_table("persons").to_pylist()[0]
    assert row["phone"] is None
    assert row["birth_date"] == dt.date(2001, 2, 3)
    assert row["sex"] == "1"
    assert row["dibao"] is None  # a column left out is NULL, not False


def test_unknown_tables_and_columns_are_refused(tmp_path: Path) -> None:
    snapshot = Snapshot.create(tmp_path)
    with pytest.raises(ValueError, match="not a table of the catalog"):
        snapshot.write_rows("auth_user", [{"id": 1}])
    with pytest.raises(ValueError, match="unknown columns"):
        snapshot.write_rows("persons", [{"person_id": 1, "password": "x"}])
    with pytest.raises(ValueError, match="unknown columns"):
        snapshot.write_table("persons", pa.table({"password": ["x"]}))


def test_code_fields_name_an_existing_code_list() -> None:
    for table in CATALOG.tables.values():
        for item in table.all_fields():
            assert (item.kind is Kind.CODE) == (item.codes is not None), item.name


def test_the_docs_show_the_catalog_as_generated() -> None:
    assert catalog_markdown(CATALOG) in DOCS.read_text("utf-8")
