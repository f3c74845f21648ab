"""A password a manager generated or reset must be replaced by the user's own: until then every
page leads to the change-password page and the API answers 403 `password_change_required`."""

import json

import pytest
from django.test import Client

from fupin.accounts import actions
from fupin.accounts.actions import token_create
from fupin.accounts.models import User
from fupin.tests.clients import session

PASSWORD = "pass-word-123"
OWN_PASSWORD = "Liangfeng-river-2026"
CHANGE_PAGE = "/accounts/password/"


def must_change(user):
    return User.objects.get(pk=user.pk).password_change_required


def reset_by_manager(manager, user, password=None):
    generated = actions.user_reset_password(actor=manager, user=user, password=password)
    user.refresh_from_db()
    return generated or password


# ---- the flag -----------------------------------------------------------------------------


def test_an_account_created_with_a_generated_password_must_change_it(township_officer):
    # when
    user, generated = actions.user_create(
        actor=township_officer,
        username="wang_li",
        display_name="王丽",
        role="village_cadre",
        unit_code="500110103201",
    )
    # then
    assert generated and must_change(user) is True


def test_an_account_created_with_a_password_the_manager_chose_need_not_change_it(
    township_officer,
):
    user, generated = actions.user_create(
        actor=township_officer,
        username="wang_li",
        display_name="王丽",
        role="village_cadre",
        unit_code="500110103201",
        password=OWN_PASSWORD,
    )

    assert generated is None and must_change(user) is False


def test_an_account_added_from_the_command_line_need_not_change_its_password(org):
    user = actions.user_add(
        actor=None,
        username="first",
        role="township_officer",
        unit_code="500110103",
        password=OWN_PASSWORD,
    )

    assert must_change(user) is False


@pytest.mark.parametrize("chosen", [None, "Manager-chose-2026"])
def test_a_reset_by_a_manager_generated_or_chosen_must_be_changed(
    township_officer, village_cadre_a, chosen
):
    reset_by_manager(township_officer, village_cadre_a, chosen)

    assert must_change(village_cadre_a) is True


def test_changing_ones_own_password_clears_the_flag(township_officer, village_cadre_a):
    # given
    given = reset_by_manager(township_officer, village_cadre_a)
    # when
    actions.password_change_own(user=village_cadre_a, old_password=given, new_password=OWN_PASSWORD)
    # then
    assert must_change(village_cadre_a) is False


def test_a_refused_own_change_keeps_the_flag(township_officer, village_cadre_a):
    reset_by_manager(township_officer, village_cadre_a)

    with pytest.raises(actions.DomainError):
        actions.password_change_own(
            user=village_cadre_a, old_password="wrong", new_password=OWN_PASSWORD
        )

    assert must_change(village_cadre_a) is True


# ---- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/registry/households/", "/accounts/profile/", "/monitoring/cases/", "/datahub/batches/", "/"],
)
def test_every_page_leads_to_the_change_password_page_while_the_flag_is_set(
    township_officer, village_cadre_a, path
):
    reset_by_manager(township_officer, village_cadre_a)

    response = session(village_cadre_a).get(path)

    assert (response.status_code, response["Location"]) == (302, CHANGE_PAGE)


def test_a_post_to_another_page_is_not_carried_out_while_the_flag_is_set(
    township_admin, township_officer, village_cadre_a
):
    # given the officer must change the password, and yet tries to edit an account
    reset_by_manager(township_admin, township_officer)
    before = User.objects.get(pk=village_cadre_a.pk).display_name
    # when
    response = session(township_officer).post(
        f"/accounts/users/{village_cadre_a.pk}/edit/", {"display_name": "改名"}
    )
    # then
    assert (response.status_code, response["Location"]) == (302, CHANGE_PAGE)
    assert User.objects.get(pk=village_cadre_a.pk).display_name == before


def test_the_change_password_page_says_why_and_logging_out_still_works(
    township_officer, village_cadre_a
):
    reset_by_manager(township_officer, village_cadre_a)
    client = session(village_cadre_a)

    page = client.get(CHANGE_PAGE)

    assert page.status_code == 200
    assert "您的密码由管理员设置" in page.content.decode()
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_after_changing_the_password_on_the_page_the_pages_open_again(
    township_officer, village_cadre_a
):
    # given
    given = reset_by_manager(township_officer, village_cadre_a)
    client = Client()
    assert client.login(username=village_cadre_a.username, password=given)
    # when
    changed = client.post(
        CHANGE_PAGE,
        {
            "old_password": given,
            "new_password": OWN_PASSWORD,
            "new_password_confirm": OWN_PASSWORD,
        },
    )
    # then
    assert (changed.status_code, changed["Location"]) == (302, "/accounts/profile/")
    assert client.get("/registry/households/").status_code == 200
    assert "您的密码由管理员设置" not in client.get(CHANGE_PAGE).content.decode()


def test_a_user_who_need_not_change_the_password_is_not_redirected(village_cadre_a):
    assert session(village_cadre_a).get("/registry/households/").status_code == 200


# ---- the API ------------------------------------------------------------------------------


def bearer(user):
    return Client(headers={"authorization": f"Bearer {token_create(actor=None, user=user)}"})


@pytest.mark.parametrize("client_for", [session, bearer], ids=["session", "token"])
def test_the_api_answers_403_password_change_required_while_the_flag_is_set(
    township_officer, village_cadre_a, client_for
):
    # given
    reset_by_manager(township_officer, village_cadre_a)
    client = client_for(village_cadre_a)
    # when
    households = client.get("/api/v1/registry/households")
    cases = client.get("/api/v1/monitoring/cases")
    # then
    for response in (households, cases):
        assert response.status_code == 403
        error = response.json()
        assert error["code"] == "password_change_required"
        assert any("\u4e00" <= char <= "\u9fff" for char in error["message"])  # in Chinese
    # who am I still answers
    assert client.get("/api/v1/accounts/me").json()["username"] == village_cadre_a.username


def test_changing_the_password_through_the_api_opens_the_api_again(
    township_officer, village_cadre_a
):
    # given
    given = reset_by_manager(township_officer, village_cadre_a)
    client = bearer(village_cadre_a)
    # when
    changed = client.post(
        "/api/v1/accounts/me/password",
        json.dumps({"old_password": given, "new_password": OWN_PASSWORD}),
        content_type="application/json",
    )
    # then
    assert changed.status_code == 200, changed.content
    assert client.get("/api/v1/registry/households").status_code == 200
    assert must_change(village_cadre_a) is False
