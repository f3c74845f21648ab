"""User management through its actions and selectors: who may give which role where, what is
refused (with nothing written), and what every change records."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import Client

from fupin.accounts import actions, selectors
from fupin.accounts.models import ApiToken, AuditEvent, User
from fupin.accounts.roles import CAPABILITIES, Capability
from fupin.accounts.scope import registration_units
from fupin.accounts.selectors import UserFilters
from fupin.core.errors import DomainError, NotFound, PermissionDenied

PASSWORD = "pass-word-123"  # the factory's


def create(actor, **overrides):
    values = {
        "username": "wang_li",
        "display_name": "王丽",
        "role": "village_cadre",
        "unit_code": "500110103201",
        "phone": "13912345678",
        "password": "Liangfeng-2025",
    }
    values.update(overrides)
    return actions.user_create(actor=actor, **values)


def events(user, action=None):
    found = AuditEvent.objects.filter(subject_type="accounts.user", subject_id=str(user.pk))
    return list(found.filter(action=action) if action else found)


def refused(call, code):
    """Run a write that must be refused; return the error after checking its code."""
    audit_before, users_before = AuditEvent.objects.count(), User.objects.count()
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == code
    assert (AuditEvent.objects.count(), User.objects.count()) == (audit_before, users_before)
    return exc.value


# ---- creating -----------------------------------------------------------------------------


def test_a_township_officer_creates_a_village_cadre_of_their_township_and_it_is_audited(
    township_officer, org
):
    # when
    user, generated = create(township_officer)
    # then
    assert (user.role, user.org_unit, user.display_name, user.phone) == (
        "village_cadre",
        org["village_a"],
        "王丽",
        "13912345678",
    )
    assert generated is None and user.check_password("Liangfeng-2025")
    (event,) = events(user)
    assert (event.actor, event.action, event.org_unit) == (
        township_officer,
        "user.add",
        org["village_a"],
    )
    assert event.changes == {
        "display_name": [None, "王丽"],
        "phone": [None, "13912345678"],
        "role": [None, "village_cadre"],
        "org_unit": [None, "500110103201"],
    }


def test_without_a_password_one_is_generated_returned_once_and_never_stored_in_clear(
    township_officer,
):
    # when
    user, generated = create(township_officer, password=None)
    # then
    assert generated and len(generated) == 12
    assert any(c.isdigit() for c in generated) and any(c.isalpha() for c in generated)
    assert not set(generated) & set("0O1lI")
    validate_password(generated, user)  # raises if a validator refuses it
    assert user.check_password(generated) and generated not in user.password
    assert all(generated not in str(event.changes) for event in AuditEvent.objects.all())


@pytest.mark.parametrize("role", ["township_officer", "leader", "department_staff", "system_admin"])
def test_a_township_officer_cannot_give_a_role_at_or_above_their_own(township_officer, role):
    error = refused(
        lambda: create(township_officer, role=role, unit_code="500110103"), "role_not_grantable"
    )
    assert (error.status, error.field) == (403, "role")
    assert "您不能授予" in str(error.message)


@pytest.mark.parametrize(
    ("role", "unit_code", "code"),
    [
        ("village_cadre", "500110104201", "unit_outside_scope"),  # a village of 永新镇
        ("helper_cadre", "500110", "unit_outside_scope"),  # the county itself
        ("helper_cadre", "500110104", "unit_outside_scope"),  # another township
        ("village_cadre", "500110103", "role_unit_mismatch"),  # a cadre sits in a village
        ("work_team", "500110103-MZ", "role_unit_mismatch"),
        ("village_cadre", "999999", "unknown_unit"),
        ("mayor", "500110103201", "unknown_role"),
    ],
)
def test_a_township_officer_cannot_place_anyone_outside_their_township_or_in_the_wrong_kind_of_unit(
    township_officer, other_township, role, unit_code, code
):
    error = refused(lambda: create(township_officer, role=role, unit_code=unit_code), code)
    assert error.field in ("unit", "role")


def test_an_out_of_scope_unit_is_refused_in_chinese_with_status_403(
    township_officer, other_township
):
    error = refused(
        lambda: create(township_officer, unit_code="500110104201"), "unit_outside_scope"
    )
    assert error.status == 403
    assert str(error.message) == "您只能把用户安排在自己辖区内的单位。"


@pytest.mark.parametrize(
    ("role", "unit_code", "code"),
    [
        ("county_officer", "500110", "unit_outside_scope"),
        ("county_officer", "500110103", "role_unit_mismatch"),
        ("system_admin", "500110", "unit_outside_scope"),
        ("leader", "500110", "unit_outside_scope"),
    ],
)
def test_a_township_administrator_cannot_create_a_county_user(
    township_admin, role, unit_code, code
):
    refused(lambda: create(township_admin, role=role, unit_code=unit_code), code)


def test_a_township_administrator_creates_any_role_of_the_township(township_admin, org):
    user, _ = create(township_admin, role="township_officer", unit_code="500110103")
    staff, _ = create(
        township_admin, username="mz2", role="department_staff", unit_code="500110103-MZ"
    )
    assert (user.role, user.org_unit, staff.org_unit) == (
        "township_officer",
        org["township"],
        org["civil_affairs"],
    )


@pytest.mark.parametrize(
    "persona",
    [
        "village_cadre_a",
        "work_team_a",
        "helper_cadre",
        "leader",
        "department_staff",
        "county_officer",
    ],
)
def test_a_role_without_manage_users_cannot_create_accounts(request, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        create(actor)
    assert not User.objects.filter(username="wang_li").exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"username": "cadre_a"}, "duplicate_username", "username"),
        ({"username": "CADRE_A"}, "duplicate_username", "username"),
        ({"username": "wang li"}, "invalid_username", "username"),
        ({"username": "  "}, "required", "username"),
        ({"display_name": " "}, "required", "display_name"),
        ({"display_name": "王" * 65}, "too_long", "display_name"),
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"password": "short1"}, "weak_password", "password"),
        ({"password": "12345678901"}, "weak_password", "password"),
        ({"password": "password123"}, "weak_password", "password"),
        ({"password": "wang_li_2"}, "weak_password", "password"),  # too like the username
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_written(
    township_officer, village_cadre_a, overrides, code, field
):
    error = refused(lambda: create(township_officer, **overrides), code)
    assert error.field == field


def test_a_username_taken_at_the_same_moment_is_refused_not_crashed(
    monkeypatch, township_officer, village_cadre_a
):
    # given: the check passed before the other account was written
    monkeypatch.setattr(actions, "_check_username", lambda username: "cadre_a")
    # then
    error = refused(lambda: create(township_officer), "duplicate_username")
    assert error.field == "username"


def test_a_weak_password_is_explained_in_chinese(township_officer):
    error = refused(lambda: create(township_officer, password="1234"), "weak_password")
    assert "密码长度太短" in str(error.message) and "只包含数字" in str(error.message)


# ---- seeing -------------------------------------------------------------------------------


def test_a_township_officer_sees_only_the_village_and_helper_accounts_of_their_township(
    township_officer,
    village_cadre_a,
    village_cadre_b,
    work_team_a,
    helper_cadre,
    leader,
    department_staff,
    other_cadre,
    other_officer,
):
    users = selectors.user_list(actor=township_officer, filters=UserFilters())
    assert set(users) == {village_cadre_a, village_cadre_b, work_team_a, helper_cadre}


def test_a_county_administrator_sees_every_account_of_the_county(
    system_admin, township_officer, village_cadre_a, other_cadre, other_officer, county_officer
):
    users = set(selectors.user_list(actor=system_admin, filters=UserFilters()))
    assert {township_officer, village_cadre_a, other_cadre, other_officer, county_officer} <= users
    assert system_admin in users


def test_the_list_filters_by_name_role_unit_and_status(
    township_officer, village_cadre_a, village_cadre_b, work_team_a, helper_cadre, org
):
    def usernames(**filters):
        found = selectors.user_list(actor=township_officer, filters=UserFilters(**filters))
        return [user.username for user in found]

    # generated names could contain the text searched for: every other one is fixed here
    User.objects.exclude(pk=village_cadre_b.pk).update(display_name="王五")
    User.objects.filter(pk=village_cadre_b.pk).update(is_active=False, display_name="谭红梅")
    assert usernames(q="红梅") == ["cadre_b"]
    assert usernames(q="TEAM") == ["team_a"]
    assert usernames(role="work_team") == ["team_a"]
    assert usernames(unit="500110103201") == ["cadre_a", "team_a"]
    assert usernames(active=False) == ["cadre_b"]
    assert "cadre_b" not in usernames(active=True)


def test_a_filter_outside_the_list_is_refused(township_officer, other_township):
    with pytest.raises(DomainError) as exc:
        selectors.user_list(actor=township_officer, filters=UserFilters(unit="500110104"))
    assert exc.value.code == "unknown_unit"
    with pytest.raises(DomainError) as exc:
        selectors.user_list(actor=township_officer, filters=UserFilters(role="mayor"))
    assert exc.value.code == "unknown_role"


def test_a_township_officer_cannot_open_an_account_of_another_township(
    township_officer, other_cadre, other_officer
):
    for user in (other_cadre, other_officer):
        with pytest.raises(NotFound):
            selectors.user_get(actor=township_officer, user_id=user.pk)


def test_a_role_without_manage_users_sees_no_account(village_cadre_a, work_team_a, leader):
    assert list(selectors.users_manageable_by(village_cadre_a)) == []
    assert list(selectors.users_manageable_by(leader)) == []
    with pytest.raises(PermissionDenied):
        selectors.user_list(actor=leader, filters=UserFilters())


def test_phones_are_masked_for_a_manager_whose_role_may_not_see_personal_data(
    monkeypatch, township_officer, village_cadre_a, leader
):
    User.objects.filter(pk=village_cadre_a.pk).update(phone="13812345678")
    village_cadre_a.refresh_from_db()
    assert selectors.phone_for(township_officer, village_cadre_a) == "13812345678"
    reduced = CAPABILITIES["township_officer"] - {Capability.VIEW_SENSITIVE}
    monkeypatch.setitem(CAPABILITIES, "township_officer", reduced)
    assert selectors.phone_for(township_officer, village_cadre_a) == "138****5678"
    assert selectors.phone_for(village_cadre_a, village_cadre_a) == "13812345678"  # one's own


# ---- changing -----------------------------------------------------------------------------


def test_an_edit_records_old_and_new_values(township_officer, village_cadre_a, org):
    # when
    actions.user_update(
        actor=township_officer,
        user=village_cadre_a,
        data={
            "display_name": "罗德明",
            "phone": "13598765432",
            "role": "work_team",
            "unit": "500110103202",
        },
    )
    # then
    village_cadre_a.refresh_from_db()
    assert (village_cadre_a.role, village_cadre_a.org_unit) == ("work_team", org["village_b"])
    (event,) = events(village_cadre_a, "user.update")
    assert event.actor == township_officer
    assert event.changes["role"] == ["village_cadre", "work_team"]
    assert event.changes["org_unit"] == ["500110103201", "500110103202"]
    assert event.changes["phone"] == ["", "13598765432"]


def test_an_edit_that_changes_nothing_records_nothing(township_officer, village_cadre_a):
    actions.user_update(
        actor=township_officer,
        user=village_cadre_a,
        data={
            "display_name": village_cadre_a.display_name,
            "role": "village_cadre",
            "unit": "500110103201",
        },
    )
    assert events(village_cadre_a, "user.update") == []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"role": "township_officer"}, "role_not_grantable"),
        ({"role": "leader", "unit": "500110103"}, "role_not_grantable"),
        ({"unit": "500110104201"}, "unit_outside_scope"),
        ({"unit": "500110103"}, "role_unit_mismatch"),
        ({"display_name": ""}, "required"),
        ({"phone": "abc"}, "invalid_phone"),
        ({"username": "renamed"}, "unknown_field"),
    ],
)
def test_an_edit_cannot_raise_anyone_beyond_the_actors_reach(
    township_officer, village_cadre_a, other_township, data, code
):
    before = User.objects.filter(pk=village_cadre_a.pk).values().get()
    refused(
        lambda: actions.user_update(actor=township_officer, user=village_cadre_a, data=data), code
    )
    assert User.objects.filter(pk=village_cadre_a.pk).values().get() == before


def test_nobody_changes_their_own_role_or_unit(township_admin, org):
    for data in ({"role": "township_officer"}, {"unit": "500110103-MZ"}):
        refused(
            lambda data=data: actions.user_update(
                actor=township_admin, user=township_admin, data=data
            ),
            "cannot_change_own_role",
        )
    actions.user_update(actor=township_admin, user=township_admin, data={"phone": "13511112222"})
    township_admin.refresh_from_db()
    assert township_admin.phone == "13511112222"


def test_a_township_officer_cannot_change_an_account_of_another_township(
    township_officer, other_cadre
):
    with pytest.raises(NotFound):
        actions.user_update(actor=township_officer, user=other_cadre, data={"display_name": "X"})
    with pytest.raises(NotFound):
        actions.user_deactivate(actor=township_officer, user=other_cadre)
    with pytest.raises(NotFound):
        actions.user_reset_password(actor=township_officer, user=other_cadre)
    other_cadre.refresh_from_db()
    assert other_cadre.is_active and other_cadre.check_password(PASSWORD)


# ---- deactivating -------------------------------------------------------------------------


def test_a_deactivated_user_cannot_log_in_nor_use_a_token_nor_keep_a_session(
    township_officer, village_cadre_a
):
    # given
    raw = actions.token_create(actor=None, user=village_cadre_a)
    session = Client()
    session.force_login(village_cadre_a)
    assert session.get("/api/v1/accounts/me").status_code == 200
    # when
    actions.user_deactivate(actor=township_officer, user=village_cadre_a, reason="调离本村")
    # then
    assert Client().login(username="cadre_a", password=PASSWORD) is False
    assert actions.token_authenticate(raw) is None
    assert ApiToken.objects.get().revoked_at is not None
    assert session.get("/api/v1/accounts/me").status_code == 401
    (event,) = events(village_cadre_a, "user.deactivate")
    assert event.changes == {"is_active": [True, False], "active_tokens": [1, 0]}
    assert (event.reason, event.actor) == ("调离本村", township_officer)
    assert User.objects.filter(pk=village_cadre_a.pk).exists()  # kept, never deleted


def test_nobody_deactivates_themselves(township_admin):
    error = refused(
        lambda: actions.user_deactivate(actor=township_admin, user=township_admin),
        "cannot_deactivate_self",
    )
    assert str(error.message) == "不能停用自己的账号。"


def test_a_reactivated_user_logs_in_again_but_old_tokens_stay_revoked(
    township_officer, village_cadre_a
):
    raw = actions.token_create(actor=None, user=village_cadre_a)
    actions.user_deactivate(actor=township_officer, user=village_cadre_a)
    # when
    actions.user_reactivate(actor=township_officer, user=village_cadre_a)
    # then
    assert Client().login(username="cadre_a", password=PASSWORD) is True
    assert actions.token_authenticate(raw) is None
    assert events(village_cadre_a, "user.reactivate")[0].changes == {"is_active": [False, True]}


def test_deactivating_twice_or_reactivating_an_active_account_is_refused(
    township_officer, village_cadre_a
):
    refused(
        lambda: actions.user_reactivate(actor=township_officer, user=village_cadre_a),
        "already_active",
    )
    actions.user_deactivate(actor=township_officer, user=village_cadre_a)
    refused(
        lambda: actions.user_deactivate(actor=township_officer, user=village_cadre_a),
        "already_inactive",
    )


# ---- passwords and tokens -----------------------------------------------------------------


def test_a_password_reset_replaces_the_password_and_ends_the_users_sessions(
    township_officer, village_cadre_a
):
    session = Client()
    session.force_login(village_cadre_a)
    # when
    generated = actions.user_reset_password(actor=township_officer, user=village_cadre_a)
    # then
    village_cadre_a.refresh_from_db()
    assert generated and village_cadre_a.check_password(generated)
    assert not village_cadre_a.check_password(PASSWORD)
    assert session.get("/api/v1/accounts/me").status_code == 401
    assert events(village_cadre_a, "user.password_reset")[0].changes == {
        "password_generated": [None, True]
    }


def test_a_password_chosen_by_the_manager_is_validated(township_officer, village_cadre_a):
    refused(
        lambda: actions.user_reset_password(
            actor=township_officer, user=village_cadre_a, password="123"
        ),
        "weak_password",
    )
    assert (
        actions.user_reset_password(
            actor=township_officer, user=village_cadre_a, password="Liangfeng-2026"
        )
        is None
    )
    village_cadre_a.refresh_from_db()
    assert village_cadre_a.check_password("Liangfeng-2026")


def test_a_manager_resets_their_own_password_only_by_proving_the_old_one(township_admin):
    refused(
        lambda: actions.user_reset_password(actor=township_admin, user=township_admin),
        "cannot_reset_own_password",
    )


def test_revoking_tokens_stops_them_all_and_is_audited(township_officer, village_cadre_a):
    raws = [actions.token_create(actor=None, user=village_cadre_a) for _ in range(2)]
    # when
    revoked = actions.user_revoke_tokens(actor=township_officer, user=village_cadre_a)
    # then
    assert revoked == 2
    assert [actions.token_authenticate(raw) for raw in raws] == [None, None]
    assert events(village_cadre_a, "token.revoke")[0].changes == {"active_tokens": [2, 0]}
    # and revoking again revokes and records nothing
    assert actions.user_revoke_tokens(actor=township_officer, user=village_cadre_a) == 0
    assert len(events(village_cadre_a, "token.revoke")) == 1


def test_a_user_changes_their_own_password_with_the_old_one(village_cadre_a):
    refused(
        lambda: actions.password_change_own(
            user=village_cadre_a, old_password="wrong", new_password="Liangfeng-2026"
        ),
        "wrong_password",
    )
    refused(
        lambda: actions.password_change_own(
            user=village_cadre_a, old_password=PASSWORD, new_password="12345678"
        ),
        "weak_password",
    )
    actions.password_change_own(
        user=village_cadre_a, old_password=PASSWORD, new_password="Liangfeng-2026"
    )
    village_cadre_a.refresh_from_db()
    assert village_cadre_a.check_password("Liangfeng-2026")
    (event,) = events(village_cadre_a, "user.password_change")
    assert (event.actor, event.changes) == (village_cadre_a, {})


# ---- where households may be registered ---------------------------------------------------


def test_registration_units_are_the_villages_and_groups_in_reach_of_a_role_that_registers(
    org, village_cadre_a, township_officer, leader, department_staff, helper_cadre
):
    assert list(registration_units(village_cadre_a)) == [org["village_a"], org["group_a1"]]
    assert set(registration_units(township_officer)) == {
        org["village_a"],
        org["group_a1"],
        org["village_b"],
        org["group_b1"],
    }
    for user in (leader, department_staff, helper_cadre):
        assert list(registration_units(user)) == []


def test_a_deactivated_manager_manages_nothing(township_officer, village_cadre_a):
    User.objects.filter(pk=township_officer.pk).update(is_active=False)
    township_officer.refresh_from_db()
    assert list(selectors.users_manageable_by(township_officer)) == []
    with pytest.raises(PermissionDenied):
        create(township_officer)


def test_the_users_add_command_validates_the_password(org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("12345678\n"))
    with pytest.raises(CommandError, match="weak_password"):
        call_command(
            "users", "add", "li", "--role", "leader", "--unit", "500110103", "--password-stdin"
        )
    assert not User.objects.filter(username="li").exists()
