"""`fupin screen` and `fupin rules load-pack`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from fupin.screening.models import Finding, Rule, RuleVersion
from fupin.screening.pack import read_pack

pytestmark = pytest.mark.django_db


def test_screen_json_prints_exactly_the_run_summary(org, township):
    # given
    out = StringIO()
    # when
    call_command("screen", "--json", "--date", "2020-12-31", "--unit", "500110103", stdout=out)
    # then
    summary = json.loads(out.getvalue())
    assert set(summary) == {"run_id", "engine", "subjects", "findings", "duration_s"}
    assert summary["engine"] == "duckdb"
    assert summary["subjects"] == 7  # 3 households, 4 members
    assert summary["findings"]["unsafe_housing"] == {"new": 1, "open": 0, "resolved": 0}
    assert len(summary["findings"]) == len(read_pack())
    assert isinstance(summary["duration_s"], float)
    assert Finding.objects.count() == 5


def test_screen_with_rules_runs_only_those(org, township):
    out = StringIO()
    call_command(
        "screen", "--json", "--date", "2020-12-31", "--rules", "unsafe_housing", stdout=out
    )
    assert json.loads(out.getvalue())["findings"] == {
        "unsafe_housing": {"new": 1, "open": 0, "resolved": 0}
    }


def test_screen_refuses_an_unknown_rule_code(org, township):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown"):
        call_command("screen", "--rules", "no_such_rule", stdout=StringIO())


def test_the_rule_pack_is_installed_and_loading_it_again_changes_nothing(db):
    # given (the data migration installed it)
    assert Rule.objects.count() == len(read_pack()) >= 30
    versions = RuleVersion.objects.count()
    out = StringIO()
    # when
    call_command("rules", "load-pack", stdout=out)
    # then
    assert RuleVersion.objects.count() == versions
    assert f"{len(read_pack())} unchanged" in out.getvalue()
