"""The screening thresholds are policy data like every other number: dated, cited, read by name
and by date from fupin.policy (issue 3), and a local working choice says that it is one."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from fupin.policy import all_parameters, param, param_value
from fupin.policy import parameters as module
from fupin.rules.catalog import default_catalog
from fupin.screening import parameters as screening

D = dt.date
CHONGQING = "500000"
# The eleven thresholds that used to live in fupin/screening/rulepack/parameters.yaml.
THRESHOLDS = {
    "poverty_line": Decimal("4000"),
    "rigid_spending_share": Decimal("1"),
    "sharp_drop_share": Decimal("0.3"),
    "inpatient_out_of_pocket_lifted_out": Decimal("5000"),
    "inpatient_out_of_pocket_other": Decimal("20000"),
    "outpatient_out_of_pocket_monthly": Decimal("500"),
    "schooling_out_of_pocket": Decimal("10000"),
    "monthly_wage_min": Decimal("100"),
    "monthly_wage_max": Decimal("30000"),
    "development_measure_months": 6,
    "working_age_from": 16,
}
LOCAL_CHOICES = set(THRESHOLDS) - {"poverty_line", "working_age_from"}


@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_each_screening_threshold_is_in_the_policy_data_from_2020_with_its_citation(name):
    entry = param_value(name, on=D(2020, 1, 1))
    assert entry.value == THRESHOLDS[name]
    assert entry.starts_on == D(2020, 1, 1) and entry.ends_on is None
    assert "POLICY.md" in entry.reference or "国开发" in entry.reference
    assert param(name, on=D(2026, 9, 1), province=CHONGQING) == THRESHOLDS[name]
    with pytest.raises(module.ParameterUnknown):
        param(name, on=D(2019, 12, 31))


@pytest.mark.parametrize("name", sorted(LOCAL_CHOICES))
def test_a_local_working_choice_says_so_in_its_reference(name):
    reference = param_value(name, on=D(2026, 1, 1)).reference
    assert "工作取值" in reference
    assert "非官方" in reference or "非全国标准" in reference


def test_the_official_ones_keep_their_documents():
    assert "2300元" in param_value("poverty_line", on=D(2020, 6, 1)).reference
    assert "《劳动法》第十五条" in param_value("working_age_from", on=D(2020, 6, 1)).reference
    drop = param_value("sharp_drop_share", on=D(2020, 6, 1))
    assert "国开发〔2020〕6号" in drop.reference and drop.uncertain


def test_every_parameter_a_rule_may_name_has_a_value_in_the_policy_data():
    declared = default_catalog().parameters
    known = all_parameters()
    assert set(declared) <= set(known)
    for name, spec in declared.items():
        assert known[name].kind == str(spec.kind), name
        assert param_value(name, on=D(2020, 12, 31)).reference, name


@pytest.mark.django_db  # the site's own values (fupin.parameters) are read too
def test_the_screening_engine_reads_the_policy_values_by_name_and_date():
    day = D(2025, 6, 30)
    values = screening.run_parameters(on=day, province=CHONGQING)
    assert set(values) == set(default_catalog().parameters)
    assert values["inpatient_out_of_pocket_other"] == Decimal("20000")
    assert values["monitoring_income_line"] == Decimal("6000")
    assert screening.value_on("sharp_drop_share", on=day) == param_value(
        "sharp_drop_share", on=day, province=CHONGQING
    )
    assert screening.screening_parameters() is all_parameters()
    assert not (Path(screening.__file__).parent / "rulepack" / "parameters.yaml").exists()


@pytest.mark.django_db
def test_a_site_file_changes_a_screening_threshold_from_a_date_on(monkeypatch, tmp_path):
    # given a county that raises its inpatient threshold from 2026
    site = tmp_path / "site.yaml"
    site.write_text(
        "parameters:\n  inpatient_out_of_pocket_lifted_out:\n    type: decimal\n    values:\n"
        "      - {from: 2026-01-01, province: '500000', value: 8000,"
        " reference: 綦江区防返贫监测工作方案（2026），地方工作取值}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(module.SITE_FILE_VARIABLE, str(site))
    all_parameters.cache_clear()
    try:
        # when
        before = screening.run_parameters(on=D(2025, 12, 31))
        after = screening.run_parameters(on=D(2026, 3, 1))
        rows = {row.name: row for row in screening.parameter_rows(on=D(2026, 3, 1))}
        # then
        assert before["inpatient_out_of_pocket_lifted_out"] == Decimal("5000")
        assert after["inpatient_out_of_pocket_lifted_out"] == Decimal("8000")
        row = rows["inpatient_out_of_pocket_lifted_out"]
        assert row.value is not None and row.value.province == CHONGQING
        assert [entry.value for entry in row.entries] == [Decimal("5000"), Decimal("8000")]
    finally:
        monkeypatch.delenv(module.SITE_FILE_VARIABLE)
        all_parameters.cache_clear()
