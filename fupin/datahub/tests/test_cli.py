"""`fupin import`: the command a township officer runs on a file, with --json and --dry-run."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from fupin.datahub.models import BatchStatus, CivilAffairsBenefit, ImportBatch
from fupin.datahub.tests.files import csv_bytes

HEADER = ["姓名", "身份证号", "救助类别", "发放金额"]


@pytest.fixture
def civil_file(tmp_path, people):
    rows = [
        ["王大山", people["王大山"].id_number, "低保", "450"],
        ["刘桂芳", people["刘桂芳"].id_number, "特困", "600"],
        ["刘桂芳", people["刘桂芳"].id_number, "特困", "600"],
        ["张无名", "500110196003050999", "低保", "450"],
        ["王小虎", "12345", "低保", "450"],
    ]
    path = tmp_path / "民政3月.csv"
    path.write_bytes(csv_bytes([HEADER, *rows], encoding="gbk"))
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_json_prints_the_counts_that_add_up_and_the_error_workbook(civil_file, org):
    # when
    out, _err = run("民政", str(civil_file), "--period", "2020-03", "--json")
    # then
    summary = json.loads(out)
    assert summary["status"] == "promoted"
    assert summary["rows"] | {} == {
        "read": 5,
        "promoted": 2,
        "rejected": 1,
        "duplicates": 1,
        "unmatched": 1,
        "blank": 0,
        "new": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert summary["adds_up"] is True
    assert summary["error_workbook"].endswith(f"batch-{summary['batch']}-errors.xlsx")
    assert CivilAffairsBenefit.objects.count() == 2


def test_a_dry_run_checks_and_previews_but_promotes_nothing(civil_file, org):
    # when
    out, _err = run("civil_affairs", str(civil_file), "--period", "2020-03", "--dry-run")
    # then
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.dry_run) == (BatchStatus.STAGED, True)
    assert "rows read 5 = promoted 2 + rejected 1 + duplicates 1 + unmatched 1" in out
    assert "dry run" in out
    assert not CivilAffairsBenefit.objects.exists()


def test_a_file_without_the_required_columns_is_refused_with_their_names(tmp_path, org):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes([["甲", "乙"], ["1", "2"]]))
    # when
    with pytest.raises(CommandError) as refused:
        run("医保", str(path))
    # then
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.NEEDS_MAPPING
    assert "身份证号" in batch.missing_columns
    assert refused.value.returncode == 2


def test_an_empty_file_is_refused_in_json_with_its_code(tmp_path, org):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    out = io.StringIO()
    # when
    with pytest.raises(CommandError):
        call_command("import", "民政", str(path), "--json", stdout=out)
    # then
    assert json.loads(out.getvalue())["error"]["code"] == "empty_file"
    assert not ImportBatch.objects.exists()


def test_import_list_names_every_feed(org):
    out, _err = run("--list")
    assert "medical_claims" in out and "civil_affairs" in out and "医保" in out


def test_import_with_a_saved_mapping_by_name(tmp_path, people, township_officer):
    from fupin.datahub import actions

    actions.mapping_save(
        actor=township_officer,
        feed="civil_affairs",
        name="县格式",
        columns={"id_number": "公民身份号码", "name": "户主", "benefit": "=特困供养"},
    )
    path = tmp_path / "county.csv"
    path.write_bytes(csv_bytes([["户主", "公民身份号码"], ["王大山", people["王大山"].id_number]]))
    # when
    out, _err = run("民政", str(path), "--period", "2020", "--mapping", "县格式", "--json")
    # then
    summary = json.loads(out)
    assert (summary["status"], summary["rows"]["promoted"]) == ("promoted", 1)
    row = CivilAffairsBenefit.objects.get()
    assert (row.benefit, row.period_year, row.period_month) == ("特困供养", 2020, None)
