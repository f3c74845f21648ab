"""Assistance measures: recorded for households in scope, validated, audited."""

import datetime as dt

import pytest

from fupin.accounts.models import AuditEvent
from fupin.assistance.actions import measure_add
from fupin.assistance.models import Measure
from fupin.assistance.selectors import has_development_measure, measures_visible_to
from fupin.core.errors import DomainError, NotFound, PermissionDenied

D = dt.date


def add(actor, household, **extra):
    values = {
        "kind": "产业",
        "content": "种植花椒",
        "responsible": "王志刚",
        "started_on": D(2025, 3, 1),
    }
    return measure_add(actor=actor, household=household, **{**values, **extra})


def test_a_measure_is_recorded_and_audited(village_cadre_a, household_a):
    measure = add(village_cadre_a, household_a, amount="3,000")
    assert (measure.kind, measure.amount, measure.is_development) == ("产业", 3000, True)
    assert has_development_measure(household=household_a)
    event = AuditEvent.objects.get(action="measure.add")
    assert event.subject_id == str(household_a.pk) and event.changes["kind"] == [None, "产业"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"kind": "旅游"}, "unknown_code"),
        ({"content": " "}, "required"),
        ({"ended_on": D(2025, 2, 1)}, "invalid_period"),
        ({"amount": "三千"}, "invalid_amount"),
    ],
)
def test_a_bad_measure_is_refused_and_nothing_is_written(village_cadre_a, household_a, extra, code):
    with pytest.raises(DomainError) as exc:
        add(village_cadre_a, household_a, **extra)
    assert exc.value.code == code
    assert not Measure.objects.exists()


def test_measures_stay_within_scope(village_cadre_b, leader, household_a, village_cadre_a):
    with pytest.raises(NotFound):
        add(village_cadre_b, household_a)
    with pytest.raises(PermissionDenied):
        add(leader, household_a)
    add(village_cadre_a, household_a, kind="健康")
    assert not measures_visible_to(village_cadre_b).exists()
    assert measures_visible_to(leader).count() == 1
    assert not has_development_measure(household=household_a)
