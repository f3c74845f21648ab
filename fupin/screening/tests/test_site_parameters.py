"""The monitoring deadlines and a screening run read the values a site set (fupin.parameters)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.monitoring import deadlines
from fupin.parameters.tests.test_values import edit
from fupin.screening.parameters import run_parameters

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_monitoring_deadlines_and_a_screening_run_read_the_sites_values(county_officer):
    # given posting for 7 working days and a lower wage ceiling, from 2026
    edit(county_officer, "posting_working_days", "7", D(2026, 1, 1))
    edit(county_officer, "monthly_wage_max", "25000", D(2026, 1, 1))
    # then a posting put up on Monday 2026-03-02 runs to the 7th working day, Tuesday 03-10
    assert deadlines.posting_working_days(D(2026, 3, 2)) == 7
    assert deadlines.posting_last_day(D(2026, 3, 2)) == D(2026, 3, 10)
    # and a run screening 2026 reads the site's ceiling, one of 2025 the shipped one
    assert run_parameters(on=D(2026, 6, 30))["monthly_wage_max"] == Decimal(25000)
    assert run_parameters(on=D(2025, 6, 30))["monthly_wage_max"] == Decimal(30000)
