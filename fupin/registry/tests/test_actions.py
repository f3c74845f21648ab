import datetime as dt
from decimal import Decimal

import pytest

from fupin.accounts.models import AuditEvent
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.registry import actions
from fupin.registry.models import Household, IncomeRecord, Member, StatusChange
from fupin.registry.tests.factories import id_number

HEAD = {"name": "王五", "id_number": "", "relation": "户主", "labour_skill": "普通劳动力"}


def head(**extra):
    return {**HEAD, "id_number": id_number(dt.date(1975, 3, 4)), **extra}


def test_a_village_cadre_registers_a_household_with_its_head_and_both_are_audited(
    village_cadre_a, org
):
    # when
    household = actions.household_register(
        actor=village_cadre_a,
        village_code="500110103201",
        group_code="500110103201-01",
        household={"household_type": "一般农户", "main_cause": "因病", "housing_grade": "C"},
        head=head(),
    )
    # then
    member = household.members.get()
    assert (member.relation, member.birth_date, member.sex) == ("户主", dt.date(1975, 3, 4), "1")
    assert household.village == org["village_a"] and household.housing_grade == "C"
    actions_logged = list(
        AuditEvent.objects.filter(subject_id=str(household.pk)).values_list("action", flat=True)
    )
    assert sorted(actions_logged) == ["household.register", "member.add"]


def test_a_village_cadre_cannot_register_in_another_village(village_cadre_b):
    with pytest.raises(DomainError) as exc:
        actions.household_register(
            actor=village_cadre_b,
            village_code="500110103201",
            group_code=None,
            household={"household_type": "一般农户"},
            head=head(),
        )
    assert exc.value.code == "unknown_village"
    assert Household.objects.count() == 0


def test_an_invalid_id_number_writes_nothing(village_cadre_a):
    valid = id_number(dt.date(1975, 3, 4))
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    with pytest.raises(DomainError) as exc:
        actions.household_register(
            actor=village_cadre_a,
            village_code="500110103201",
            group_code=None,
            household={"household_type": "一般农户"},
            head=head(id_number=wrong),
        )
    assert exc.value.code == "id_checksum"
    assert Household.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_duplicate_id_number_names_the_other_household_when_visible(village_cadre_a, household_a):
    existing = household_a.members.get()
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_a,
            household=household_a,
            expected_version=household_a.version,
            data={"name": "重复", "id_number": existing.id_number, "relation": "之子"},
        )
    assert exc.value.code == "duplicate_id_number"
    assert str(household_a) in str(exc.value.message)


def test_a_duplicate_id_number_from_another_village_gives_no_hint(
    village_cadre_b, household_a, household_b
):
    existing = household_a.members.get()
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_b,
            household=household_b,
            expected_version=household_b.version,
            data={"name": "重复", "id_number": existing.id_number, "relation": "之子"},
        )
    assert exc.value.code == "duplicate_id_number"
    assert str(household_a) not in str(exc.value.message)
    assert existing.name not in str(exc.value.message)


def test_a_second_head_is_refused(village_cadre_a, household_a):
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            data={"name": "二号", "id_number": id_number(), "relation": "户主"},
        )
    assert exc.value.code == "second_head"
    assert household_a.members.count() == 1


def test_birth_date_and_sex_entered_must_match_the_id_number(village_cadre_a, household_a):
    number = id_number(dt.date(2010, 6, 1), male=False)
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            data={
                "name": "小红",
                "id_number": number,
                "relation": "之女",
                "birth_date": dt.date(2010, 6, 2),
            },
        )
    assert exc.value.code == "birth_date_mismatch"
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            data={"name": "小红", "id_number": number, "relation": "之女", "sex": "1"},
        )
    assert exc.value.code == "sex_mismatch"


def test_a_female_only_relation_on_a_man_is_refused(village_cadre_a, household_a):
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            data={
                "name": "小明",
                "id_number": id_number(dt.date(2012, 1, 1), male=True),
                "relation": "之女",
            },
        )
    assert exc.value.code == "relation_sex_mismatch"


def test_an_unknown_code_value_is_refused(village_cadre_a, household_a):
    with pytest.raises(DomainError) as exc:
        actions.member_add(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            data={"name": "小明", "id_number": id_number(), "relation": "之子", "health": "很好"},
        )
    assert (exc.value.code, exc.value.field) == ("unknown_code", "health")


def test_a_stale_edit_is_refused_and_the_newer_change_kept(
    village_cadre_a, work_team_a, household_a
):
    member = household_a.members.get()
    opened_version = household_a.version
    actions.member_update(
        actor=work_team_a,
        member=member,
        expected_version=opened_version,
        data={"phone": "13911112222"},
    )
    with pytest.raises(DomainError) as exc:
        actions.member_update(
            actor=village_cadre_a,
            member=member,
            expected_version=opened_version,
            data={"phone": "13733334444"},
        )
    assert (exc.value.code, exc.value.status) == ("stale_edit", 409)
    assert Member.objects.get(pk=member.pk).phone == "13911112222"


def test_a_member_edit_is_audited_old_to_new(village_cadre_a, household_a):
    member = household_a.members.get()
    actions.member_update(
        actor=village_cadre_a,
        member=member,
        expected_version=household_a.version,
        data={"phone": "13911112222", "health": "长期慢性病"},
    )
    event = AuditEvent.objects.get(action="member.update")
    assert event.actor == village_cadre_a
    assert event.changes == {
        "phone": ["13800001234", "13911112222"],
        "health": ["健康", "长期慢性病"],
    }
    assert event.subject_id == str(household_a.pk)


def test_income_uses_the_official_formula(village_cadre_a, household_a):
    record = actions.income_record(
        actor=village_cadre_a,
        household=household_a,
        expected_version=household_a.version,
        year=2025,
        amounts={
            "wage": "12,000",
            "business": "3000.5",
            "property": 500,
            "transfer": "2400",
            "business_expense": "1000",
        },
        household_size=4,
    )
    assert record.net_income == Decimal("16900.50")
    assert record.per_capita_net_income == Decimal("4225.13")


def test_income_fields_that_are_not_amounts_write_nothing(village_cadre_a, household_a):
    with pytest.raises(DomainError) as exc:
        actions.income_record(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            year=2025,
            amounts={"wage": "一万二"},
        )
    assert (exc.value.code, exc.value.field) == ("invalid_amount", "wage")
    assert IncomeRecord.objects.count() == 0


def test_recording_a_year_twice_corrects_it_instead_of_duplicating(village_cadre_a, household_a):
    for wage in ("10000", "11000"):
        actions.income_record(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            year=2025,
            amounts={"wage": wage},
        )
    assert IncomeRecord.objects.get().wage == Decimal("11000.00")


def test_status_change_is_dated_with_reason_and_only_for_officers(
    township_officer, village_cadre_a, household_a
):
    with pytest.raises(PermissionDenied):
        actions.household_change_status(
            actor=village_cadre_a,
            household=household_a,
            expected_version=None,
            household_type="脱贫户",
            monitoring_category="脱贫不稳定户",
            effective_on=dt.date(2025, 5, 1),
            reason="因病",
        )
    actions.household_change_status(
        actor=township_officer,
        household=household_a,
        expected_version=household_a.version,
        household_type="脱贫户",
        monitoring_category="脱贫不稳定户",
        effective_on=dt.date(2025, 5, 1),
        reason="户主患大病，县级审定纳入监测",
    )
    change = StatusChange.objects.get()
    assert (change.old_monitoring_category, change.new_monitoring_category) == ("", "脱贫不稳定户")
    household_a.refresh_from_db()
    assert household_a.monitoring_identified_on == dt.date(2025, 5, 1)
    assert AuditEvent.objects.filter(
        action="household.change_status", reason__contains="大病"
    ).exists()


def test_a_2020_category_is_not_accepted_for_2025(township_officer, household_a):
    with pytest.raises(DomainError) as exc:
        actions.household_change_status(
            actor=township_officer,
            household=household_a,
            expected_version=None,
            household_type="脱贫户",
            monitoring_category="脱贫监测户",
            effective_on=dt.date(2025, 5, 1),
            reason="x",
        )
    assert exc.value.code == "category_not_in_force"


def test_a_helper_cadre_edits_only_paired_households(helper_cadre, household_a, household_b, pair):
    pair(helper_cadre, household_a)
    actions.member_update(
        actor=helper_cadre,
        member=household_a.members.get(),
        expected_version=None,
        data={"work_place": "綦江区"},
    )
    with pytest.raises(NotFound):
        actions.member_update(
            actor=helper_cadre,
            member=household_b.members.get(),
            expected_version=None,
            data={"work_place": "綦江区"},
        )


def test_removing_a_member_keeps_the_record(village_cadre_a, household_a):
    child = actions.member_add(
        actor=village_cadre_a,
        household=household_a,
        expected_version=None,
        data={"name": "小明", "id_number": id_number(dt.date(2012, 1, 1)), "relation": "之子"},
    )
    actions.member_remove(
        actor=village_cadre_a,
        member=child,
        expected_version=None,
        reason="moved_out",
        removed_on=dt.date(2025, 1, 1),
    )
    child.refresh_from_db()
    assert (child.status, child.removed_reason) == ("removed", "moved_out")


def test_a_leader_cannot_write(leader, household_a):
    with pytest.raises(PermissionDenied):
        actions.member_update(
            actor=leader,
            member=household_a.members.get(),
            expected_version=None,
            data={"phone": "13911112222"},
        )
