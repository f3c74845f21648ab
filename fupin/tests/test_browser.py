"""A person's walk through the registry in headless Chromium (Debian's), driven by Playwright:
log in, search a household, open it, edit a member, and see the change in the history; and,
on a monitoring case, attach a photo to the home-visit step and see it under that step; and a
county officer sets a policy parameter's value and sees it in force."""

import os

import pytest
from django.contrib.auth.hashers import make_password

from fupin.monitoring.models import CaseState
from fupin.monitoring.tests.steps import Cast, open_case, walk
from fupin.registry.models import Member
from fupin.tests.browser_support import chromium_available, launch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page(live_server):
    if not chromium_available():
        pytest.fail("Chromium is missing: run `tools/system-packages --browser` (make test does)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch(playwright)
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


@pytest.fixture
def cadre_with_household(village_cadre_a, household_a):
    village_cadre_a.password = make_password("browser-pass-1")
    village_cadre_a.save()
    return village_cadre_a, household_a


def test_a_village_cadre_finds_a_household_edits_a_member_and_sees_it_in_the_history(
    browser_page, live_server, cadre_with_household, tmp_path
):
    page = browser_page
    cadre, household = cadre_with_household
    head = household.members.get()

    # given a logged-in village cadre
    page.goto(f"{live_server.url}/login/")
    assert "登录" in page.content()
    page.fill("input[name=username]", cadre.username)
    page.fill("input[name=password]", "browser-pass-1")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_url("**/registry/households/**")

    # when they search for the head of household by name and open the household
    page.fill("input[name=q]", head.name)
    page.click("#household-filters button[type=submit]")
    page.wait_for_selector(f"text={household.national_number}")
    page.click(f"a:has-text('{household.national_number}')")
    page.wait_for_url(f"**/registry/households/{household.pk}/")
    assert head.name in page.content()

    # and edit the head's phone number
    page.click(f"a[href$='/members/{head.pk}/edit/']")
    page.fill("input[name=phone]", "13912345678")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"**/registry/households/{household.pk}/")
    page.screenshot(path=str(tmp_path / "household.png"), full_page=True)

    # then the change is saved and the history shows old → new
    assert Member.objects.get(pk=head.pk).phone == "13912345678"
    history = page.locator("#history").inner_text()
    assert "13800001234" in history and "13912345678" in history
    assert cadre.display_name in history


def test_a_bad_id_number_is_refused_in_chinese_and_nothing_is_written(
    browser_page, live_server, cadre_with_household
):
    page = browser_page
    cadre, household = cadre_with_household
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cadre.username)
    page.fill("input[name=password]", "browser-pass-1")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_url("**/registry/households/**")

    page.goto(f"{live_server.url}/registry/households/{household.pk}/members/new/")
    page.fill("input[name=name]", "张小明")
    page.fill("input[name=id_number]", "500110201001010011")
    page.select_option("select[name=relation]", "之子")
    page.click("main form[method=post] button[type=submit]")

    assert "身份证号码校验码不正确" in page.locator("main").inner_text()
    assert household.members.count() == 1


def test_a_village_cadre_attaches_a_photo_to_the_home_visit_and_sees_it_under_that_step(
    browser_page, live_server, cadre_with_household, work_team_a, township_officer,
    county_officer, tmp_path,
):  # fmt: skip
    page = browser_page
    cadre, household = cadre_with_household
    # given household_a's case after the home visit (clue ▸ application ▸ visit)
    cast = Cast(cadre=cadre, team=work_team_a, township=township_officer, county=county_officer)
    case = walk(cast, open_case(cast, household), CaseState.VERIFIED)
    visit = case.events.get(action="verify")
    photo = tmp_path / "入户照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 256)

    # when the cadre opens the case and chooses to attach a file to the home-visit step
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cadre.username)
    page.fill("input[name=password]", "browser-pass-1")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_url("**/registry/households/**")
    page.goto(f"{live_server.url}/monitoring/cases/{case.pk}/")
    page.click(f"#event-{visit.pk} a.attach-link")
    page.wait_for_url(f"**/monitoring/cases/{case.pk}/?attach={visit.pk}#attachment")
    assert page.input_value("main form#attachment select[name=event]") == str(visit.pk)
    page.set_input_files("main form#attachment input[name=file]", str(photo))
    page.fill("main form#attachment input[name=description]", "房屋现状")
    with page.expect_navigation():
        page.click("main form#attachment button[type=submit]")
    page.screenshot(path=str(tmp_path / "case-with-photo.png"), full_page=True)

    # then the photo is listed under the home-visit step, and nowhere else in the timeline
    assert page.locator(".invalid-feedback, .alert-danger").all_inner_texts() == []
    files = page.locator(f"#event-{visit.pk} .files").inner_text()
    assert "入户照片.jpg" in files and "房屋现状" in files
    application = case.events.get(action="apply")
    assert "入户照片.jpg" not in page.locator(f"#event-{application.pk}").inner_text()
    attachment = case.attachments.get()
    assert (attachment.event_id, attachment.kind) == (visit.pk, "photo")
    # and the link under the step opens the photo
    link = page.locator(f"#event-{visit.pk} .files a.file-name")
    assert link.get_attribute("href") == f"/monitoring/attachments/{attachment.pk}/"


def test_a_county_officer_sets_the_citys_monitoring_line_and_the_rules_page_shows_it(
    browser_page, live_server, county_officer
):
    page = browser_page
    county_officer.password = make_password("browser-pass-1")
    county_officer.save()

    # given a logged-in county officer on the 政策参数 page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", county_officer.username)
    page.fill("input[name=password]", "browser-pass-1")
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_url("**/registry/households/**")
    page.click("nav a:has-text('政策参数')")
    page.wait_for_url("**/parameters/")
    page.click("a[href$='/parameters/monthly_wage_max/']")
    page.wait_for_url("**/parameters/monthly_wage_max/")

    # when they first enter a value out of range, then a good one
    form = page.locator("main form[method=post]")
    form.locator("input[name=value]").fill("-5")
    form.locator("input[name=starts_on]").fill("2020-01-01")
    form.locator("input[name=reference]").fill("渝人社发〔2020〕1号")
    form.locator("textarea[name=reason]").fill("按市级文件")
    form.locator("button[type=submit]").click()
    assert "取值不得小于 0" in page.content()
    form = page.locator("main form[method=post]")
    form.locator("input[name=value]").fill("28000")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=新取值已保存")

    # then the value is in force, marked as the site's, on the parameter and on the rules page
    assert page.locator("[data-testid=value-today]").inner_text() == "28000"
    page.goto(f"{live_server.url}/screening/rules/")
    row = page.locator("tr", has=page.locator("a[href$='/parameters/monthly_wage_max/']"))
    assert "28000" in row.inner_text() and "本站设置" in row.inner_text()
