"""Policy numbers are dated, cited data; a province's own value wins over the national one."""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest

from fupin.policy import ParameterUnknown, all_parameters, param, param_value, province_of
from fupin.policy import parameters as module

D = dt.date
CHONGQING, LIAONING, GUANGDONG = "500000", "210000", "440000"


def test_the_monitoring_line_of_2020_is_an_uncertain_editable_default_of_6000():
    entry = param_value("monitoring_income_line", on=D(2020, 6, 1), province=CHONGQING)
    assert entry.value == Decimal("6000") and entry.uncertain
    assert "国开发〔2020〕6号" in entry.reference


def test_2021_uses_the_national_floor_and_from_2022_each_province_its_own_line():
    assert param("monitoring_income_line", on=D(2021, 7, 1), province=CHONGQING) == 6000
    assert not param_value("monitoring_income_line", on=D(2021, 7, 1)).uncertain
    assert param("monitoring_income_line", on=D(2022, 3, 1), province=LIAONING) == 7260
    chongqing = param_value("monitoring_income_line", on=D(2026, 3, 1), province=CHONGQING)
    assert (chongqing.value, chongqing.uncertain, chongqing.province) == (6000, True, CHONGQING)
    # a province without a value of its own falls back to the national one
    assert (
        param_value("monitoring_income_line", on=D(2023, 1, 1), province=GUANGDONG).province == ""
    )


def test_procedure_numbers():
    day = D(2026, 10, 1)
    assert param("posting_working_days", on=day) == 5
    assert param("clue_to_decision_days", on=day) == 15
    assert param("elimination_income_stable_months", on=day) == 6
    assert param("monitoring_share_guide", on=day) == Decimal("0.05")


def test_every_value_cites_its_document():
    for parameter in all_parameters().values():
        assert parameter.values, parameter.name
        assert all(entry.reference for entry in parameter.values), parameter.name


def test_an_unknown_parameter_or_a_day_before_any_value_is_refused():
    with pytest.raises(ParameterUnknown):
        param("no_such_parameter", on=D(2026, 1, 1))
    with pytest.raises(ParameterUnknown):
        param("monitoring_income_line", on=D(2019, 12, 31))


def test_a_value_without_a_reference_is_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "parameters:\n  x:\n    type: integer\n    values:\n      - {from: 2020-01-01, value: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="reference"):
        module.load((bad,))


def test_a_site_file_adds_its_own_values(monkeypatch, tmp_path):
    site = tmp_path / "site.yaml"
    site.write_text(
        "parameters:\n  monitoring_income_line:\n    type: decimal\n    values:\n"
        "      - {from: 2026-01-01, province: '500000', value: 7100,"
        " reference: 渝乡振〔2026〕1号}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(module.SITE_FILE_VARIABLE, str(site))
    all_parameters.cache_clear()
    try:
        assert param("monitoring_income_line", on=D(2026, 5, 1), province=CHONGQING) == 7100
        assert param("monitoring_income_line", on=D(2025, 5, 1), province=CHONGQING) == 6000
    finally:
        monkeypatch.delenv(module.SITE_FILE_VARIABLE)
        all_parameters.cache_clear()


def test_province_of_a_statistical_code():
    assert province_of("500110103201") == CHONGQING


def test_the_policy_package_imports_no_django():
    code = (
        "import sys, fupin.policy, fupin.policy.workdays; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
