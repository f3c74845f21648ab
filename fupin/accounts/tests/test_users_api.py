"""The accounts API: user management under /api/v1/accounts/users, one's own password, and
the units a registration form offers."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fupin.accounts.actions import token_create
from fupin.accounts.models import ApiToken, AuditEvent, User
from fupin.accounts.roles import CAPABILITIES, Capability
from fupin.accounts.tests.factories import UserFactory
from fupin.tests.clients import session

API = "/api/v1/accounts"
PASSWORD = "pass-word-123"


def bearer(user):
    return Client(headers={"authorization": f"Bearer {token_create(actor=None, user=user)}"})


def send(client, method, url, body=None):
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data=data, content_type="application/json")


NEW_CADRE = {
    "username": "wang_li",
    "display_name": "王丽",
    "role": "village_cadre",
    "unit": "500110103201",
    "phone": "13912345678",
}


# ---- listing ------------------------------------------------------------------------------


def test_the_list_gives_the_accounts_a_township_officer_manages_a_page_at_a_time(
    township_officer, village_cadre_a, village_cadre_b, work_team_a, other_cadre, leader
):
    # when
    response = bearer(township_officer).get(f"{API}/users", {"page_size": 2})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 2)
    assert [item["username"] for item in body["items"]] == ["cadre_a", "team_a"]
    first = body["items"][0]
    assert (first["role"], first["role_label"], first["unit"], first["is_active"]) == (
        "village_cadre",
        "村两委",
        {"code": "500110103201", "name": "凉风村"},
        True,
    )
    second_page = bearer(township_officer).get(f"{API}/users", {"page_size": 2, "page": 2})
    assert [item["username"] for item in second_page.json()["items"]] == ["cadre_b"]


def test_the_list_searches_and_filters(
    township_officer, village_cadre_a, village_cadre_b, work_team_a
):
    client = bearer(township_officer)
    User.objects.filter(pk=village_cadre_b.pk).update(is_active=False)

    def usernames(**query):
        return [item["username"] for item in client.get(f"{API}/users", query).json()["items"]]

    assert usernames(q="team") == ["team_a"]
    assert usernames(role="village_cadre") == ["cadre_a", "cadre_b"]
    assert usernames(unit="500110103202") == ["cadre_b"]
    assert usernames(active="false") == ["cadre_b"]


def test_a_bad_filter_is_refused_with_a_stable_code(township_officer, other_township):
    client = bearer(township_officer)
    response = client.get(f"{API}/users", {"role": "mayor"})
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "unknown_role",
        "role",
    )
    response = client.get(f"{API}/users", {"unit": "500110104"})
    assert (response.status_code, response.json()["code"]) == (400, "unknown_unit")


@pytest.mark.parametrize(
    "persona", ["village_cadre_a", "helper_cadre", "leader", "department_staff", "county_officer"]
)
def test_a_role_without_manage_users_is_refused_the_list(request, persona):
    response = bearer(request.getfixturevalue(persona)).get(f"{API}/users")
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "您的角色无权管理用户账号。"}


def test_the_list_takes_the_same_number_of_queries_for_3_or_13_accounts(township_officer, org):
    client = session(township_officer)
    for n in range(3):
        UserFactory(username=f"c{n}", role="village_cadre", org_unit=org["village_a"])
    client.get(f"{API}/users")  # warm the session and the translations
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/users").status_code == 200
    for n in range(3, 13):
        user = UserFactory(username=f"c{n}", role="village_cadre", org_unit=org["village_a"])
        token_create(actor=None, user=user)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{API}/users")
    assert response.json()["count"] == 13
    assert len(many) == len(few)


def test_phones_in_the_list_are_masked_for_a_manager_who_may_not_see_them(
    monkeypatch, township_officer, village_cadre_a
):
    User.objects.filter(pk=village_cadre_a.pk).update(phone="13812345678")
    client = bearer(township_officer)
    assert client.get(f"{API}/users").json()["items"][0]["phone"] == "13812345678"
    reduced = CAPABILITIES["township_officer"] - {Capability.VIEW_SENSITIVE}
    monkeypatch.setitem(CAPABILITIES, "township_officer", reduced)
    assert client.get(f"{API}/users").json()["items"][0]["phone"] == "138****5678"


# ---- creating -----------------------------------------------------------------------------


def test_creating_an_account_without_a_password_answers_the_generated_one_once(
    township_officer,
):
    # when
    response = send(bearer(township_officer), "post", f"{API}/users", NEW_CADRE)
    # then
    assert response.status_code == 201
    body = response.json()
    generated = body["generated_password"]
    assert (body["username"], body["phone"], body["active_tokens"]) == ("wang_li", "13912345678", 0)
    assert Client().login(username="wang_li", password=generated) is True
    detail = bearer(township_officer).get(f"{API}/users/{body['id']}").json()
    assert "generated_password" not in detail and generated not in json.dumps(detail)


def test_creating_an_account_with_a_password_checks_it(township_officer):
    weak = send(bearer(township_officer), "post", f"{API}/users", {**NEW_CADRE, "password": "123"})
    assert (weak.status_code, weak.json()["code"], weak.json()["field"]) == (
        400,
        "weak_password",
        "password",
    )
    assert "密码长度太短" in weak.json()["message"]
    good = send(
        bearer(township_officer),
        "post",
        f"{API}/users",
        {**NEW_CADRE, "password": "Liangfeng-2025"},
    )
    assert (good.status_code, good.json()["generated_password"]) == (201, None)
    assert User.objects.get(username="wang_li").check_password("Liangfeng-2025")


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"role": "township_officer", "unit": "500110103"}, 403, "role_not_grantable"),
        ({"unit": "500110104201"}, 403, "unit_outside_scope"),
        ({"role": "helper_cadre", "unit": "500110"}, 403, "unit_outside_scope"),
        ({"unit": "500110103"}, 400, "role_unit_mismatch"),
        ({"username": "cadre_a"}, 400, "duplicate_username"),
        ({"phone": "123"}, 400, "invalid_phone"),
        ({"display_name": ""}, 400, "required"),
        ({"is_superuser": True}, 422, "invalid_request"),
    ],
)
def test_a_refused_creation_writes_nothing(
    township_officer, village_cadre_a, other_township, changes, status, code
):
    before = (User.objects.count(), AuditEvent.objects.count())
    response = send(bearer(township_officer), "post", f"{API}/users", {**NEW_CADRE, **changes})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    assert (User.objects.count(), AuditEvent.objects.count() - 1) == (before[0], before[1])


def test_a_village_cadre_cannot_create_an_account(village_cadre_a):
    response = send(bearer(village_cadre_a), "post", f"{API}/users", NEW_CADRE)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert not User.objects.filter(username="wang_li").exists()


# ---- one account --------------------------------------------------------------------------


def test_an_account_of_another_township_is_not_found_for_every_route(township_officer, other_cadre):
    client = bearer(township_officer)
    url = f"{API}/users/{other_cadre.pk}"
    for method, path, body in [
        ("get", url, None),
        ("patch", url, {"display_name": "改名"}),
        ("post", f"{url}/deactivate", {}),
        ("post", f"{url}/reactivate", {}),
        ("post", f"{url}/password", {}),
        ("delete", f"{url}/tokens", None),
    ]:
        response = send(client, method, path, body)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    other_cadre.refresh_from_db()
    assert (other_cadre.display_name != "改名", other_cadre.is_active) == (True, True)


def test_the_detail_shows_token_prefixes_never_their_values(township_officer, village_cadre_a):
    raw = token_create(actor=None, user=village_cadre_a, label="手机")
    body = bearer(township_officer).get(f"{API}/users/{village_cadre_a.pk}").json()
    assert body["active_tokens"] == 1
    assert [(t["prefix"], t["label"], t["revoked_at"]) for t in body["tokens"]] == [
        (raw[:8], "手机", None)
    ]
    assert raw not in json.dumps(body)


def test_an_edit_answers_the_account_as_it_now_stands(township_officer, village_cadre_a, org):
    response = send(
        bearer(township_officer),
        "patch",
        f"{API}/users/{village_cadre_a.pk}",
        {"role": "work_team", "unit": "500110103202", "phone": "13598765432"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["role"], body["unit"]["code"], body["phone"]) == (
        "work_team",
        "500110103202",
        "13598765432",
    )
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes["role"] == ["village_cadre", "work_team"]


def test_an_edit_to_a_role_beyond_reach_is_refused(township_officer, village_cadre_a):
    response = send(
        bearer(township_officer),
        "patch",
        f"{API}/users/{village_cadre_a.pk}",
        {"role": "leader", "unit": "500110103"},
    )
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        403,
        "role_not_grantable",
        "role",
    )
    assert response.json()["message"] == "您不能授予“领导”角色。"
    village_cadre_a.refresh_from_db()
    assert village_cadre_a.role == "village_cadre"


def test_deactivation_through_the_api_stops_the_users_token(township_officer, village_cadre_a):
    # given
    cadre = bearer(village_cadre_a)
    assert cadre.get(f"{API}/me").status_code == 200
    # when
    response = send(
        bearer(township_officer),
        "post",
        f"{API}/users/{village_cadre_a.pk}/deactivate",
        {"reason": "调离"},
    )
    # then
    assert (response.status_code, response.json()["is_active"]) == (200, False)
    assert response.json()["active_tokens"] == 0
    assert (cadre.get(f"{API}/me").status_code, cadre.get(f"{API}/me").json()["code"]) == (
        401,
        "unauthenticated",
    )


def test_a_manager_cannot_deactivate_themselves(township_admin):
    response = send(
        bearer(township_admin), "post", f"{API}/users/{township_admin.pk}/deactivate", {}
    )
    assert response.status_code == 400
    assert response.json() == {"code": "cannot_deactivate_self", "message": "不能停用自己的账号。"}
    township_admin.refresh_from_db()
    assert township_admin.is_active


def test_reactivation_and_its_refusal_when_already_active(township_officer, village_cadre_a):
    client = bearer(township_officer)
    url = f"{API}/users/{village_cadre_a.pk}/reactivate"
    assert send(client, "post", url, {}).json()["code"] == "already_active"
    send(client, "post", f"{API}/users/{village_cadre_a.pk}/deactivate", {})
    response = send(client, "post", url, {"reason": "返岗"})
    assert (response.status_code, response.json()["is_active"]) == (200, True)
    assert AuditEvent.objects.get(action="user.reactivate").reason == "返岗"


def test_a_password_reset_answers_the_generated_password_once(township_officer, village_cadre_a):
    response = send(
        bearer(township_officer), "post", f"{API}/users/{village_cadre_a.pk}/password", {}
    )
    assert response.status_code == 200
    generated = response.json()["generated_password"]
    assert Client().login(username="cadre_a", password=generated) is True
    assert Client().login(username="cadre_a", password=PASSWORD) is False


def test_revoking_tokens_through_the_api(township_officer, village_cadre_a):
    raw = token_create(actor=None, user=village_cadre_a)
    response = send(bearer(township_officer), "delete", f"{API}/users/{village_cadre_a.pk}/tokens")
    assert response.json() == {"username": "cadre_a", "revoked": 1}
    cadre = Client(headers={"authorization": f"Bearer {raw}"})
    assert cadre.get(f"{API}/me").status_code == 401
    assert (
        ApiToken.objects.filter(revoked_at__isnull=True).exclude(user=township_officer).count() == 0
    )


# ---- one's own password -------------------------------------------------------------------


def test_a_user_changes_their_own_password_and_their_session_stays(village_cadre_a):
    client = session(village_cadre_a)
    wrong = send(
        client,
        "post",
        f"{API}/me/password",
        {"old_password": "nope", "new_password": "Liangfeng-2026"},
    )
    assert (wrong.status_code, wrong.json()["code"], wrong.json()["field"]) == (
        400,
        "wrong_password",
        "old_password",
    )
    response = send(
        client,
        "post",
        f"{API}/me/password",
        {"old_password": PASSWORD, "new_password": "Liangfeng-2026"},
    )
    assert response.json() == {"ok": True}
    assert client.get(f"{API}/me").status_code == 200  # the session was kept
    assert Client().login(username="cadre_a", password="Liangfeng-2026") is True


def test_a_token_client_changes_its_password_without_opening_a_session(village_cadre_a):
    from django.contrib.sessions.models import Session

    response = send(
        bearer(village_cadre_a),
        "post",
        f"{API}/me/password",
        {"old_password": PASSWORD, "new_password": "Liangfeng-2026"},
    )
    assert response.status_code == 200
    assert Session.objects.count() == 0


# ---- registration units -------------------------------------------------------------------


def test_the_units_a_village_cadre_may_register_households_in(village_cadre_a):
    response = bearer(village_cadre_a).get(f"{API}/units")
    assert response.json() == [
        {"code": "500110103201", "name": "凉风村", "kind": "village", "parent": "500110103"},
        {"code": "500110103201-01", "name": "1组", "kind": "group", "parent": "500110103201"},
    ]


def test_the_units_of_a_township_officer_are_every_village_and_group_of_the_township(
    township_officer,
):
    codes = [unit["code"] for unit in bearer(township_officer).get(f"{API}/units").json()]
    assert codes == ["500110103201", "500110103201-01", "500110103202", "500110103202-01"]


@pytest.mark.parametrize("persona", ["leader", "department_staff", "helper_cadre"])
def test_a_role_that_does_not_register_households_gets_no_units(request, persona):
    response = bearer(request.getfixturevalue(persona)).get(f"{API}/units")
    assert (response.status_code, response.json()) == (200, [])


# ---- OpenAPI ------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_account_routes_with_their_error_shape(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    found = {path: set(ops) for path, ops in paths.items() if path.startswith(f"{API}/")}
    assert found == {
        f"{API}/me": {"get"},
        f"{API}/me/password": {"post"},
        f"{API}/units": {"get"},
        f"{API}/users": {"get", "post"},
        f"{API}/users/{{user_id}}": {"get", "patch"},
        f"{API}/users/{{user_id}}/deactivate": {"post"},
        f"{API}/users/{{user_id}}/reactivate": {"post"},
        f"{API}/users/{{user_id}}/password": {"post"},
        f"{API}/users/{{user_id}}/tokens": {"delete"},
    }
    patch = paths[f"{API}/users/{{user_id}}"]["patch"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(patch["responses"])
    assert all(op["summary"] and op["description"] for ops in found for op in paths[ops].values())
