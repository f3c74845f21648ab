import io

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.actions import token_authenticate, token_create, user_add
from fupin.accounts.models import ApiToken, AuditEvent, User
from fupin.accounts.scope import scope_root, villages_visible_to
from fupin.core.errors import DomainError


def test_a_user_is_added_with_a_role_at_a_unit_and_the_addition_is_audited(org):
    user = user_add(
        actor=None,
        username="wang",
        role="village_cadre",
        unit_code="500110103201",
        password="long-password-1",
    )
    assert (user.role, user.org_unit, user.check_password("long-password-1")) == (
        "village_cadre",
        org["village_a"],
        True,
    )
    event = AuditEvent.objects.get(action="user.add")
    assert event.changes == {"role": [None, "village_cadre"], "org_unit": [None, "500110103201"]}


@pytest.mark.parametrize(
    ("role", "unit", "code"),
    [
        ("mayor", "500110103", "unknown_role"),
        ("village_cadre", "999", "unknown_unit"),
        ("village_cadre", "500110103", "role_unit_mismatch"),
        ("department_staff", "500110103201", "role_unit_mismatch"),
    ],
)
def test_a_user_with_a_bad_role_or_unit_is_refused(org, role, unit, code):
    with pytest.raises(DomainError) as exc:
        user_add(actor=None, username="wang", role=role, unit_code=unit)
    assert exc.value.code == code
    assert not User.objects.filter(username="wang").exists()


def test_a_taken_username_is_refused(village_cadre_a):
    with pytest.raises(DomainError) as exc:
        user_add(actor=None, username="cadre_a", role="village_cadre", unit_code="500110103201")
    assert exc.value.code == "duplicate_username"


def test_a_token_is_stored_only_as_a_hash_and_authenticates_its_user(village_cadre_a):
    raw = token_create(actor=None, user=village_cadre_a)
    stored = ApiToken.objects.get()
    assert raw.startswith("fp_") and stored.key_hash != raw and raw not in stored.key_hash
    assert token_authenticate(raw) == village_cadre_a
    assert token_authenticate(raw + "x") is None


def test_a_revoked_token_or_inactive_user_does_not_authenticate(village_cadre_a):
    raw = token_create(actor=None, user=village_cadre_a)
    village_cadre_a.is_active = False
    village_cadre_a.save()
    assert token_authenticate(raw) is None


def test_scope_follows_the_role(
    org, village_cadre_a, department_staff, helper_cadre, county_officer
):
    assert scope_root(village_cadre_a) == org["village_a"]
    assert scope_root(department_staff) == org["township"]
    assert scope_root(helper_cadre) is None
    assert set(villages_visible_to(village_cadre_a)) == {org["village_a"]}
    assert set(villages_visible_to(county_officer)) == {org["village_a"], org["village_b"]}


def test_the_users_add_command_reads_the_password_from_stdin(org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("secret-pass-9\n"))
    out = io.StringIO()
    call_command(
        "users",
        "add",
        "li",
        "--role",
        "leader",
        "--unit",
        "500110103",
        "--password-stdin",
        stdout=out,
    )
    assert "added li" in out.getvalue()
    assert User.objects.get(username="li").check_password("secret-pass-9")


def test_the_users_add_command_reports_a_refusal(org):
    with pytest.raises(CommandError, match="unknown_unit"):
        call_command("users", "add", "li", "--role", "leader", "--unit", "1")


def test_the_token_create_command_prints_a_working_token(village_cadre_a):
    out = io.StringIO()
    call_command("token", "create", "cadre_a", stdout=out)
    assert token_authenticate(out.getvalue().strip()) == village_cadre_a


def test_a_role_set_admits_only_an_active_signed_in_holder_of_one_of_its_roles(
    village_cadre_a,
):
    from django.contrib.auth.models import AnonymousUser

    from fupin.accounts.roles import Role, has_role, require_role
    from fupin.core.errors import PermissionDenied

    cadres = frozenset({Role.VILLAGE_CADRE})
    officers = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER})
    assert has_role(village_cadre_a, cadres)
    assert not has_role(village_cadre_a, officers)
    assert not has_role(AnonymousUser(), cadres)
    require_role(village_cadre_a, cadres)  # no refusal
    with pytest.raises(PermissionDenied):
        require_role(village_cadre_a, officers)
    village_cadre_a.is_active = False
    assert not has_role(village_cadre_a, cadres)
