"""A site's values of policy parameters: which entry is in force, and who reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.parameters import values
from fupin.parameters.models import ParameterEdit
from fupin.policy import param as shipped_param

D = dt.date
CHONGQING = "500000"
pytestmark = pytest.mark.django_db


def edit(user, name, value, starts_on, ends_on=None):
    return ParameterEdit.objects.create(
        name=name,
        value=Decimal(value),
        starts_on=starts_on,
        ends_on=ends_on,
        reference="渝乡振发〔2026〕1号",
        reason="市级文件",
        created_by=user,
    )


def test_without_edits_the_shipped_value_is_read(county_officer):
    assert values.param("monitoring_income_line", on=D(2021, 7, 1)) == Decimal(6000)
    assert values.param_value("posting_working_days", on=D(2026, 1, 5)).reference


def test_an_edit_counts_from_its_start_and_not_before(county_officer):
    # given the line raised from 2020-06-01
    edit(county_officer, "monitoring_income_line", "6500", D(2020, 6, 1))
    # then
    assert values.param("monitoring_income_line", on=D(2020, 5, 31)) == Decimal(6000)
    assert values.param("monitoring_income_line", on=D(2020, 6, 1)) == Decimal(6500)
    # and fupin.policy alone still answers the shipped value
    assert shipped_param("monitoring_income_line", on=D(2020, 6, 1)) == Decimal(6000)


def test_a_shipped_entry_that_starts_later_supersedes_an_older_edit(county_officer):
    # given an edit of 2020; the shipped national entry of 2021-01-01 is newer
    edit(county_officer, "monitoring_income_line", "6500", D(2020, 6, 1))
    # then
    assert values.param("monitoring_income_line", on=D(2021, 3, 1)) == Decimal(6000)


def test_an_edit_from_the_same_day_as_the_provinces_entry_wins(county_officer):
    # given Chongqing's uncertain 2022 default, and the city's real figure set by the site
    edit(county_officer, "monitoring_income_line", "6900", D(2022, 1, 1))
    # then
    assert values.param("monitoring_income_line", on=D(2023, 1, 1), province=CHONGQING) == 6900


def test_of_two_edits_from_one_day_the_later_wins_and_an_ended_edit_stops(county_officer):
    # given a value corrected the same day, and a value that ended
    edit(county_officer, "posting_working_days", "6", D(2025, 1, 1))
    edit(county_officer, "posting_working_days", "7", D(2025, 1, 1))
    edit(county_officer, "clue_to_decision_days", "20", D(2025, 1, 1), ends_on=D(2025, 12, 31))
    # then
    assert values.param("posting_working_days", on=D(2025, 3, 1)) == 7
    assert values.param("clue_to_decision_days", on=D(2025, 12, 31)) == 20
    assert values.param("clue_to_decision_days", on=D(2026, 1, 1)) == 15


def test_integer_parameters_answer_ints_and_decimals_keep_their_exact_value(county_officer):
    edit(county_officer, "posting_working_days", "7", D(2025, 1, 1))
    edit(county_officer, "sharp_drop_share", "0.25", D(2025, 1, 1))
    days = values.param("posting_working_days", on=D(2025, 3, 1))
    share = values.param("sharp_drop_share", on=D(2025, 3, 1))
    assert (days, type(days)) == (7, int)
    assert (str(share), type(share)) == ("0.25", Decimal)


def test_a_saved_value_never_changes(county_officer):
    saved = edit(county_officer, "posting_working_days", "6", D(2025, 1, 1))
    saved.value = Decimal(9)
    with pytest.raises(ValueError, match="never changes"):
        saved.save()
    assert ParameterEdit.objects.get(pk=saved.pk).value == 6
