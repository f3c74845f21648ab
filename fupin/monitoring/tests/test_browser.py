"""One case walked through the pages in headless Chromium: a cadre's clue becomes a monitored
household (village ▸ township ▸ county), gets assistance, and its risk is eliminated.

The clock stands at 2026-10-20 (time_machine, ticking) so the dates typed into the forms —
identification in March 2026, elimination across the National Day holiday — are in the past.
"""

import datetime as dt
import os

import pytest
import time_machine
from django.contrib.auth.hashers import make_password

from fupin.monitoring.models import Case, CaseState
from fupin.registry.tests.factories import IncomeFactory
from fupin.tests.browser_support import chromium_available, launch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "browser-pass-1"
NOW = dt.datetime(2026, 10, 20, 9, 0)


@pytest.fixture
def page(live_server, settings):
    if not chromium_available():
        pytest.fail("Chromium is missing: run `tools/system-packages --browser` (make test does)")
    # The server's clock is set back; keep its cookies from expiring in the browser's time.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_USE_SESSIONS = True
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with time_machine.travel(NOW, tick=True), sync_playwright() as playwright:
        context = launch(playwright)
        browser_page = context.pages[0] if context.pages else context.new_page()
        browser_page.set_default_timeout(15_000)
        yield browser_page
        context.close()


@pytest.fixture
def people(village_cadre_a, work_team_a, township_officer, county_officer, household_a):
    for user in (village_cadre_a, work_team_a, township_officer, county_officer):
        user.password = make_password(PASSWORD)
        user.save()
    household_a.water_safe, household_a.housing_grade = True, "B"
    household_a.save()
    IncomeFactory(household=household_a, year=2026, household_size=1, per_capita_net_income=9800)
    return village_cadre_a, work_team_a, township_officer, county_officer


def log_in(page, base, user):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_url("**/registry/households/**")


def log_out(page):
    page.click("form[action$='/logout/'] button[type=submit]")
    page.wait_for_url("**/login/**")


def take(page, form, fields=None, checks=(), selects=None):
    """Fill one step's form on the case page and submit it."""
    for name, value in (fields or {}).items():
        page.fill(f"form#{form} [name={name}]", value)
    for selector in checks:
        page.check(f"form#{form} {selector}")
    for name, value in (selects or {}).items():
        page.select_option(f"form#{form} select[name={name}]", value)
    with page.expect_navigation():
        page.click(f"form#{form} button[type=submit]")
    errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
    assert not errors, errors


def test_a_case_from_clue_to_monitoring_and_on_to_risk_eliminated(
    page, live_server, people, household_a, tmp_path
):
    cadre, team, township, county = people
    base = live_server.url

    # a village cadre hands in a clue from a visit
    log_in(page, base, cadre)
    page.goto(f"{base}/monitoring/cases/new/?household={household_a.national_number}")
    page.select_option("select[name=channel]", "干部排查")
    page.fill("input[name=received_on]", "2026-03-02")
    page.fill("textarea[name=description]", "户主住院，医疗自付较大")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    case = Case.objects.get(household=household_a)
    assert page.locator("#case-state").inner_text() == "线索已接收"

    # and takes the village steps: application, home visit, review, posting
    take(page, "apply", {"applied_on": "2026-03-03"}, checks=["[name=authorised]"])
    take(
        page,
        "verify",
        {"visited_on": "2026-03-04", "per_capita_income": "4300"},
        checks=["input[name=risk_types][value='01']"],
        selects={"official_one": str(cadre.pk), "official_two": str(team.pk)},
    )
    take(
        page,
        "village_review",
        {
            "held_on": "2026-03-05",
            "participants": "村两委、村民代表9人",
            "votes_for": "9",
            "votes_against": "0",
        },
        selects={"proposed_category": "突发严重困难户"},
    )
    take(page, "post", {"starts_on": "2026-03-06", "contact": "村委会 023-48612345"})
    assert "2026-03-12" in page.locator("main").inner_text()  # 5 working days from Friday
    page.goto(f"{base}/monitoring/notice/?village=500110103201")
    assert household_a.members.get().name in page.content()
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    log_out(page)

    # the township office reviews with the four departments, the county approves
    log_in(page, base, township)
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    take(
        page,
        "township_review",
        {
            "reviewed_on": "2026-03-13",
            "housing_signed_by": "周建",
            "health_signed_by": "吴敏",
            "education_signed_by": "郑华",
            "water_signed_by": "冯涛",
        },
    )
    log_out(page)
    log_in(page, base, county)
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    take(page, "approve_monitoring", {"decided_on": "2026-03-16"})
    assert page.locator("#case-state").inner_text() == "纳入监测"
    household_a.refresh_from_db()
    assert household_a.monitoring_category == "突发严重困难户"
    log_out(page)

    # the cadre records assistance and, half a year on, proposes the risk eliminated
    log_in(page, base, cadre)
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    for kind, content in (("健康", "医疗救助"), ("就业", "就近务工")):
        take(
            page,
            "measure",
            {"content": content, "responsible": "罗德明", "started_on": "2026-04-01"},
            selects={"kind": kind},
        )
    assert "已满足" in page.locator("#gate").inner_text()
    take(page, "propose_elimination", {"proposed_on": "2026-09-21"}, selects={"mode": "帮扶消除"})
    take(
        page,
        "verify",
        {"visited_on": "2026-09-22"},
        selects={"official_one": str(cadre.pk), "official_two": str(team.pk)},
    )
    take(
        page,
        "village_review",
        {
            "held_on": "2026-09-23",
            "participants": "村民代表",
            "votes_for": "8",
            "votes_against": "1",
        },
    )
    take(page, "post", {"starts_on": "2026-09-28", "contact": "村委会 023-48612345"})
    assert "2026-10-09" in page.locator("main").inner_text()  # across the National Day
    log_out(page)

    log_in(page, base, township)
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    take(
        page,
        "township_review",
        {
            "reviewed_on": "2026-10-12",
            "housing_signed_by": "周建",
            "health_signed_by": "吴敏",
            "education_signed_by": "郑华",
            "water_signed_by": "冯涛",
        },
    )
    log_out(page)
    log_in(page, base, county)
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    take(page, "approve_elimination", {"eliminated_on": "2026-10-13"})

    # then the risk is eliminated, the record stays, and the ledger lists it
    assert page.locator("#case-state").inner_text() == "风险已消除"
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    case.refresh_from_db()
    assert (case.state, case.eliminated_on) == (CaseState.ELIMINATED, dt.date(2026, 10, 13))
    page.goto(f"{base}/monitoring/ledger/?eliminated=1")
    assert household_a.national_number in page.locator("#ledger").inner_text()
