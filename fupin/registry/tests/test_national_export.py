"""The registry in the national layout (a), from the household list and the API: scoped to the
user's area, masked for roles that may not see ID numbers, one village or all, any year."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from fupin.accounts.models import AuditEvent
from fupin.registry import actions
from fupin.registry.national.layout import HEADERS
from fupin.tests.clients import session

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rows_of(response) -> list[tuple[object, ...]]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def people(rows: list[tuple[object, ...]]) -> list[dict[str, object]]:
    return [dict(zip(HEADERS, row, strict=False)) for row in rows[3:]]


@pytest.fixture
def incomes(township_officer, household_a, household_b):
    for household, wage, year in ((household_a, "24000", 2025), (household_a, "18000", 2024)):
        actions.income_record(
            actor=township_officer, household=household, expected_version=None, year=year,
            amounts={"wage": wage},
        )  # fmt: skip


def test_the_township_downloads_its_households_in_the_national_layout_from_the_list(
    township_officer, household_a, household_b, incomes
):
    # given the household list offers the download
    client = session(township_officer)
    assert "/registry/export/national.xlsx" in client.get("/registry/households/").content.decode()
    # when the township office downloads it for every village, income of last year
    response = client.get("/registry/export/national.xlsx")
    # then: title, the income year, the header on row 3, a row per person, IDs as they are
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = rows_of(response)
    assert rows[0][0] == "（自定义）监测对象信息" and rows[1][0] == "收入年度：2025"
    assert list(rows[2]) == HEADERS
    found = {p["证件号码"]: p for p in people(rows)}
    head_a = household_a.members.get()
    assert set(found) == {head_a.id_number, household_b.members.get().id_number}
    assert found[head_a.id_number]["村"] == "凉风村"
    assert found[head_a.id_number]["工资性收入"] == "24000.00"
    assert found[head_a.id_number]["家庭成员联系电话"] == "13800001234"


def test_another_year_and_one_village_can_be_chosen(township_officer, household_a, incomes):
    response = session(township_officer).get(
        "/registry/export/national.xlsx", {"village": "500110103201", "year": "2024"}
    )
    rows = rows_of(response)
    assert rows[1][0] == "收入年度：2024"
    assert [(p["村"], p["工资性收入"]) for p in people(rows)] == [("凉风村", "18000.00")]


def test_a_leader_gets_ids_phones_and_health_masked(leader, household_a):
    rows = rows_of(session(leader).get("/registry/export/national.xlsx"))
    head = household_a.members.get()
    person = next(p for p in people(rows) if p["姓名"] == head.name)
    assert person["证件号码"] == head.id_number[:6] + "********" + head.id_number[-4:]
    assert person["家庭成员联系电话"] == "138****1234"
    assert person["健康状况"] == "***"


def test_a_village_cadre_exports_only_their_village(village_cadre_b, household_a, household_b):
    client = session(village_cadre_b)
    rows = rows_of(client.get("/registry/export/national.xlsx"))
    assert {p["村"] for p in people(rows)} == {"示范一村"}
    # and asking for another village is refused with a message, not answered
    refused = client.get("/registry/export/national.xlsx", {"village": "500110103201"})
    assert refused.status_code == 302 and refused["Location"] == "/registry/households/"
    page = client.get(refused["Location"]).content.decode()
    assert "请选择您辖区内的村" in page


def test_the_api_returns_the_workbook_scoped_to_the_caller(
    village_cadre_b, household_a, household_b
):
    client = session(village_cadre_b)
    response = client.get("/api/v1/registry/export/national", {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert {p["姓名"] for p in people(rows_of(response))} == {household_b.members.get().name}


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"village": "500110103201"}, "unknown_village", "village"),
        ({"year": 1999}, "invalid_year", "year"),
        ({"year": 2027}, "invalid_year", "year"),
    ],
)
def test_the_api_refuses_a_village_outside_the_area_and_an_impossible_year(
    village_cadre_b, household_b, query, code, field
):
    response = session(village_cadre_b).get("/api/v1/registry/export/national", query)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert response.json()["message"]


def test_the_county_records_a_risk_elimination_on_the_household_and_can_undo_it(
    county_officer, household_a
):
    # when the county records the elimination, then the household is monitored again
    actions.household_record_elimination(
        actor=county_officer, household=household_a, eliminated=True, mode="自然消除",
        eliminated_on=dt.date(2026, 5, 1), reason="县级审定",
    )  # fmt: skip
    household_a.refresh_from_db()
    assert (household_a.risk_eliminated, household_a.elimination_mode) == (True, "自然消除")
    assert household_a.risk_eliminated_on == dt.date(2026, 5, 1) and household_a.version == 2
    actions.household_record_elimination(
        actor=county_officer, household=household_a, eliminated=False, reason="再次纳入监测"
    )
    household_a.refresh_from_db()
    assert (household_a.risk_eliminated, household_a.elimination_mode) == (False, "")
    assert household_a.risk_eliminated_on is None
    events = AuditEvent.objects.filter(action="household.record_elimination").order_by("id")
    assert [e.reason for e in events] == ["县级审定", "再次纳入监测"]
    assert events[0].changes["elimination_mode"] == ["", "自然消除"]


def test_a_village_cadre_may_not_record_a_risk_elimination(village_cadre_a, household_a):
    from fupin.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.household_record_elimination(
            actor=village_cadre_a, household=household_a, eliminated=True, mode="自然消除",
            eliminated_on=dt.date(2026, 5, 1), reason="试试",
        )  # fmt: skip
