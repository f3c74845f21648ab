"""The registry's JSON API: what each route answers, what it refuses, and what it writes."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.crypto import get_random_string

from fupin.accounts.actions import token_create
from fupin.accounts.models import ApiToken, AuditEvent
from fupin.accounts.tests.factories import unit
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdRisk,
    IncomeRecord,
    Member,
    StatusChange,
)
from fupin.registry.tests.factories import (
    HouseholdFactory,
    IncomeFactory,
    MemberFactory,
    id_number,
)
from fupin.tests.clients import session

API = "/api/v1/registry"


# ---- helpers ------------------------------------------------------------------------------


def bearer(user, **client_options):
    raw = token_create(actor=None, user=user)
    return Client(headers={"authorization": f"Bearer {raw}"}, **client_options)


def send(client, method, url, body=None):
    return getattr(client, method)(url, body, content_type="application/json")


def wrong_check_character(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


def audited(household):
    """The audit actions recorded for a household, oldest first."""
    return list(
        AuditEvent.objects.filter(subject_type="registry.household", subject_id=str(household.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def state(household):
    """Everything a write could change under a household, to prove a refusal wrote nothing."""
    household.refresh_from_db()
    return {
        "version": household.version,
        "fields": Household.objects.filter(pk=household.pk).values().get(),
        "members": list(Member.objects.filter(household=household).values()),
        "incomes": list(IncomeRecord.objects.filter(household=household).values()),
        "risks": list(HouseholdRisk.objects.filter(household=household).values()),
        "status_changes": StatusChange.objects.filter(household=household).count(),
        "audit": AuditEvent.objects.count(),
        "households": Household.objects.count(),
    }


def head_body(**extra):
    return {
        "name": "王五",
        "id_number": id_number(dt.date(1975, 3, 4)),
        "labour_skill": "普通劳动力",
        **extra,
    }


def register_body(**extra):
    return {
        "village": "500110103201",
        "group": "500110103201-01",
        "household_type": "一般农户",
        "main_cause": "因病",
        "housing_grade": "C",
        "head": head_body(),
        **extra,
    }


def household_with(village, people=1, removed=0, group=None, **fields):
    household = HouseholdFactory(village=village, group=group, **fields)
    MemberFactory(household=household)
    for _ in range(people - 1):
        MemberFactory(household=household, relation="之子")
    for _ in range(removed):
        MemberFactory(household=household, relation="之子", status="removed")
    return household


# ---- authentication -----------------------------------------------------------------------


def test_a_request_without_credentials_is_refused_as_unauthenticated(household_a):
    response = Client().get(f"{API}/households/{household_a.pk}")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "张三" not in response.content.decode()


@pytest.mark.parametrize("token", ["fp_not-a-token", "", "fp_"])
def test_an_invalid_bearer_token_is_refused_as_unauthenticated(household_a, token):
    client = Client(headers={"authorization": f"Bearer {token}"})

    response = send(client, "post", f"{API}/households", register_body())

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert Household.objects.count() == 1


def test_a_revoked_token_is_refused_as_unauthenticated(village_cadre_a, household_a):
    # given
    client = bearer(village_cadre_a)
    ApiToken.objects.update(revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    # when
    response = client.get(f"{API}/households")
    # then
    assert response.status_code == 401


def test_a_bearer_token_needs_no_csrf_token_even_when_csrf_is_enforced(village_cadre_a):
    client = bearer(village_cadre_a, enforce_csrf_checks=True)

    response = send(client, "post", f"{API}/households", register_body())

    assert response.status_code == 201
    assert response.json()["members"][0]["name"] == "王五"


def test_a_session_write_without_the_csrf_token_is_refused_and_writes_nothing(
    village_cadre_a, household_a
):
    # given
    client = session(village_cadre_a, csrf=True)
    before = state(household_a)
    # when
    response = send(
        client,
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": household_a.version, "housing_grade": "D"},
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert state(household_a) == before


def test_a_session_write_with_the_csrf_token_is_accepted(village_cadre_a, household_a):
    # given
    client = session(village_cadre_a, csrf=True)
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    # when
    response = client.patch(
        f"{API}/households/{household_a.pk}",
        {"version": household_a.version, "housing_grade": "D"},
        content_type="application/json",
        headers={"x-csrftoken": secret},
    )
    # then
    assert response.status_code == 200
    assert response.json()["housing_grade"] == "D"


def test_a_session_read_needs_no_csrf_token(village_cadre_a, household_a):
    response = session(village_cadre_a, csrf=True).get(f"{API}/households/{household_a.pk}")

    assert response.status_code == 200


def test_an_anonymous_write_with_csrf_enforced_is_unauthenticated_not_a_csrf_complaint():
    client = Client(enforce_csrf_checks=True)

    response = send(client, "post", f"{API}/households", register_body())

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


# ---- accounts/me and codes ----------------------------------------------------------------


def test_me_tells_the_caller_their_role_unit_and_capabilities(village_cadre_a):
    response = bearer(village_cadre_a).get("/api/v1/accounts/me")

    with translation.override("zh-hans"):  # the default language of a request
        role_label = str(village_cadre_a.get_role_display())
    assert response.status_code == 200
    assert response.json() == {
        "username": "cadre_a",
        "display_name": village_cadre_a.display_name,
        "role": "village_cadre",
        "role_label": role_label,
        "unit": {"code": "500110103201", "name": "凉风村"},
        "unit_kind": "village",
        "capabilities": [
            "registry.edit",
            "registry.register",
            "registry.view",
            "registry.view_sensitive",
        ],
    }


def test_me_shows_a_leader_can_only_view(leader):
    response = session(leader).get("/api/v1/accounts/me")

    assert response.json()["capabilities"] == ["datahub.view", "registry.view"]


def test_the_code_lists_give_values_and_labels_for_every_coded_field(leader):
    response = session(leader).get(f"{API}/codes")

    assert response.status_code == 200
    lists = response.json()
    assert set(lists) == {
        "household_type",
        "monitoring_category",
        "elimination_mode",
        "cause",
        "risk_type",
        "housing_grade",
        "sex",
        "id_type",
        "relation",
        "ethnicity",
        "political_status",
        "education",
        "school_status",
        "health",
        "labour_skill",
        "removal_reason",
    }
    assert [item["value"] for item in lists["household_type"]] == ["贫困户", "脱贫户", "一般农户"]
    with translation.override("zh-hans"):
        assert lists["monitoring_category"][2] == {
            "value": "脱贫不稳定户",
            "label": str(codes.MonitoringCategory.UNSTABLE.label),
        }
        assert {"value": "0201", "label": str(codes.RiskType.FLOOD.label)} in lists["risk_type"]
    assert {"value": "土家族", "label": "土家族"} in lists["ethnicity"]
    assert len(lists["ethnicity"]) == 56


def test_the_code_labels_follow_the_request_language(leader):
    response = session(leader).get(f"{API}/codes", headers={"accept-language": "en"})

    assert {"value": "1", "label": "Male"} in response.json()["sex"]
    assert {"value": "因病", "label": "Illness"} in response.json()["cause"]


# ---- list ---------------------------------------------------------------------------------


def test_a_village_cadre_lists_only_the_households_of_their_village(
    village_cadre_a, household_a, household_b
):
    response = session(village_cadre_a).get(f"{API}/households")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], [item["id"] for item in body["items"]]) == (1, [household_a.pk])


def test_a_township_officer_lists_the_households_of_every_village_in_village_order(
    township_officer, household_a, household_b
):
    body = session(township_officer).get(f"{API}/households").json()

    assert [item["village"]["name"] for item in body["items"]] == ["凉风村", "示范一村"]


def test_a_list_item_carries_head_place_size_causes_and_version(village_cadre_a, household_a, org):
    # given
    MemberFactory(household=household_a, relation="之子", name="张小")
    MemberFactory(household=household_a, relation="之子", status="removed")
    Household.objects.filter(pk=household_a.pk).update(
        main_cause="因病", third_cause="缺技术", version=4
    )
    head = household_a.members.get(relation="户主")
    # when
    item = session(village_cadre_a).get(f"{API}/households").json()["items"][0]
    # then
    assert item == {
        "id": household_a.pk,
        "national_number": household_a.national_number,
        "village": {"code": "500110103201", "name": "凉风村"},
        "group": {"code": "500110103201-01", "name": "1组"},
        "head_name": "张三",
        "head_id_number": head.id_number,
        "size": 2,
        "household_type": "脱贫户",
        "monitoring_category": "",
        "causes": ["因病", "缺技术"],
        "risk_eliminated": False,
        "elimination_mode": "",
        "risk_eliminated_on": None,
        "version": 4,
    }


@pytest.mark.parametrize("persona", ["leader", "department_staff"])
def test_the_list_masks_the_head_id_number_for_roles_that_may_not_see_it(
    request, persona, household_a
):
    head = household_a.members.get()
    user = request.getfixturevalue(persona)

    response = session(user).get(f"{API}/households")

    item = response.json()["items"][0]
    assert item["head_id_number"] == head.id_number[:6] + "********" + head.id_number[-4:]
    assert head.id_number not in response.content.decode()


@pytest.mark.parametrize(
    "term",
    ["张三", "三", "national_number", "id_number", "id_number_lower_x"],
)
def test_the_list_finds_a_household_by_name_id_number_or_national_number(
    township_officer, household_a, household_b, term
):
    # given
    head = household_a.members.get()
    if term.startswith("id_number"):
        head.id_number = "11010519491231002X"
        head.save()
    values = {
        "national_number": household_a.national_number,
        "id_number": "11010519491231002X",
        "id_number_lower_x": "11010519491231002x",
    }
    # when
    body = session(township_officer).get(f"{API}/households", {"q": values.get(term, term)}).json()
    # then
    assert [item["id"] for item in body["items"]] == [household_a.pk]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"village": "500110103202"}, ["b"]),
        ({"group": "500110103201-01"}, ["a"]),
        ({"household_type": "一般农户"}, ["b"]),
        ({"monitoring_category": "脱贫不稳定户"}, ["a"]),
        ({"cause": "缺资金"}, ["b"]),
        ({"risk_type": "01"}, ["a"]),
        ({"household_type": "脱贫户", "risk_type": "01"}, ["a"]),
        ({"cause": "因病"}, []),
    ],
)
def test_the_list_filters_by_village_group_type_category_cause_and_risk(
    township_officer, household_a, household_b, filters, expected
):
    # given
    Household.objects.filter(pk=household_a.pk).update(monitoring_category="脱贫不稳定户")
    Household.objects.filter(pk=household_b.pk).update(
        household_type="一般农户", second_cause="缺资金"
    )
    HouseholdRisk.objects.create(household=household_a, risk_type="01", noted_on=dt.date.today())
    ids = {"a": household_a.pk, "b": household_b.pk}
    # when
    body = session(township_officer).get(f"{API}/households", filters).json()
    # then
    assert [item["id"] for item in body["items"]] == [ids[key] for key in expected]
    assert body["count"] == len(expected)


def test_closed_households_are_listed_only_on_request(township_officer, household_a):
    Household.objects.filter(pk=household_a.pk).update(status="closed")
    client = session(township_officer)

    assert client.get(f"{API}/households").json()["count"] == 0
    assert client.get(f"{API}/households", {"include_closed": "true"}).json()["count"] == 1


def test_the_list_is_paginated_with_the_total_count(township_officer, org):
    # given
    households = [household_with(org["village_a"]) for _ in range(5)]
    # when
    body = session(township_officer).get(f"{API}/households", {"page": 2, "page_size": 2}).json()
    # then
    assert (body["count"], body["page"], body["page_size"]) == (5, 2, 2)
    assert [item["id"] for item in body["items"]] == [h.pk for h in households[2:4]]


def test_a_page_past_the_end_is_empty_with_the_count(township_officer, household_a):
    body = session(township_officer).get(f"{API}/households", {"page": 9}).json()

    assert (body["count"], body["items"]) == (1, [])


@pytest.mark.parametrize("params", [{"page_size": 201}, {"page_size": 0}, {"page": 0}])
def test_a_page_size_over_200_or_a_page_below_1_is_an_invalid_request(township_officer, params):
    response = session(township_officer).get(f"{API}/households", params)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["field"] == next(iter(params))


def test_a_filter_value_outside_its_code_list_is_refused_as_unknown_code(township_officer):
    response = session(township_officer).get(f"{API}/households", {"household_type": "五保户"})

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "unknown_code",
        "household_type",
    )


def test_the_list_runs_the_same_few_queries_whatever_the_page_size(
    township_officer, org, django_assert_max_num_queries
):
    # given
    for index in range(30):
        household = household_with(org["village_a"], people=3)
        HouseholdRisk.objects.create(household=household, risk_type="01", noted_on=dt.date.today())
        if index % 2:
            Household.objects.filter(pk=household.pk).update(group=org["group_a1"])
    client = session(township_officer)
    counts = []
    # when
    for page_size in (2, 30):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/households", {"page_size": page_size})
        counts.append(len(queries))
        assert len(response.json()["items"]) == page_size
    # then
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(6):
        client.get(f"{API}/households", {"page_size": 200, "q": "张"})


# ---- register -----------------------------------------------------------------------------


def test_registering_a_household_answers_201_with_the_household_and_its_head(village_cadre_a):
    # given
    body = register_body(arable_land_mu="3.5", water_safe=True)
    # when
    response = send(session(village_cadre_a), "post", f"{API}/households", body)
    # then
    assert response.status_code == 201
    created = response.json()
    assert created["village"] == {"code": "500110103201", "name": "凉风村"}
    assert created["group"] == {"code": "500110103201-01", "name": "1组"}
    assert (created["household_type"], created["main_cause"], created["housing_grade"]) == (
        "一般农户",
        "因病",
        "C",
    )
    assert (created["arable_land_mu"], created["water_safe"], created["version"]) == (
        "3.50",
        True,
        1,
    )
    [head] = created["members"]
    assert (head["name"], head["relation"], head["birth_date"], head["sex"]) == (
        "王五",
        "户主",
        "1975-03-04",
        "1",
    )
    household = Household.objects.get(pk=created["id"])
    assert audited(household) == ["household.register", "member.add"]


def test_registering_with_a_wrong_check_character_is_refused_and_writes_nothing(
    village_cadre_a,
):
    # given
    body = register_body(head=head_body(id_number=wrong_check_character(id_number())))
    client = session(village_cadre_a)
    # when
    response = send(client, "post", f"{API}/households", body)
    # then
    assert response.status_code == 400
    assert response.json() == {
        "code": "id_checksum",
        "message": response.json()["message"],
        "field": "id_number",
    }
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_registering_a_head_already_registered_elsewhere_is_refused_as_duplicate_id_number(
    village_cadre_a, household_a
):
    # given
    existing = household_a.members.get()
    before = state(household_a)
    # when
    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/households",
        register_body(head=head_body(id_number=existing.id_number.lower())),
    )
    # then
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "duplicate_id_number",
        "id_number",
    )
    assert state(household_a) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("household_type", "五保户"),
        ("main_cause", "因懒"),
        ("housing_grade", "E"),
    ],
)
def test_registering_with_a_value_outside_a_code_list_is_refused_as_unknown_code(
    village_cadre_a, field, value
):
    response = send(
        session(village_cadre_a), "post", f"{API}/households", register_body(**{field: value})
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("unknown_code", field)
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"head": None}, "head"),
        ({"village": None}, "village"),
        ({"colour": "red"}, "colour"),
        ({"head": {"name": "王五"}}, "head.id_number"),
        ({"water_safe": "maybe"}, "water_safe"),
        ({"arable_land_mu": True}, "arable_land_mu"),
    ],
)
def test_a_body_that_does_not_fit_the_schema_is_an_invalid_request(village_cadre_a, change, field):
    body = {key: value for key, value in {**register_body(), **change}.items() if value is not None}

    response = send(session(village_cadre_a), "post", f"{API}/households", body)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid_request", field)
    assert Household.objects.count() == 0


def test_a_body_that_is_not_json_is_an_invalid_request(village_cadre_a):
    response = session(village_cadre_a).post(
        f"{API}/households", "{not json", content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")


def test_a_village_cadre_cannot_register_a_household_in_another_village(village_cadre_b):
    response = send(session(village_cadre_b), "post", f"{API}/households", register_body())

    assert (response.status_code, response.json()["code"]) == (400, "unknown_village")
    assert Household.objects.count() == 0


@pytest.mark.parametrize("persona", ["leader", "department_staff", "helper_cadre"])
def test_roles_without_the_register_capability_are_refused_as_permission_denied(request, persona):
    user = request.getfixturevalue(persona)

    response = send(bearer(user), "post", f"{API}/households", register_body())

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert Household.objects.count() == 0


# ---- detail -------------------------------------------------------------------------------


def test_the_detail_has_members_incomes_risks_active_helpers_and_version(
    village_cadre_a, helper_cadre, township_officer, household_a, pair
):
    # given
    MemberFactory(household=household_a, relation="之子", name="张小", health="患有大病")
    MemberFactory(household=household_a, relation="之子", name="张走", status="removed")
    IncomeFactory(household=household_a, year=2024, wage=Decimal("18000"), household_size=2)
    HouseholdRisk.objects.create(
        household=household_a, risk_type="01", noted_on=dt.date(2025, 3, 1)
    )
    helper_cadre.display_name, helper_cadre.phone = "帮扶甲", "13612345678"
    helper_cadre.save()
    pair(helper_cadre, household_a)
    pair(township_officer, household_a, end=dt.date(2021, 1, 1))
    # when
    response = session(village_cadre_a).get(f"{API}/households/{household_a.pk}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["version"], body["household_type"]) == (household_a.pk, 1, "脱贫户")
    assert [(m["name"], m["relation"], m["health"]) for m in body["members"]] == [
        ("张三", "户主", "健康"),
        ("张小", "之子", "患有大病"),
    ]
    assert body["members"][0]["phone"] == "13800001234"
    assert [(i["year"], i["wage"], i["household_size"]) for i in body["incomes"]] == [
        (2024, "18000.00", 2)
    ]
    assert body["risks"] == [{"risk_type": "01", "noted_on": "2025-03-01"}]
    assert body["helpers"] == [
        {
            "name": "帮扶甲",
            "unit": "",
            "phone": "13612345678",
            "start_on": "2020-01-01",
            "end_on": None,
        }
    ]


def test_the_list_and_the_detail_say_whether_how_and_when_the_risk_was_eliminated(
    village_cadre_a, household_a
):
    # given
    Household.objects.filter(pk=household_a.pk).update(
        risk_eliminated=True, elimination_mode="帮扶消除", risk_eliminated_on=dt.date(2025, 11, 30)
    )
    client = session(village_cadre_a)
    # when
    item = client.get(f"{API}/households").json()["items"][0]
    detail = client.get(f"{API}/households/{household_a.pk}").json()
    # then
    fields = ("risk_eliminated", "elimination_mode", "risk_eliminated_on")
    assert [item[name] for name in fields] == [True, "帮扶消除", "2025-11-30"]
    assert [detail[name] for name in fields] == [True, "帮扶消除", "2025-11-30"]


def test_a_household_whose_risk_was_never_eliminated_says_so_in_the_detail(
    village_cadre_a, household_a
):
    detail = session(village_cadre_a).get(f"{API}/households/{household_a.pk}").json()

    fields = ("risk_eliminated", "elimination_mode", "risk_eliminated_on")
    assert [detail[name] for name in fields] == [False, "", None]


def test_the_code_lists_name_the_ways_a_risk_is_eliminated(leader):
    lists = session(leader).get(f"{API}/codes").json()

    assert [item["value"] for item in lists["elimination_mode"]] == ["帮扶消除", "自然消除"]


@pytest.mark.parametrize("persona", ["leader", "department_staff"])
def test_the_detail_masks_id_numbers_phones_and_health_for_roles_that_may_not_see_them(
    request, persona, household_a
):
    # given
    head = household_a.members.get()
    Member.objects.filter(pk=head.pk).update(health="残疾", disability_grade=2)
    Household.objects.filter(pk=household_a.pk).update(phone="13911112222")
    user = request.getfixturevalue(persona)
    # when
    response = session(user).get(f"{API}/households/{household_a.pk}")
    # then
    body = response.json()
    member = body["members"][0]
    assert (member["id_number"], member["phone"], member["health"]) == (
        head.id_number[:6] + "********" + head.id_number[-4:],
        "138****1234",
        "***",
    )
    assert member["disability_grade"] is None
    assert body["phone"] == "139****2222"
    content = response.content.decode()
    assert head.id_number not in content and "13800001234" not in content
    assert "残疾" not in content


def test_a_paired_helper_opens_the_household_and_an_unpaired_one_gets_404(
    helper_cadre, household_a, household_b, pair
):
    pair(helper_cadre, household_a)
    client = session(helper_cadre)

    assert client.get(f"{API}/households/{household_a.pk}").status_code == 200
    assert client.get(f"{API}/households/{household_b.pk}").status_code == 404


def test_a_household_outside_the_callers_area_answers_exactly_like_a_missing_one(
    village_cadre_b, household_a
):
    client = session(village_cadre_b)

    outside = client.get(f"{API}/households/{household_a.pk}")
    missing = client.get(f"{API}/households/{household_a.pk + 1000}")

    assert (outside.status_code, outside.json()) == (missing.status_code, missing.json())
    assert outside.json() == {"code": "not_found", "message": outside.json()["message"]}
    assert "张三" not in outside.content.decode()


def test_a_household_id_that_is_not_a_number_is_an_invalid_request(village_cadre_a):
    response = session(village_cadre_a).get(f"{API}/households/abc")

    assert (response.status_code, response.json()["field"]) == (422, "household_id")


# ---- household edits ----------------------------------------------------------------------


def test_patching_a_household_changes_only_the_fields_sent_and_is_audited(
    village_cadre_a, household_a
):
    # given
    Household.objects.filter(pk=household_a.pk).update(water_safe=True, address="凉风村3号")
    # when
    response = send(
        session(village_cadre_a),
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": 1, "housing_grade": "C", "arable_land_mu": "2.5", "reason": "入户核实"},
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["housing_grade"], body["arable_land_mu"], body["version"]) == ("C", "2.50", 2)
    assert (body["water_safe"], body["address"]) == (True, "凉风村3号")
    event = AuditEvent.objects.get(action="household.update")
    assert (event.actor, event.reason) == (village_cadre_a, "入户核实")
    assert event.changes == {"housing_grade": ["", "C"], "arable_land_mu": [None, "2.50"]}


def test_an_edit_based_on_an_old_version_is_refused_as_stale_and_writes_nothing(
    village_cadre_a, work_team_a, household_a
):
    # given
    send(
        session(work_team_a),
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": 1, "housing_grade": "B"},
    )
    before = state(household_a)
    # when
    response = send(
        session(village_cadre_a),
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": 1, "housing_grade": "D"},
    )
    # then
    assert (response.status_code, response.json()["code"]) == (409, "stale_edit")
    assert state(household_a) == before
    assert before["fields"]["housing_grade"] == "B"


def test_a_patch_with_a_value_outside_a_code_list_is_refused_and_writes_nothing(
    village_cadre_a, household_a
):
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": 1, "main_cause": "因懒"},
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "unknown_code",
        "main_cause",
    )
    assert state(household_a) == before


def test_household_type_cannot_be_patched_only_changed_through_a_status_change(
    township_officer, household_a
):
    before = state(household_a)

    response = send(
        session(township_officer),
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": 1, "household_type": "一般农户"},
    )

    assert (response.status_code, response.json()["field"]) == (422, "household_type")
    assert state(household_a) == before


def test_a_household_moves_to_another_group_of_its_village_or_to_none(
    village_cadre_a, household_a, org
):
    # given
    unit("500110103201-02", "2组", "group", org["village_a"])
    client = session(village_cadre_a)
    url = f"{API}/households/{household_a.pk}"
    # when
    moved = send(client, "patch", url, {"version": 1, "group": "500110103201-02"})
    ungrouped = send(client, "patch", url, {"version": 2, "group": None})
    # then
    assert moved.json()["group"] == {"code": "500110103201-02", "name": "2组"}
    assert ungrouped.json()["group"] is None
    assert [e.changes for e in AuditEvent.objects.order_by("id")] == [
        {"group": ["500110103201-01", "500110103201-02"]},
        {"group": ["500110103201-02", None]},
    ]


def test_a_household_cannot_be_moved_to_a_group_of_another_village(
    village_cadre_a, household_a, org
):
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "patch",
        f"{API}/households/{household_a.pk}",
        {"version": 1, "group": "500110103202-01"},
    )

    assert (response.status_code, response.json()["code"]) == (400, "unknown_group")
    assert state(household_a) == before


# ---- status and risks ---------------------------------------------------------------------


def test_a_township_officer_changes_the_status_with_a_date_and_reason(
    township_officer, household_a
):
    # when
    response = send(
        bearer(township_officer),
        "post",
        f"{API}/households/{household_a.pk}/status",
        {
            "version": 1,
            "household_type": "脱贫户",
            "monitoring_category": "脱贫不稳定户",
            "effective_on": "2025-05-01",
            "reason": "户主患大病，县级审定纳入监测",
        },
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["monitoring_category"], body["monitoring_identified_on"], body["version"]) == (
        "脱贫不稳定户",
        "2025-05-01",
        2,
    )
    change = StatusChange.objects.get()
    assert (change.new_monitoring_category, change.actor) == ("脱贫不稳定户", township_officer)
    event = AuditEvent.objects.get(action="household.change_status")
    assert event.changes == {"monitoring_category": ["", "脱贫不稳定户"]}
    assert event.reason == "户主患大病，县级审定纳入监测"


def test_a_village_cadre_may_not_change_the_status(village_cadre_a, household_a):
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/households/{household_a.pk}/status",
        {
            "version": 1,
            "household_type": "一般农户",
            "effective_on": "2025-05-01",
            "reason": "核实",
        },
    )

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert state(household_a) == before


def test_a_2020_monitoring_category_is_refused_for_a_2025_status_change(
    township_officer, household_a
):
    response = send(
        session(township_officer),
        "post",
        f"{API}/households/{household_a.pk}/status",
        {
            "version": 1,
            "household_type": "脱贫户",
            "monitoring_category": "脱贫监测户",
            "effective_on": "2025-05-01",
            "reason": "核实",
        },
    )

    assert (response.status_code, response.json()["code"]) == (400, "category_not_in_force")
    assert StatusChange.objects.count() == 0


def test_setting_risks_replaces_the_list_and_is_audited(work_team_a, household_a):
    # given
    HouseholdRisk.objects.create(
        household=household_a, risk_type="99", noted_on=dt.date(2024, 1, 1)
    )
    # when
    response = send(
        session(work_team_a),
        "put",
        f"{API}/households/{household_a.pk}/risks",
        {"version": 1, "risk_types": ["0201", "01"], "noted_on": "2025-07-01"},
    )
    # then
    assert response.status_code == 200
    assert response.json()["risks"] == [
        {"risk_type": "01", "noted_on": "2025-07-01"},
        {"risk_type": "0201", "noted_on": "2025-07-01"},
    ]
    assert AuditEvent.objects.get(action="household.set_risks").changes == {
        "risk_types": [["99"], ["01", "0201"]]
    }


def test_an_unknown_risk_type_is_refused_and_writes_nothing(work_team_a, household_a):
    before = state(household_a)

    response = send(
        session(work_team_a),
        "put",
        f"{API}/households/{household_a.pk}/risks",
        {"version": 1, "risk_types": ["01", "08"]},
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "unknown_code",
        "risk_types",
    )
    assert state(household_a) == before


# ---- income -------------------------------------------------------------------------------


def test_income_takes_amounts_as_strings_or_numbers_and_applies_the_national_formula(
    village_cadre_a, household_a
):
    # when
    response = send(
        session(village_cadre_a),
        "put",
        f"{API}/households/{household_a.pk}/incomes/2025",
        {
            "version": 1,
            "wage": "12,000",
            "business": 3000.5,
            "property": 500,
            "transfer": "２４００元",
            "business_expense": "1000",
            "household_size": 4,
        },
    )
    # then
    assert response.status_code == 200
    [income] = response.json()["incomes"]
    assert (income["year"], income["wage"], income["transfer"]) == (2025, "12000.00", "2400.00")
    assert (income["net_income"], income["per_capita_net_income"]) == ("16900.50", "4225.13")
    assert income["claims_income"] == "0.00"
    assert audited(household_a) == ["income.record"]
    assert response.json()["version"] == 2


def test_recording_the_same_year_again_corrects_it(village_cadre_a, household_a):
    client = session(village_cadre_a)
    url = f"{API}/households/{household_a.pk}/incomes/2025"

    send(client, "put", url, {"version": 1, "wage": 10000})
    response = send(client, "put", url, {"version": 2, "wage": 11000})

    assert [i["wage"] for i in response.json()["incomes"]] == ["11000.00"]
    assert IncomeRecord.objects.count() == 1
    assert audited(household_a) == ["income.record", "income.record"]


@pytest.mark.parametrize(
    ("amounts", "field"),
    [
        ({"wage": "一万二"}, "wage"),
        ({"business": "-5"}, "business"),
        ({"transfer": "12.000.00"}, "transfer"),
        ({"property": 1e13}, "property"),
    ],
)
def test_an_income_that_is_not_an_amount_is_refused_as_invalid_amount_naming_the_field(
    village_cadre_a, household_a, amounts, field
):
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "put",
        f"{API}/households/{household_a.pk}/incomes/2025",
        {"version": 1, "wage": 1000, **amounts},
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_amount", field)
    assert state(household_a) == before


def test_an_income_for_a_future_year_is_refused(village_cadre_a, household_a):
    year = dt.date.today().year + 1

    response = send(
        session(village_cadre_a),
        "put",
        f"{API}/households/{household_a.pk}/incomes/{year}",
        {"version": 1, "wage": 1000},
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_year")
    assert IncomeRecord.objects.count() == 0


# ---- members ------------------------------------------------------------------------------


def test_adding_a_member_answers_201_with_the_household_and_is_audited(
    village_cadre_a, household_a
):
    # when
    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/households/{household_a.pk}/members",
        {
            "version": 1,
            "name": "张小红",
            "id_number": id_number(dt.date(2012, 6, 1), male=False),
            "relation": "之女",
            "school_status": "七年级",
        },
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert [(m["name"], m["sex"], m["birth_date"]) for m in body["members"]] == [
        ("张三", "1", "1980-05-17"),
        ("张小红", "2", "2012-06-01"),
    ]
    assert body["version"] == 2
    assert audited(household_a) == ["member.add"]


def test_a_second_head_of_household_is_refused(village_cadre_a, household_a):
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/households/{household_a.pk}/members",
        {"version": 1, "name": "二号", "id_number": id_number(), "relation": "户主"},
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "second_head",
        "relation",
    )
    assert state(household_a) == before


def test_adding_a_person_registered_in_another_village_is_refused_without_naming_them(
    village_cadre_b, household_a, household_b
):
    # given
    registered = household_a.members.get()
    before = state(household_b)
    # when
    response = send(
        session(village_cadre_b),
        "post",
        f"{API}/households/{household_b.pk}/members",
        {"version": 1, "name": "重复", "id_number": registered.id_number, "relation": "之子"},
    )
    # then
    assert (response.status_code, response.json()["code"]) == (400, "duplicate_id_number")
    assert "张三" not in response.content.decode()
    assert household_a.national_number not in response.content.decode()
    assert state(household_b) == before


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("wrong_check", "id_checksum"),
        ("11010519491231", "id_format"),
        ("110105194913310021", "id_birth_date"),
    ],
)
def test_an_invalid_id_number_is_refused_with_its_reason(
    village_cadre_a, household_a, number, code
):
    if number == "wrong_check":
        number = wrong_check_character(id_number(dt.date(2012, 1, 1)))
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/households/{household_a.pk}/members",
        {"version": 1, "name": "小明", "id_number": number, "relation": "之子"},
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        code,
        "id_number",
    )
    assert state(household_a) == before


def test_patching_a_member_changes_only_the_fields_sent_and_is_audited_old_to_new(
    helper_cadre, household_a, pair
):
    # given
    pair(helper_cadre, household_a)
    head = household_a.members.get()
    # when
    response = send(
        bearer(helper_cadre),
        "patch",
        f"{API}/members/{head.pk}",
        {"version": 1, "phone": "13911112222", "work_place": "綦江区"},
    )
    # then
    assert response.status_code == 200
    member = response.json()["members"][0]
    assert (member["phone"], member["work_place"], member["name"]) == (
        "13911112222",
        "綦江区",
        "张三",
    )
    event = AuditEvent.objects.get(action="member.update")
    assert (event.actor, event.target_id) == (helper_cadre, str(head.pk))
    assert event.changes == {
        "work_place": ["", "綦江区"],
        "phone": ["13800001234", "13911112222"],
    }


def test_a_member_edit_on_an_old_version_is_refused_as_stale(village_cadre_a, household_a):
    head = household_a.members.get()
    Household.objects.filter(pk=household_a.pk).update(version=3)
    before = state(household_a)

    response = send(
        session(village_cadre_a), "patch", f"{API}/members/{head.pk}", {"version": 2, "phone": ""}
    )

    assert (response.status_code, response.json()["code"]) == (409, "stale_edit")
    assert state(household_a) == before


def test_a_member_edit_with_an_unknown_health_code_is_refused(village_cadre_a, household_a):
    head = household_a.members.get()

    response = send(
        session(village_cadre_a),
        "patch",
        f"{API}/members/{head.pk}",
        {"version": 1, "health": "很好"},
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "unknown_code",
        "health",
    )


def test_a_member_of_another_village_answers_404(village_cadre_b, household_a):
    head = household_a.members.get()
    before = state(household_a)

    response = send(
        session(village_cadre_b), "patch", f"{API}/members/{head.pk}", {"version": 1, "phone": ""}
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert state(household_a) == before


def test_removing_a_member_keeps_the_record_and_is_audited(village_cadre_a, household_a):
    # given
    child = MemberFactory(household=household_a, relation="之子", name="张走")
    # when
    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/members/{child.pk}/remove",
        {"version": 1, "reason": "moved_out", "removed_on": "2025-01-01", "note": "迁往綦江"},
    )
    # then
    assert response.status_code == 200
    assert [m["name"] for m in response.json()["members"]] == ["张三"]
    child.refresh_from_db()
    assert (child.status, child.removed_reason, child.removed_on) == (
        "removed",
        "moved_out",
        dt.date(2025, 1, 1),
    )
    event = AuditEvent.objects.get(action="member.remove")
    assert event.reason == "迁往綦江"
    assert event.changes["status"] == ["active", "removed"]


def test_removing_a_member_for_an_unknown_reason_is_refused(village_cadre_a, household_a):
    child = MemberFactory(household=household_a, relation="之子")
    before = state(household_a)

    response = send(
        session(village_cadre_a),
        "post",
        f"{API}/members/{child.pk}/remove",
        {"version": 1, "reason": "vanished", "removed_on": "2025-01-01"},
    )

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "unknown_code",
        "reason",
    )
    assert state(household_a) == before


# ---- refusals common to every write -------------------------------------------------------


def write_routes(household, member):
    """(method, url, valid body) of every write on an existing household."""
    return [
        ("patch", f"{API}/households/{household.pk}", {"version": 1, "housing_grade": "D"}),
        (
            "post",
            f"{API}/households/{household.pk}/members",
            {"version": 1, "name": "小明", "id_number": id_number(), "relation": "之子"},
        ),
        ("patch", f"{API}/members/{member.pk}", {"version": 1, "phone": "13911112222"}),
        (
            "post",
            f"{API}/members/{member.pk}/remove",
            {"version": 1, "reason": "deceased", "removed_on": "2025-01-01"},
        ),
        ("put", f"{API}/households/{household.pk}/incomes/2025", {"version": 1, "wage": 100}),
        (
            "post",
            f"{API}/households/{household.pk}/status",
            {
                "version": 1,
                "household_type": "一般农户",
                "effective_on": "2025-01-01",
                "reason": "核实",
            },
        ),
        ("put", f"{API}/households/{household.pk}/risks", {"version": 1, "risk_types": ["01"]}),
    ]


WRITE_NAMES = ["household", "member_add", "member", "member_remove", "income", "status", "risks"]


@pytest.mark.parametrize("route", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
@pytest.mark.parametrize("persona", ["leader", "department_staff"])
def test_read_only_roles_are_refused_every_write_and_nothing_is_written(
    request, household_a, persona, route
):
    # given
    client = bearer(request.getfixturevalue(persona))
    method, url, body = write_routes(household_a, household_a.members.get())[route]
    before = state(household_a)
    # when
    response = send(client, method, url, body)
    # then
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert state(household_a) == before


@pytest.mark.parametrize("route", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_every_write_on_an_old_version_is_refused_as_stale_and_nothing_is_written(
    township_officer, household_a, route
):
    # given
    client = bearer(township_officer)
    Household.objects.filter(pk=household_a.pk).update(version=2)
    method, url, body = write_routes(household_a, household_a.members.get())[route]
    before = state(household_a)
    # when
    response = send(client, method, url, body)
    # then
    assert (response.status_code, response.json()["code"]) == (409, "stale_edit")
    assert state(household_a) == before


@pytest.mark.parametrize("route", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_every_write_without_a_version_is_an_invalid_request(township_officer, household_a, route):
    method, url, body = write_routes(household_a, household_a.members.get())[route]
    before = state(household_a)

    response = send(session(township_officer), method, url, {**body, "version": None})

    assert (response.status_code, response.json()["code"]) == (422, "invalid_request")
    assert response.json()["field"] == "version"
    assert state(household_a) == before


@pytest.mark.parametrize("route", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_every_write_by_the_township_office_succeeds_bumps_the_version_and_is_audited(
    township_officer, household_a, route
):
    method, url, body = write_routes(household_a, household_a.members.get())[route]

    response = send(session(township_officer), method, url, body)

    assert response.status_code in (200, 201)
    assert response.json()["version"] == 2
    assert len(audited(household_a)) == 1


# ---- history ------------------------------------------------------------------------------


@pytest.fixture
def edited_household(village_cadre_a, township_officer, household_a):
    """household_a after a phone and health edit by the cadre and a status change."""
    head = household_a.members.get()
    send(
        session(village_cadre_a),
        "patch",
        f"{API}/members/{head.pk}",
        {"version": 1, "phone": "13911112222", "health": "长期慢性病"},
    )
    send(
        session(township_officer),
        "post",
        f"{API}/households/{household_a.pk}/status",
        {
            "version": 2,
            "household_type": "脱贫户",
            "monitoring_category": "脱贫不稳定户",
            "effective_on": "2025-05-01",
            "reason": "县级审定",
        },
    )
    return household_a


def test_the_history_lists_each_change_with_actor_old_new_and_reason(
    village_cadre_a, township_officer, edited_household
):
    # when
    response = session(village_cadre_a).get(f"{API}/households/{edited_household.pk}/history")
    # then
    assert response.status_code == 200
    body = response.json()
    assert [(e["action"], e["actor"], e["reason"]) for e in body["events"]] == [
        ("household.change_status", str(township_officer), "县级审定"),
        ("member.update", str(village_cadre_a), ""),
    ]
    assert body["events"][1]["changes"] == {
        "phone": ["13800001234", "13911112222"],
        "health": ["健康", "长期慢性病"],
    }
    [change] = body["status_changes"]
    assert (change["effective_on"], change["new_monitoring_category"], change["actor"]) == (
        "2025-05-01",
        "脱贫不稳定户",
        str(township_officer),
    )


@pytest.mark.parametrize("persona", ["leader", "department_staff"])
def test_the_history_masks_phones_id_numbers_and_health_for_roles_that_may_not_see_them(
    request, persona, edited_household
):
    # given
    user = request.getfixturevalue(persona)
    # when
    response = session(user).get(f"{API}/households/{edited_household.pk}/history")
    # then
    member_update = response.json()["events"][1]
    assert member_update["changes"] == {
        "phone": ["138****1234", "139****2222"],
        "health": ["***", "***"],
    }
    assert "13911112222" not in response.content.decode()


def test_the_history_masks_id_numbers_of_registrations_for_a_leader(village_cadre_a, leader):
    # given
    created = send(session(village_cadre_a), "post", f"{API}/households", register_body()).json()
    number = Member.objects.get(household_id=created["id"]).id_number
    # when
    response = session(leader).get(f"{API}/households/{created['id']}/history")
    # then
    added = next(e for e in response.json()["events"] if e["action"] == "member.add")
    assert added["changes"]["id_number"] == [None, number[:6] + "********" + number[-4:]]
    assert number not in response.content.decode()


def test_the_history_of_a_household_outside_the_callers_area_answers_404(
    village_cadre_b, edited_household
):
    response = session(village_cadre_b).get(f"{API}/households/{edited_household.pk}/history")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert "13911112222" not in response.content.decode()


# ---- summary ------------------------------------------------------------------------------


@pytest.fixture
def township(org):
    """凉风村: 3 active households (6 people) and a closed one; 示范一村: 1 household (2)."""
    village_a, village_b = org["village_a"], org["village_b"]
    household_with(village_a, people=3, removed=1, monitoring_category="脱贫不稳定户")
    household_with(village_a, people=2)
    household_with(
        village_a, people=1, household_type="一般农户", monitoring_category="边缘易致贫户"
    )
    household_with(village_a, people=4, status="closed")
    household_with(village_b, people=2, household_type="一般农户")


VILLAGE_A_ROW = {
    "village_code": "500110103201",
    "village_name": "凉风村",
    "households": 3,
    "people": 6,
    "by_type": {
        "脱贫户": {"households": 2, "people": 5},
        "一般农户": {"households": 1, "people": 1},
    },
    "by_category": {
        "脱贫不稳定户": {"households": 1, "people": 3},
        "边缘易致贫户": {"households": 1, "people": 1},
    },
}
VILLAGE_B_ROW = {
    "village_code": "500110103202",
    "village_name": "示范一村",
    "households": 1,
    "people": 2,
    "by_type": {"一般农户": {"households": 1, "people": 2}},
    "by_category": {},
}


def test_the_summary_counts_households_and_people_by_type_and_category_per_village(
    township_officer, township
):
    response = session(township_officer).get(f"{API}/summary")

    assert response.status_code == 200
    assert response.json() == [VILLAGE_A_ROW, VILLAGE_B_ROW]


def test_the_summary_of_a_village_cadre_covers_only_their_village(village_cadre_b, township):
    response = bearer(village_cadre_b).get(f"{API}/summary")

    assert response.json() == [VILLAGE_B_ROW]


def test_the_summary_of_a_helper_counts_only_the_paired_households(
    helper_cadre, township, household_b, pair
):
    pair(helper_cadre, household_b)

    response = session(helper_cadre).get(f"{API}/summary")

    assert response.json() == [
        {
            "village_code": "500110103202",
            "village_name": "示范一村",
            "households": 1,
            "people": 1,
            "by_type": {"脱贫户": {"households": 1, "people": 1}},
            "by_category": {},
        }
    ]


# ---- OpenAPI and docs ---------------------------------------------------------------------

EXPECTED_OPERATIONS = {
    "/api/v1/registry/households": {"get", "post"},
    "/api/v1/registry/households/{household_id}": {"get", "patch"},
    "/api/v1/registry/households/{household_id}/status": {"post"},
    "/api/v1/registry/households/{household_id}/risks": {"put"},
    "/api/v1/registry/households/{household_id}/incomes/{year}": {"put"},
    "/api/v1/registry/households/{household_id}/history": {"get"},
    "/api/v1/registry/households/{household_id}/members": {"post"},
    "/api/v1/registry/members/{member_id}": {"patch"},
    "/api/v1/registry/members/{member_id}/remove": {"post"},
    "/api/v1/registry/codes": {"get"},
    "/api/v1/registry/summary": {"get"},
    "/api/v1/registry/export/national": {"get"},
}


def test_the_openapi_schema_lists_every_route_with_a_summary_and_a_description(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    ours = ("/api/v1/registry/",)  # other apps (accounts too) check their own routes
    found = {path: set(ops) for path, ops in paths.items() if path.startswith(ours)}
    assert found == EXPECTED_OPERATIONS
    for operations in paths.values():
        for operation in operations.values():
            assert operation["summary"] and operation["description"]


def test_the_openapi_schema_documents_the_error_shape_of_writes(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    responses = paths["/api/v1/registry/households/{household_id}"]["patch"]["responses"]

    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(responses)


def test_the_api_docs_load_every_asset_from_the_app_itself(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert "//" not in "".join(assets)
    assert '"validatorUrl": null' in html
