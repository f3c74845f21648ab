"""The account pages: user management for the roles that may manage users, and every user's
own profile and password."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from fupin.accounts.actions import token_create
from fupin.accounts.models import AuditEvent, User
from fupin.tests.clients import session

PASSWORD = "pass-word-123"


NEW_CADRE = {
    "username": "wang_li",
    "display_name": "王丽",
    "role": "village_cadre",
    "unit": "500110103201",
    "phone": "13912345678",
}


def test_the_nav_offers_user_management_only_to_roles_that_may_manage_users(
    township_officer, village_cadre_a
):
    officer_page = session(township_officer).get("/registry/households/").content.decode()
    cadre_page = session(village_cadre_a).get("/registry/households/").content.decode()
    assert 'href="/accounts/users/"' in officer_page
    assert 'href="/accounts/users/"' not in cadre_page
    assert 'href="/accounts/profile/"' in cadre_page  # everyone reaches their own account


def test_the_user_list_shows_the_township_officers_people_and_no_one_else(
    township_officer, village_cadre_a, work_team_a, other_cadre, leader
):
    response = session(township_officer).get("/accounts/users/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "cadre_a" in text and "team_a" in text
    assert "cadre_y" not in text and ">leader<" not in text
    assert "用户管理" in text


def test_the_user_list_searches(township_officer, village_cadre_a, work_team_a):
    text = session(township_officer).get("/accounts/users/", {"q": "team"}).content.decode()
    assert "team_a" in text and "cadre_a" not in text


def test_a_filter_value_not_on_offer_is_ignored_and_the_rest_still_applies(
    township_officer, village_cadre_a, work_team_a, other_township
):
    query = {"q": "team", "role": "county_officer", "unit": "500110104"}
    response = session(township_officer).get("/accounts/users/", query)
    text = response.content.decode()
    assert response.status_code == 200
    assert "team_a" in text and "cadre_a" not in text


@pytest.mark.parametrize(
    "url",
    ["/accounts/users/", "/accounts/users/new/"],
)
@pytest.mark.parametrize("persona", ["village_cadre_a", "leader", "county_officer"])
def test_user_management_pages_are_forbidden_to_roles_without_the_capability(request, url, persona):
    assert session(request.getfixturevalue(persona)).get(url).status_code == 403


def test_an_account_of_another_township_is_not_found(township_officer, other_cadre):
    client = session(township_officer)
    for suffix in ("", "edit/", "deactivate/", "password/", "tokens/revoke/"):
        assert client.get(f"/accounts/users/{other_cadre.pk}/{suffix}").status_code == 404
        assert client.post(f"/accounts/users/{other_cadre.pk}/{suffix}", {}).status_code == 404
    other_cadre.refresh_from_db()
    assert other_cadre.is_active


def test_creating_an_account_shows_the_generated_password_once_and_not_in_a_message(
    township_officer,
):
    # when
    response = session(township_officer).post("/accounts/users/new/", NEW_CADRE)
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    assert "只显示这一次" in response.content.decode()
    assert not [str(m) for m in get_messages(response.wsgi_request)]
    assert Client().login(username="wang_li", password=password) is True


def test_creating_an_account_with_a_chosen_password_redirects_to_it(township_officer):
    form = {**NEW_CADRE, "password": "Liangfeng-2025", "password_confirm": "Liangfeng-2025"}
    response = session(township_officer).post("/accounts/users/new/", form, follow=True)
    user = User.objects.get(username="wang_li")
    assert response.redirect_chain[-1][0] == f"/accounts/users/{user.pk}/"
    assert "账号已创建。" in response.content.decode()
    assert user.check_password("Liangfeng-2025")


def test_mismatched_passwords_are_refused_on_the_form(township_officer):
    form = {**NEW_CADRE, "password": "Liangfeng-2025", "password_confirm": "Liangfeng-2026"}
    response = session(township_officer).post("/accounts/users/new/", form)
    assert "两次输入的密码不一致。" in response.content.decode()
    assert not User.objects.filter(username="wang_li").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "500110104201"}, "您只能把用户安排在自己辖区内的单位。"),
        ({"role": "township_officer", "unit": "500110103"}, "您不能授予“镇扶贫中心”角色。"),
        ({"unit": "500110103"}, "该角色不能隶属于此类单位。"),
        ({"username": "cadre_a"}, "该用户名已被使用。"),
    ],
)
def test_a_refused_creation_is_explained_on_the_form_in_chinese(
    township_officer, village_cadre_a, other_township, changes, message
):
    audit_before = AuditEvent.objects.count()
    response = session(township_officer).post("/accounts/users/new/", {**NEW_CADRE, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(display_name="王丽").exists()
    assert AuditEvent.objects.count() == audit_before


def test_the_detail_page_shows_the_account_its_tokens_and_its_history(
    township_officer, village_cadre_a
):
    raw = token_create(actor=township_officer, user=village_cadre_a, label="手机")
    session(township_officer).post(
        f"/accounts/users/{village_cadre_a.pk}/edit/",
        {
            "display_name": "罗德明",
            "phone": "13598765432",
            "role": "work_team",
            "unit": "500110103201",
        },
    )
    text = session(township_officer).get(f"/accounts/users/{village_cadre_a.pk}/").content.decode()
    assert "罗德明" in text and raw[:8] in text and raw not in text
    assert "修改账号信息" in text and "村两委" in text and "驻村工作队" in text
    assert "创建 API 令牌" in text


def test_deactivating_through_the_page_keeps_the_account_and_blocks_the_login(
    township_officer, village_cadre_a
):
    response = session(township_officer).post(
        f"/accounts/users/{village_cadre_a.pk}/deactivate/", {"reason": "调离本村"}, follow=True
    )
    assert "账号已停用。" in response.content.decode()
    login = Client().post("/login/", {"username": "cadre_a", "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in login.wsgi_request.session
    assert User.objects.get(pk=village_cadre_a.pk).is_active is False


def test_a_manager_cannot_deactivate_themselves_through_the_page(township_admin):
    response = session(township_admin).post(f"/accounts/users/{township_admin.pk}/deactivate/", {})
    assert response.status_code == 200
    assert "不能停用自己的账号。" in response.content.decode()
    township_admin.refresh_from_db()
    assert township_admin.is_active


def test_a_manager_cannot_change_their_own_role_through_the_page(township_admin):
    response = session(township_admin).post(
        f"/accounts/users/{township_admin.pk}/edit/",
        {"display_name": "管理员", "role": "village_cadre", "unit": "500110103201"},
        follow=True,
    )
    township_admin.refresh_from_db()
    # the role and unit fields are disabled for oneself: what is posted for them is ignored
    assert (township_admin.role, township_admin.display_name) == ("system_admin", "管理员")
    assert response.status_code == 200


def test_reactivating_and_resetting_through_the_pages(township_officer, village_cadre_a):
    client = session(township_officer)
    client.post(f"/accounts/users/{village_cadre_a.pk}/deactivate/", {})
    client.post(f"/accounts/users/{village_cadre_a.pk}/reactivate/", {"reason": "返岗"})
    response = client.post(f"/accounts/users/{village_cadre_a.pk}/password/", {})
    password = response.context["password"]
    assert Client().login(username="cadre_a", password=password) is True


def test_revoking_tokens_through_the_page(township_officer, village_cadre_a):
    raw = token_create(actor=None, user=village_cadre_a)
    response = session(township_officer).post(
        f"/accounts/users/{village_cadre_a.pk}/tokens/revoke/", {}, follow=True
    )
    assert "已吊销 1 个 API 令牌。" in response.content.decode()
    cadre = Client(headers={"authorization": f"Bearer {raw}"})
    assert cadre.get("/api/v1/accounts/me").status_code == 401


# ---- one's own account --------------------------------------------------------------------


def test_every_user_sees_their_own_profile_with_their_whole_phone(leader):
    User.objects.filter(pk=leader.pk).update(phone="13812345678")
    text = session(leader).get("/accounts/profile/").content.decode()
    assert "13812345678" in text and "leader" in text and "领导" in text
    assert 'href="/accounts/users/"' not in text


def test_changing_ones_own_password_requires_the_old_one(village_cadre_a):
    client = session(village_cadre_a)
    form = {"new_password": "Liangfeng-2026", "new_password_confirm": "Liangfeng-2026"}
    wrong = client.post("/accounts/password/", {**form, "old_password": "nope"})
    assert "原密码不正确。" in wrong.content.decode()
    response = client.post("/accounts/password/", {**form, "old_password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "密码已修改。" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 200  # still logged in
    assert Client().login(username="cadre_a", password="Liangfeng-2026") is True


def test_a_weak_new_password_is_refused_on_the_form(village_cadre_a):
    response = session(village_cadre_a).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "12345678", "new_password_confirm": "12345678"},
    )
    assert "密码只包含数字。" in response.content.decode()
    village_cadre_a.refresh_from_db()
    assert village_cadre_a.check_password(PASSWORD)
