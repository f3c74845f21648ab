"""Setting a value: who may, every refusal (nothing saved, nothing audited), the audit event."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.accounts.models import AuditEvent
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.parameters import actions
from fupin.parameters.models import ParameterEdit

D = dt.date
pytestmark = pytest.mark.django_db
GOOD = {
    "name": "monitoring_income_line",
    "value": "6,900",
    "starts_on": D(2026, 1, 1),
    "ends_on": None,
    "reference": "渝乡振发〔2026〕1号",
    "reason": "按市级文件调整",
}


def test_a_county_officer_sets_a_value_and_it_is_audited(county_officer):
    # when
    saved = actions.parameter_value_add(actor=county_officer, **GOOD)
    # then
    assert (saved.name, saved.display_value, saved.starts_on) == (
        GOOD["name"],
        "6900",
        D(2026, 1, 1),
    )
    event = AuditEvent.objects.get(action="parameter.set")
    assert event.actor == county_officer
    assert event.target_id == str(saved.pk)
    assert event.changes["monitoring_income_line"] == [None, "6900"]
    assert event.reason == "按市级文件调整"


@pytest.mark.parametrize("persona", ["township_officer", "village_cadre_a", "leader"])
def test_other_roles_may_not_set_a_value(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        actions.parameter_value_add(actor=user, **GOOD)
    assert not ParameterEdit.objects.exists()


REFUSALS = [
    ({"value": "六千"}, "parameter_value_invalid", "value"),
    ({"value": ""}, "parameter_value_invalid", "value"),
    ({"value": "NaN"}, "parameter_value_invalid", "value"),
    ({"value": "Infinity"}, "parameter_value_invalid", "value"),
    ({"value": "1e20"}, "parameter_value_invalid", "value"),
    ({"value": "6000.0000001"}, "parameter_value_invalid", "value"),
    ({"value": "-1"}, "parameter_value_out_of_range", "value"),
    ({"name": "posting_working_days", "value": "5.5"}, "parameter_value_invalid", "value"),
    ({"name": "posting_working_days", "value": "0"}, "parameter_value_out_of_range", "value"),
    ({"name": "sharp_drop_share", "value": "1.2"}, "parameter_value_out_of_range", "value"),
    ({"starts_on": D(2014, 12, 31)}, "parameter_dates_invalid", "starts_on"),
    ({"ends_on": D(2025, 12, 31)}, "parameter_dates_invalid", "ends_on"),
    ({"reference": "  "}, "parameter_reference_missing", "reference"),
    ({"reason": ""}, "reason_required", "reason"),
]


@pytest.mark.parametrize(("change", "code", "field"), REFUSALS)
def test_a_bad_value_is_refused_with_its_code_and_nothing_is_saved(
    county_officer, change, code, field
):
    with pytest.raises(DomainError) as refused:
        actions.parameter_value_add(actor=county_officer, **{**GOOD, **change})
    assert (refused.value.code, refused.value.field) == (code, field)
    assert str(refused.value.message)  # a sentence for people
    assert not ParameterEdit.objects.exists()
    assert not AuditEvent.objects.filter(action="parameter.set").exists()


def test_an_unknown_parameter_is_not_found(county_officer):
    with pytest.raises(NotFound):
        actions.parameter_value_add(actor=county_officer, **{**GOOD, "name": "no_such_thing"})
    assert not ParameterEdit.objects.exists()


def test_a_share_at_its_bounds_is_taken(county_officer):
    for value in ("0", "1"):
        actions.parameter_value_add(
            actor=county_officer, **{**GOOD, "name": "sharp_drop_share", "value": value}
        )
    assert ParameterEdit.objects.filter(name="sharp_drop_share").count() == 2
