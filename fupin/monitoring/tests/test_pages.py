"""The case pages, the 公示 notice, the ledger export and the dashboard, as people use them."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from fupin.core.masking import mask_phone
from fupin.monitoring import actions
from fupin.monitoring.excel import HEADERS
from fupin.monitoring.models import Case, CaseState
from fupin.monitoring.tests.steps import open_case, walk
from fupin.registry.models import Member
from fupin.registry.tests.factories import MemberFactory
from fupin.tests.clients import session

S = CaseState
D = dt.date


@pytest.fixture
def posted(today, cast, household_a):
    """household_a posted in 凉风村, with a second member who is seriously ill."""
    MemberFactory(
        household=household_a,
        relation="配偶",
        sex="2",
        name="王秀英",
        health="患有大病",
        phone="13912340000",
    )
    return walk(cast, open_case(cast, household_a), S.POSTED)


def test_the_case_page_shows_the_timeline_and_only_the_forms_of_the_next_steps(cast, posted):
    # when the township office opens the posted case
    page = session(cast.township).get(f"/monitoring/cases/{posted.pk}/").content.decode()
    # then it sees the timeline and the forms of its own next steps only
    assert 'id="timeline"' in page and "村委会公示栏" in page
    assert 'id="township_review"' in page and 'id="reject"' in page
    assert 'id="apply"' not in page and 'id="approve_monitoring"' not in page
    # and the village cadre, who cannot review, sees no township form
    cadre_page = session(cast.cadre).get(f"/monitoring/cases/{posted.pk}/").content.decode()
    assert 'id="township_review"' not in cadre_page and 'id="objection"' in cadre_page


def test_a_step_refused_on_the_page_shows_the_reason_and_writes_nothing(cast, posted):
    # when the township reviews on the last day of the posting
    response = session(cast.township).post(
        f"/monitoring/cases/{posted.pk}/township-review/",
        {"reviewed_on": "2026-10-09", "housing_signed_by": "周", "health_signed_by": "吴",
         "education_signed_by": "郑", "water_signed_by": "冯"},
    )  # fmt: skip
    # then the page says why, in Chinese, and the case has not moved
    assert response.status_code == 400
    assert "公示" in response.content.decode()
    assert Case.objects.get(pk=posted.pk).state == S.POSTED


def test_a_step_by_a_role_that_may_not_take_it_is_forbidden(cast, posted, village_cadre_b):
    url = f"/monitoring/cases/{posted.pk}/township-review/"
    assert session(cast.cadre).post(url, {"reviewed_on": "2026-10-12"}).status_code == 403
    assert session(village_cadre_b).post(url, {}).status_code == 404
    assert session(village_cadre_b).get(f"/monitoring/cases/{posted.pk}/").status_code == 404


def test_the_notice_never_shows_id_numbers_phones_or_health(cast, posted, household_a):
    # when the cadre opens the village's notice, as a page and as a PDF
    client = session(cast.cadre)
    html = client.get("/monitoring/notice/", {"village": "500110103201"}).content.decode()
    pdf = client.get("/monitoring/notice.pdf", {"village": "500110103201"})
    # then the household is listed with its posting dates and where to object ...
    head = household_a.members.get(relation="户主")
    assert head.name in html and "2026-09-28" in html and "2026-10-09" in html
    assert "村委会 023-48612345" in html
    # ... and nothing a posting may not show
    for member in Member.objects.filter(household=household_a):
        assert member.id_number not in html and member.id_number[-6:] not in html
        if member.phone:
            assert member.phone not in html and mask_phone(member.phone) not in html
        if member.health != "健康":
            assert member.health not in html
    assert household_a.phone not in html if household_a.phone else True
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_notice_of_another_village_is_not_found(cast, posted, village_cadre_b):
    response = session(village_cadre_b).get("/monitoring/notice/", {"village": "500110103201"})
    assert response.status_code == 404


def test_the_ledger_export_has_the_national_header_on_row_3(cast, posted, household_a, leader):
    # given the household is monitored
    actions.case_township_review(
        actor=cast.township, case=posted, reviewed_on=D(2026, 10, 12), housing_signed_by="周",
        health_signed_by="吴", education_signed_by="郑", water_signed_by="冯",
    )  # fmt: skip
    actions.case_approve_monitoring(
        actor=cast.county, case=posted, decided_on=D(2026, 10, 13), category="突发严重困难户",
        risk_types=["01", "07"],
    )  # fmt: skip
    # when the leader (who may not see ID numbers) exports the village's ledger
    response = session(leader).get("/monitoring/ledger.xlsx", {"village": "500110103201"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # then the title is on row 1, the national header on row 3, one row per person
    assert rows[0][0] == "（自定义）监测对象信息"
    assert list(rows[2][: len(HEADERS)]) == HEADERS
    assert {
        "县",
        "乡",
        "村",
        "户编号",
        "证件号码",
        "监测对象类别",
        "风险是否已消除",
        "识别监测时间",
    } <= set(rows[2])
    data = [dict(zip(rows[2], row, strict=False)) for row in rows[3:]]
    assert len(data) == 2
    assert {row["监测对象类别"] for row in data} == {"突发严重困难户"}
    assert data[0]["致贫/返贫风险1"] == "因病" and data[0]["致贫/返贫风险2"] == "因务工就业不稳"
    assert (data[0]["村"], data[0]["乡"], data[0]["县"]) == ("凉风村", "关坝镇", "綦江区")
    assert data[0]["识别监测时间"] == "2026-10-13" and data[0]["风险是否已消除"] == "否"
    # and ID numbers, phones and health are masked for this role
    for member in household_a.members.all():
        assert member.id_number not in {row["证件号码"] for row in data}
    assert "患有大病" not in {row["健康状况"] for row in data}


def test_an_attachment_is_stored_and_served_only_within_scope(cast, posted, village_cadre_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # when the cadre attaches the signed application to the case
    client = session(cast.cadre)
    upload = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(f"/monitoring/cases/{posted.pk}/attachments/", {"file": upload})
    assert response.status_code == 302
    attachment = posted.attachments.get()
    assert attachment.original_name == "申请书.pdf" and "申请书" not in attachment.file.name
    # then the village may download it, another village may not even see it
    url = f"/monitoring/attachments/{attachment.pk}/"
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert session(village_cadre_b).get(url).status_code == 404
    # and a file that is not what it claims is refused
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00", content_type="image/jpeg")
    refused = client.post(f"/monitoring/cases/{posted.pk}/attachments/", {"file": fake})
    assert refused.status_code == 400 and posted.attachments.count() == 1
