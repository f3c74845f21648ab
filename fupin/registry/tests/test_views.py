"""The registry pages: scope, search, masking, the forms, their refusals, and the language."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.accounts.models import AuditEvent
from fupin.core.masking import mask_id_number, mask_phone
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, StatusChange
from fupin.registry.tests.factories import HouseholdFactory, MemberFactory, id_number

VILLAGE_A = "500110103201"
GROUP_A1 = "500110103201-01"
VILLAGE_B = "500110103202"
LIST_URL = reverse("registry:household_list")


def detail_url(household):
    return reverse("registry:household_detail", args=[household.pk])


def url(name, household, *more):
    return reverse(f"registry:{name}", args=[household.pk, *more])


def page(client, user, path, **params):
    client.force_login(user)
    response = client.get(path, params)
    return response, response.content.decode()


def post(client, user, path, data):
    client.force_login(user)
    return client.post(path, data, follow=True)


def results(html):
    """The result table of the list page, without the search form that echoes the query."""
    return html[html.index('id="household-results"') :]


def history(html):
    """The text of the change history section of the household page."""
    section = html[html.index('id="history"') :]
    return " ".join(re.sub(r"<[^>]+>", "", section).split())


def head_of(household):
    return household.members.get(relation="户主", status="active")


def wrong_check_character(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


def snapshot(household):
    """What a refused write must leave untouched."""
    household.refresh_from_db()
    return (
        household.version,
        list(household.members.values_list("id", "name", "status", "education", "relation")),
        list(household.incomes.values_list("year", "wage")),
        list(household.risks.values_list("risk_type", flat=True)),
        household.household_type,
        household.monitoring_category,
        AuditEvent.objects.count(),
    )


# ---- the list: scope ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("township_officer", True, True),
        ("department_staff", True, True),
        ("village_cadre_a", True, False),
        ("village_cadre_b", False, True),
        ("work_team_a", True, False),
        ("leader", True, True),
        ("county_officer", True, True),
        ("system_admin", True, True),
    ],
)
def test_the_list_shows_each_role_only_the_households_in_its_scope(
    client, request, household_a, household_b, persona, sees_a, sees_b
):
    # given
    user = request.getfixturevalue(persona)
    # when
    response, html = page(client, user, LIST_URL)
    # then
    assert response.status_code == 200
    assert ("张三" in html, "李四" in html) == (sees_a, sees_b)
    assert (household_a.national_number in html) == sees_a


def test_village_cadre_b_never_sees_household_a_even_when_searching_for_it(
    client, village_cadre_b, household_a, household_b
):
    for params in ({"q": "张三"}, {"q": household_a.national_number}, {"village": VILLAGE_A}):
        _, html = page(client, village_cadre_b, LIST_URL, **params)
        assert "张三" not in results(html)
        assert household_a.national_number not in results(html)


def test_a_helper_cadre_sees_only_the_households_paired_to_them(
    client, helper_cadre, household_a, household_b, pair
):
    # given
    pair(helper_cadre, household_b)
    # when
    _, html = page(client, helper_cadre, LIST_URL)
    # then
    assert "李四" in html and "张三" not in html


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, household_a):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_page_renders_in_chinese(client, township_officer, household_a):
    _, html = page(client, township_officer, LIST_URL)
    for term in (
        "户编号",
        "户主姓名",
        "户主证件号码",
        "人数",
        "户类型",
        "监测对象类别",
        "致贫原因",
    ):
        assert term in html
    assert "脱贫户" in html


# ---- the list: search, filters, pages -----------------------------------------------------


@pytest.mark.parametrize(
    "term_of",
    [
        pytest.param(lambda h: "张三", id="name"),
        pytest.param(lambda h: "张", id="part of the name"),
        pytest.param(lambda h: head_of(h).id_number, id="id number"),
        pytest.param(lambda h: head_of(h).id_number.lower(), id="id number with lower-case x"),
        pytest.param(lambda h: h.national_number, id="household number"),
    ],
)
def test_search_finds_a_household_by_name_id_number_or_household_number(
    client, township_officer, household_a, household_b, term_of
):
    _, html = page(client, township_officer, LIST_URL, q=term_of(household_a))
    assert "张三" in results(html) and "李四" not in results(html)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("village", VILLAGE_A),
        ("group", GROUP_A1),
        ("household_type", "一般农户"),
        ("monitoring_category", "脱贫不稳定户"),
        ("cause", "因病"),
        ("risk_type", "01"),
    ],
)
def test_each_filter_keeps_only_the_matching_households(
    client, township_officer, household_a, household_b, field, value
):
    # given household_a matches every filter and household_b none
    Household.objects.filter(pk=household_a.pk).update(
        household_type="一般农户", monitoring_category="脱贫不稳定户", main_cause="因病"
    )
    HouseholdRisk.objects.create(
        household=household_a, risk_type="01", noted_on=dt.date(2025, 1, 1)
    )
    # when
    _, html = page(client, township_officer, LIST_URL, **{field: value})
    # then
    assert "张三" in html and "李四" not in html


def test_the_village_filter_offers_only_the_villages_the_user_may_see(client, village_cadre_a):
    _, html = page(client, village_cadre_a, LIST_URL)
    assert f'value="{VILLAGE_A}"' in html
    assert f'value="{VILLAGE_B}"' not in html


def test_the_list_shows_50_households_a_page_and_the_page_links_keep_the_filters(
    client, township_officer, org
):
    # given
    for _ in range(60):
        MemberFactory(
            household=HouseholdFactory(village=org["village_a"], household_type="一般农户")
        )
    HouseholdFactory(village=org["village_a"], household_type="脱贫户")
    # when
    _, first = page(client, township_officer, LIST_URL, household_type="一般农户")
    _, second = page(client, township_officer, LIST_URL, household_type="一般农户", page=2)
    # then
    row = re.compile(r'<td><a href="/registry/households/\d+/">')
    assert len(set(row.findall(first))) == 50 and len(set(row.findall(second))) == 10
    assert "household_type=%E4%B8%80%E8%88%AC%E5%86%9C%E6%88%B7&amp;page=2" in first
    assert "60" in first


def test_a_live_search_from_htmx_gets_only_the_results_table(
    client, township_officer, household_a, household_b
):
    client.force_login(township_officer)
    response = client.get(LIST_URL, {"q": "张三"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<table" in html and "张三" in html and "李四" not in html
    assert "<html" not in html and "navbar" not in html
    assert "HX-Request" in response["Vary"]


def test_the_list_page_takes_a_bounded_number_of_queries(
    client, township_officer, org, django_assert_max_num_queries
):
    # given
    for index in range(30):
        household = HouseholdFactory(village=org["village_a"], group=org["group_a1"])
        MemberFactory(household=household, name=f"户主{index}")
        MemberFactory(household=household, relation="配偶", sex="2")
    client.force_login(township_officer)
    # when
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)
    # then
    assert response.content.decode().count("户主") >= 30


# ---- masking ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "department_staff"])
def test_read_only_roles_see_id_numbers_and_phones_masked(client, request, household_a, persona):
    # given
    user = request.getfixturevalue(persona)
    head = head_of(household_a)
    # when
    _, listing = page(client, user, LIST_URL)
    _, detail = page(client, user, detail_url(household_a))
    # then
    for html in (listing, detail):
        assert head.id_number not in html
        assert mask_id_number(head.id_number) in html
    assert head.phone not in detail and mask_phone(head.phone) in detail


@pytest.mark.parametrize("persona", ["village_cadre_a", "work_team_a", "township_officer"])
def test_cadres_see_id_numbers_and_phones_in_full(client, request, household_a, persona):
    user = request.getfixturevalue(persona)
    head = head_of(household_a)
    _, listing = page(client, user, LIST_URL)
    _, detail = page(client, user, detail_url(household_a))
    assert head.id_number in listing and head.id_number in detail and head.phone in detail


def test_the_history_masks_personal_data_for_roles_that_may_not_see_it(
    client, village_cadre_a, leader, household_a
):
    # given a cadre adds a person with an ID number and a phone
    number = id_number(dt.date(2005, 6, 1))
    post(
        client,
        village_cadre_a,
        url("member_add", household_a),
        member_data(
            household_a, name="张小", id_number=number, relation="之子", phone="13912345678"
        ),
    )
    # when
    _, for_leader = page(client, leader, detail_url(household_a))
    _, for_cadre = page(client, village_cadre_a, detail_url(household_a))
    # then
    assert number not in for_leader and "13912345678" not in for_leader
    assert mask_id_number(number) in for_leader
    assert number in for_cadre and "13912345678" in for_cadre


# ---- the household page -------------------------------------------------------------------


def test_the_household_page_shows_facts_people_income_risks_helpers_status_and_history(
    client, village_cadre_a, household_a, helper_cadre, pair, org
):
    # given
    Household.objects.filter(pk=household_a.pk).update(
        housing_grade="C", arable_land_mu=Decimal("2.50"), water_safe=True
    )
    MemberFactory(household=household_a, name="张走", relation="之子", status="removed")
    IncomeRecord.objects.create(
        household=household_a,
        year=2024,
        wage=Decimal("18000"),
        household_size=2,
        net_income=Decimal("18000"),
        per_capita_net_income=Decimal("9000"),
    )
    HouseholdRisk.objects.create(
        household=household_a, risk_type="01", noted_on=dt.date(2025, 1, 1)
    )
    helper_cadre.display_name = "帮扶甲"
    helper_cadre.save()
    pair(helper_cadre, household_a)
    # when
    response, html = page(client, village_cadre_a, detail_url(household_a))
    # then
    assert response.status_code == 200
    for text in ("C：局部危房", "2.50", "张三", "张走", "已减少的成员", "18000.00", "9000.00"):
        assert text in html
    assert (
        "家庭纯收入 = 工资性收入 + 生产经营性收入 + 财产性收入 + 转移性收入 − 生产经营性支出"
        in html
    )
    assert "人均纯收入 = 家庭纯收入 ÷ 家庭人口数" in html
    assert "01 因病" in html and "帮扶甲" in html


def facts(html):
    """The basic facts of the household page as {label: value}."""
    pairs = re.findall(r'<dt class="col-6">(.*?)</dt>\s*<dd class="col-6">(.*?)</dd>', html, re.S)
    return {label.strip(): value.strip() for label, value in pairs}


def test_the_household_page_shows_whether_how_and_when_the_risk_was_eliminated(
    client, village_cadre_a, household_a
):
    # given
    Household.objects.filter(pk=household_a.pk).update(
        risk_eliminated=True, elimination_mode="自然消除", risk_eliminated_on=dt.date(2025, 9, 30)
    )
    # when
    response, html = page(client, village_cadre_a, detail_url(household_a))
    # then
    assert response.status_code == 200
    shown = facts(html)
    assert (shown["风险是否已消除"], shown["风险消除方式"], shown["风险消除日期"]) == (
        "是",
        "自然消除",
        "2025-09-30",
    )


@pytest.mark.parametrize(
    ("persona", "paired"), [("village_cadre_b", False), ("helper_cadre", False)]
)
def test_a_household_out_of_scope_is_not_found(client, request, household_a, persona, paired):
    user = request.getfixturevalue(persona)
    response, _ = page(client, user, detail_url(household_a))
    assert response.status_code == 404


def test_a_household_that_does_not_exist_is_not_found(client, township_officer):
    response, html = page(client, township_officer, reverse("registry:household_detail", args=[9]))
    assert response.status_code == 404 and "记录不存在" in html


def test_a_member_of_another_household_cannot_be_edited_through_this_one(
    client, township_officer, household_a, household_b
):
    other = head_of(household_b)
    response, _ = page(client, township_officer, url("member_edit", household_a, other.pk))
    assert response.status_code == 404


# ---- buttons by capability ----------------------------------------------------------------


def test_write_buttons_are_shown_only_to_roles_that_may_write(
    client, leader, village_cadre_a, township_officer, household_a
):
    _, for_leader = page(client, leader, detail_url(household_a))
    _, for_cadre = page(client, village_cadre_a, detail_url(household_a))
    _, for_officer = page(client, township_officer, detail_url(household_a))
    assert url("household_edit", household_a) not in for_leader
    assert url("member_add", household_a) not in for_leader
    assert url("household_edit", household_a) in for_cadre
    assert url("household_change_status", household_a) not in for_cadre
    assert url("household_change_status", household_a) in for_officer
    _, list_for_leader = page(client, leader, LIST_URL)
    _, list_for_cadre = page(client, village_cadre_a, LIST_URL)
    assert "登记新户" not in list_for_leader and "登记新户" in list_for_cadre


@pytest.mark.parametrize(
    ("persona", "name", "data"),
    [
        ("leader", "household_edit", {"address": "改"}),
        ("department_staff", "member_add", {"name": "某"}),
        ("leader", "income_record", {"year": "2024", "wage": "1"}),
        ("village_cadre_a", "household_change_status", {"reason": "试"}),
        ("leader", "household_risks", {"risk_types": ["01"]}),
    ],
)
def test_a_role_without_the_capability_is_refused_with_403(
    client, request, household_a, persona, name, data
):
    # given
    user = request.getfixturevalue(persona)
    before = snapshot(household_a)
    client.force_login(user)
    # when
    response = client.post(url(name, household_a), {**data, "version": household_a.version})
    # then
    assert response.status_code == 403
    assert "无权" in response.content.decode()
    assert snapshot(household_a) == before


def test_a_role_without_the_capability_cannot_register_a_household(client, leader, helper_cadre):
    for user in (leader, helper_cadre):
        client.force_login(user)
        response = client.post(reverse("registry:household_register"), register_data())
        assert response.status_code == 403
    assert Household.objects.count() == 0


# ---- forms that succeed -------------------------------------------------------------------


def register_data(**extra):
    return {
        "village": VILLAGE_A,
        "group": GROUP_A1,
        "national_number": "500110103201000777",
        "household_type": "一般农户",
        "main_cause": "因病",
        "housing_grade": "B",
        "head_name": "王五",
        "head_id_type": "居民身份证",
        "head_id_number": id_number(dt.date(1975, 3, 4)),
        "head_ethnicity": "汉族",
        "head_health": "健康",
        "head_labour_skill": "普通劳动力",
        "head_resident_medical_insurance": "on",
        **extra,
    }


def member_data(household, **extra):
    return {
        "version": household.version,
        "name": "张小",
        "id_type": "居民身份证",
        "id_number": id_number(dt.date(2005, 6, 1)),
        "relation": "之子",
        "ethnicity": "汉族",
        "health": "健康",
        "education": "高中",
        "labour_skill": "普通劳动力",
        "resident_medical_insurance": "on",
        **extra,
    }


def test_registering_a_household_writes_it_with_its_head(client, village_cadre_a, org):
    # given
    data = register_data()
    # when
    response = post(client, village_cadre_a, reverse("registry:household_register"), data)
    # then
    household = Household.objects.get()
    head = head_of(household)
    assert (household.village, household.group) == (org["village_a"], org["group_a1"])
    assert (household.household_type, household.main_cause) == ("一般农户", "因病")
    assert (head.name, head.id_number, head.birth_date) == (
        "王五",
        data["head_id_number"],
        dt.date(1975, 3, 4),
    )
    assert response.redirect_chain[-1][0] == detail_url(household)
    html = response.content.decode()
    assert "已登记新户" in html
    assert "建档（登记新户）" in history(html) and "王五" in history(html)


def test_editing_the_household_saves_the_facts_and_the_history_shows_old_and_new(
    client, village_cadre_a, household_a
):
    # given
    data = {
        "version": household_a.version,
        "village": VILLAGE_A,
        "group": GROUP_A1,
        "national_number": household_a.national_number,
        "address": "凉风村3号",
        "housing_grade": "D",
        "house_area": "85.5",
        "water_safe": "true",
        "arable_land_mu": "1.2",
        "reason": "入户核实",
    }
    # when
    response = post(client, village_cadre_a, url("household_edit", household_a), data)
    # then
    household_a.refresh_from_db()
    assert (household_a.address, household_a.housing_grade) == ("凉风村3号", "D")
    assert (household_a.house_area, household_a.water_safe) == (Decimal("85.50"), True)
    html = response.content.decode()
    assert "户信息已保存" in html
    assert "修改户信息" in history(html) and "入户核实" in history(html)
    assert "危房等级" in history(html) and "D：整幢危房" in history(html)


def test_adding_a_member_writes_the_person_and_the_history_shows_it(
    client, village_cadre_a, household_a
):
    data = member_data(household_a)
    response = post(client, village_cadre_a, url("member_add", household_a), data)
    member = household_a.members.get(name="张小")
    assert (member.id_number, member.relation, member.birth_date) == (
        data["id_number"],
        "之子",
        dt.date(2005, 6, 1),
    )
    html = response.content.decode()
    assert "已新增 张小" in html
    assert "新增家庭成员 · 张小" in history(html)


def test_editing_a_member_saves_the_change_and_the_history_shows_old_and_new(
    client, village_cadre_a, household_a
):
    # given
    head = head_of(household_a)
    data = {
        **member_data(household_a),
        "name": head.name,
        "id_number": head.id_number,
        "relation": "户主",
        "education": "大专及以上",
        "phone": head.phone,
    }
    # when
    response = post(client, village_cadre_a, url("member_edit", household_a, head.pk), data)
    # then
    head.refresh_from_db()
    assert head.education == "大专及以上"
    html = response.content.decode()
    assert "修改家庭成员信息" in history(html)
    assert "文化程度: — → 大专及以上" in history(html)


def test_removing_a_member_keeps_the_record_among_the_removed(client, village_cadre_a, household_a):
    # given
    son = MemberFactory(household=household_a, name="张走", relation="之子")
    household_a.refresh_from_db()
    data = {
        "version": household_a.version,
        "reason": "moved_out",
        "removed_on": "2025-03-01",
        "note": "户口迁出",
    }
    # when
    response = post(client, village_cadre_a, url("member_remove", household_a, son.pk), data)
    # then
    son.refresh_from_db()
    assert (son.status, son.removed_reason, son.removed_on) == (
        "removed",
        "moved_out",
        dt.date(2025, 3, 1),
    )
    html = response.content.decode()
    assert "已减少的成员" in html
    assert "减少家庭成员 · 张走" in history(html) and "户口迁出" in history(html)


def test_recording_income_accepts_thousands_separators_and_applies_the_formula(
    client, village_cadre_a, household_a
):
    # given
    data = {
        "version": household_a.version,
        "year": "2024",
        "wage": "12,000",
        "business": "3000元",
        "transfer": "1,500.50",
        "business_expense": "500",
        "household_size": "2",
    }
    # when
    response = post(client, village_cadre_a, url("income_record", household_a), data)
    # then
    record = household_a.incomes.get(year=2024)
    assert (record.wage, record.business, record.net_income, record.per_capita_net_income) == (
        Decimal("12000.00"),
        Decimal("3000.00"),
        Decimal("16000.50"),
        Decimal("8000.25"),
    )
    html = response.content.decode()
    assert "已录入 2024 年收入" in html and "16000.50" in html
    assert "录入年度收入" in history(html) and "12000.00" in history(html)


def test_an_officer_changes_the_status_with_a_date_and_a_reason(
    client, township_officer, household_a
):
    # given
    data = {
        "version": household_a.version,
        "household_type": "脱贫户",
        "monitoring_category": "脱贫不稳定户",
        "effective_on": "2025-04-01",
        "reason": "因病返贫风险，经村民代表会议评议",
    }
    # when
    response = post(client, township_officer, url("household_change_status", household_a), data)
    # then
    household_a.refresh_from_db()
    assert household_a.monitoring_category == "脱贫不稳定户"
    change = StatusChange.objects.get(household=household_a)
    assert (change.effective_on, change.reason) == (dt.date(2025, 4, 1), data["reason"])
    html = response.content.decode()
    assert "已变更户类型或监测对象类别" in html
    assert "变更户类型/监测对象类别" in history(html) and data["reason"] in history(html)
    assert "— → 脱贫不稳定户" in history(html)


def test_setting_risk_types_replaces_them_and_the_history_shows_it(
    client, village_cadre_a, household_a
):
    # given
    HouseholdRisk.objects.create(
        household=household_a, risk_type="99", noted_on=dt.date(2025, 1, 1)
    )
    household_a.refresh_from_db()
    data = {"version": household_a.version, "risk_types": ["01", "0201"]}
    # when
    response = post(client, village_cadre_a, url("household_risks", household_a), data)
    # then
    assert sorted(household_a.risks.values_list("risk_type", flat=True)) == ["01", "0201"]
    html = response.content.decode()
    assert "风险类型已保存" in html
    assert "设置风险类型" in history(html) and "99 其他 → 01 因病、0201 洪涝" in history(html)


# ---- forms that are refused ---------------------------------------------------------------


def test_an_invalid_id_number_is_refused_with_its_reason_and_nothing_is_written(
    client, village_cadre_a, household_a
):
    # given
    before = snapshot(household_a)
    bad = wrong_check_character(id_number(dt.date(2005, 6, 1)))
    # when
    response = post(
        client,
        village_cadre_a,
        url("member_add", household_a),
        member_data(household_a, id_number=bad),
    )
    # then
    assert "身份证号码校验码不正确" in response.content.decode()
    assert snapshot(household_a) == before


def test_registering_with_an_invalid_id_number_writes_nothing(client, village_cadre_a):
    bad = wrong_check_character(id_number(dt.date(1975, 3, 4)))
    data = register_data(head_id_number=bad)
    response = post(client, village_cadre_a, reverse("registry:household_register"), data)
    html = response.content.decode()
    assert "身份证号码校验码不正确" in html
    assert Household.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_duplicate_id_number_is_refused_naming_the_household(
    client, village_cadre_a, household_a
):
    before = snapshot(household_a)
    existing = head_of(household_a).id_number
    data = member_data(household_a, id_number=existing)
    response = post(client, village_cadre_a, url("member_add", household_a), data)
    assert "该证件号码已登记在" in response.content.decode()
    assert snapshot(household_a) == before


def test_a_second_head_is_refused(client, village_cadre_a, household_a):
    before = snapshot(household_a)
    data = member_data(household_a, relation="户主")
    response = post(client, village_cadre_a, url("member_add", household_a), data)
    assert "本户已有户主" in response.content.decode()
    assert snapshot(household_a) == before


def test_an_amount_that_is_not_a_number_is_refused(client, village_cadre_a, household_a):
    before = snapshot(household_a)
    data = {"version": household_a.version, "year": "2024", "wage": "一万"}
    response = post(client, village_cadre_a, url("income_record", household_a), data)
    html = response.content.decode()
    assert "请输入以元为单位的金额" in html
    assert snapshot(household_a) == before and IncomeRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("relation", "外星人"), ("education", "博士后"), ("health", "很好")]
)
def test_a_value_outside_the_code_list_is_refused(
    client, village_cadre_a, household_a, field, value
):
    before = snapshot(household_a)
    data = member_data(household_a, **{field: value})
    response = post(client, village_cadre_a, url("member_add", household_a), data)
    assert f"“{value}”不是该字段代码表中的值" in response.content.decode()
    assert snapshot(household_a) == before


def test_an_unknown_village_posted_to_registration_is_refused(client, village_cadre_b):
    data = register_data(village=VILLAGE_A, group="")
    response = post(client, village_cadre_b, reverse("registry:household_register"), data)
    assert "请选择您辖区内的村" in response.content.decode()
    assert Household.objects.count() == 0


def test_an_edit_opened_before_someone_elses_change_is_refused(
    client, village_cadre_a, work_team_a, household_a
):
    # given both open the household; the work team saves first
    opened = household_a.version
    post(
        client,
        work_team_a,
        url("household_edit", household_a),
        {"version": opened, "village": VILLAGE_A, "group": GROUP_A1, "address": "新地址"},
    )
    before = snapshot(household_a)
    # when the cadre saves the form opened earlier
    response = post(
        client,
        village_cadre_a,
        url("household_edit", household_a),
        {"version": opened, "village": VILLAGE_A, "group": GROUP_A1, "address": "旧表单"},
    )
    # then
    assert "在您打开之后，其他人修改了此户" in response.content.decode()
    assert snapshot(household_a) == before
    household_a.refresh_from_db()
    assert household_a.address == "新地址"


def test_a_stale_member_form_is_refused(client, village_cadre_a, household_a):
    before = snapshot(household_a)
    data = member_data(household_a, version=household_a.version - 1)
    response = post(client, village_cadre_a, url("member_add", household_a), data)
    assert "其他人修改了此户" in response.content.decode()
    assert snapshot(household_a) == before


def test_a_status_change_without_a_reason_is_refused(client, township_officer, household_a):
    before = snapshot(household_a)
    data = {
        "version": household_a.version,
        "household_type": "脱贫户",
        "monitoring_category": "脱贫不稳定户",
        "effective_on": "2025-04-01",
        "reason": "  ",
    }
    response = post(client, township_officer, url("household_change_status", household_a), data)
    assert "请填写变更原因" in response.content.decode()
    assert snapshot(household_a) == before and StatusChange.objects.count() == 0


def test_an_unknown_risk_type_is_refused(client, village_cadre_a, household_a):
    before = snapshot(household_a)
    data = {"version": household_a.version, "risk_types": ["01", "88"]}
    response = post(client, village_cadre_a, url("household_risks", household_a), data)
    assert "“88”不是该字段代码表中的值" in response.content.decode()
    assert snapshot(household_a) == before


# ---- login, language, assets --------------------------------------------------------------


def test_the_login_page_is_chinese_and_reports_a_wrong_password(client, village_cadre_a):
    response = client.post(reverse("login"), {"username": "cadre_a", "password": "wrong"})
    html = response.content.decode()
    assert "用户名" in html and "密码" in html and "用户名或密码错误" in html


def test_logging_in_leads_to_the_household_list_with_the_users_name_role_and_unit(
    client, village_cadre_a
):
    response = client.post(
        reverse("login"), {"username": "cadre_a", "password": "pass-word-123"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == LIST_URL
    assert village_cadre_a.display_name in html and "村两委" in html and "凉风村" in html


def test_logging_out_is_a_post(client, village_cadre_a):
    client.force_login(village_cadre_a)
    client.post(reverse("logout"))
    assert client.get(LIST_URL).status_code == 302


def test_the_language_switch_turns_the_pages_to_english(client, township_officer, household_a):
    client.force_login(township_officer)
    client.post(reverse("set_language"), {"language": "en", "next": LIST_URL})
    html = client.get(LIST_URL).content.decode()
    assert "Household type" in html and "Lifted out of poverty" in html and "户类型" not in html


def test_no_page_loads_anything_from_the_internet(client, village_cadre_a, household_a):
    pages = [LIST_URL, detail_url(household_a), url("member_add", household_a)]
    for path in pages:
        _, html = page(client, village_cadre_a, path)
        assert not re.search(r'(src|href)="(https?:)?//', html), path
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
