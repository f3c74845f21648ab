"""Documents and photos attached to the steps of a case: what is accepted, what is refused
(with nothing stored), who may open and remove them, on the case page and through the API."""

import datetime as dt
import hashlib
import io
import logging
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fupin.accounts.models import AuditEvent
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.monitoring import actions, events
from fupin.monitoring.models import Attachment, CaseEvent, CaseState
from fupin.monitoring.tests.steps import open_case, walk
from fupin.monitoring.uploads import OLE2, PNG
from fupin.tests.clients import session

S = CaseState
D = dt.date
ID_NUMBER = "500110198001011234"  # in a file name: 身份证 copies are named like this
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def _zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<xml/>")
    return buffer.getvalue()


DOCX = _zip("[Content_Types].xml", "word/document.xml")
XLSX = _zip("[Content_Types].xml", "xl/workbook.xml")
OFD = _zip("OFD.xml", "Doc_0/Document.xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The client's Content-Type is not trusted: every upload here claims to be a PDF.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def step(case, action: str) -> CaseEvent:
    return case.events.get(action=action)


@pytest.fixture
def verified(today, cast, household_a):
    """household_a's case after the home visit (clue ▸ application ▸ visit)."""
    return walk(cast, open_case(cast, household_a), S.VERIFIED)


def attach(cast, case, name="入户照片.jpg", content=PHOTO, to="verify", actor=None, **extra):
    event_id = step(case, to).pk if to else None
    return actions.attachment_add(
        actor=actor or cast.cadre,
        case=case,
        upload=upload(name, content),
        event_id=event_id,
        **extra,
    )


# ---- attaching ----------------------------------------------------------------------------


def test_a_photo_of_the_home_visit_is_attached_to_that_step(cast, verified, settings):
    # when the cadre attaches the visit's photo to the home-visit step
    attachment = attach(cast, verified, description="房屋现状")
    # then it is stored under a generated name, typed by its content, tied to the step
    visit = step(verified, "verify")
    assert attachment.event == visit and attachment.case == verified
    assert (attachment.kind, attachment.content_type) == ("photo", "image/jpeg")
    assert attachment.original_name == "入户照片.jpg" and "入户照片" not in attachment.file.name
    assert attachment.size == len(PHOTO)
    assert attachment.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert stored_files(settings) == [attachment.file.name]
    # and the timeline and the household's history say so
    row = verified.events.get(action=events.ATTACHMENT)
    assert row.details == {
        "attachment": attachment.pk,
        "name": "入户照片.jpg",
        "step": "verify",
        "step_on": "2026-09-24",
    }
    audit = AuditEvent.objects.filter(action="case.attachment").get()
    assert audit.changes == {"attachment": [None, "入户照片.jpg"]}


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("申请书.pdf", PDF, "document", "application/pdf"),
        ("扫描件.PDF", b"\xef\xbb\xbf\r\n" + PDF, "document", "application/pdf"),  # junk first
        ("公文.ofd", OFD, "document", "application/ofd"),
        ("评议记录.docx", DOCX, "document",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("收入测算.xlsx", XLSX, "document",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("旧版申请.doc", OLE2 + b"\x00" * 64, "document", "application/msword"),
        ("收入.xls", OLE2 + b"\x00" * 64, "document", "application/vnd.ms-excel"),
        ("说明.wps", OLE2 + b"\x00" * 64, "document", "application/octet-stream"),
        ("住房.PNG", PNG + b"\x00" * 64, "photo", "image/png"),
        ("厨房.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32, "photo", "image/webp"),
        ("门前.JPEG", PHOTO, "photo", "image/jpeg"),
    ],
)  # fmt: skip
def test_the_office_formats_are_accepted_by_their_content(
    cast, verified, name, content, kind, content_type
):
    attachment = attach(cast, verified, name=name, content=content)
    assert (attachment.kind, attachment.content_type) == (kind, content_type)


def snapshot(case, settings):
    return {
        "attachments": Attachment.objects.count(),
        "events": CaseEvent.objects.filter(case=case).count(),
        "audit": AuditEvent.objects.count(),
        "files": stored_files(settings),
    }


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("空文件.pdf", b"", "file_empty", "文件是空的"),
        ("程序.exe", EXE, "file_type_not_allowed", "只能上传PDF或OFD文档"),
        ("名单.csv", b"a,b\n1,2\n", "file_type_not_allowed", "只能上传PDF或OFD文档"),
        ("没有扩展名", PDF, "file_type_not_allowed", "只能上传PDF或OFD文档"),
        ("照片.jpg", EXE, "file_type_mismatch", "不是其扩展名所示的JPEG文件"),
        ("申请书.pdf", PNG + b"\x00" * 16, "file_type_mismatch", "不是其扩展名所示的PDF文件"),
        ("住房.png", PHOTO, "file_type_mismatch", "PNG"),
        ("评议记录.docx", XLSX, "file_type_mismatch", "Word"),
        ("评议记录.docx", b"PK\x03\x04 not really a zip", "file_type_mismatch", "Word"),
        ("公文.ofd", DOCX, "file_type_mismatch", "OFD"),
        ("收入.xls", PDF, "file_type_mismatch", "Excel"),
    ],
)
def test_a_file_that_is_empty_not_allowed_or_not_what_its_name_says_is_refused_and_not_stored(
    cast, verified, settings, name, content, code, message
):
    before = snapshot(verified, settings)
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        attach(cast, verified, name=name, content=content)
    assert (exc.value.code, exc.value.field) == (code, "file")
    assert message in str(exc.value.message)
    assert snapshot(verified, settings) == before


def test_a_file_over_the_sites_limit_is_refused_naming_the_limit(cast, verified, settings):
    # given a site that allows 1 MB
    settings.MONITORING_ATTACHMENT_MAX_MB = 1
    before = snapshot(verified, settings)
    big = PDF + b"0" * (1536 * 1024)
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        attach(cast, verified, name="大文件.pdf", content=big)
    assert exc.value.code == "file_too_large"
    assert str(exc.value.message) == "单个文件不能超过1 MB，该文件为1.5 MB。"
    assert snapshot(verified, settings) == before
    # and a file just under it is accepted
    assert attach(cast, verified, name="刚好.pdf", content=PDF + b"0" * 1000).size == 1036


def test_a_step_of_another_case_or_a_file_row_is_refused_and_nothing_stored(
    cast, verified, household_b, village_cadre_b, settings
):
    # given another village's case, and a file already attached to this one
    other = open_case(replace(cast, cadre=village_cadre_b), household_b)
    attach(cast, verified, name="申请书.pdf", content=PDF, to="apply")
    file_row = verified.events.get(action=events.ATTACHMENT)
    before = snapshot(verified, settings)
    for event_id, code in (
        (other.events.get().pk, "event_of_another_case"),
        (987654, "event_of_another_case"),
        (file_row.pk, "step_not_attachable"),
    ):
        with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
            actions.attachment_add(
                actor=cast.cadre, case=verified, upload=upload("照片.jpg", PHOTO), event_id=event_id
            )
        assert (exc.value.code, exc.value.field) == (code, "event")
    assert str(exc.value.message) == "附件应附在案件的办理步骤上，不能附在另一份附件的记录上。"
    assert snapshot(verified, settings) == before


def test_the_same_file_twice_on_a_case_is_refused_saying_where_it_is(cast, verified, settings):
    attach(cast, verified, name="入户照片.jpg")
    before = snapshot(verified, settings)
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        attach(cast, verified, name="再传一次.jpg", to="apply")
    assert exc.value.code == "file_already_attached"
    assert str(exc.value.message) == "该文件已作为“入户照片.jpg”附在“入户核实”上，无需重复上传。"
    assert snapshot(verified, settings) == before


def test_a_leader_cannot_attach_and_another_village_cannot_see_the_case(
    cast, verified, leader, village_cadre_b, settings
):
    before = snapshot(verified, settings)
    with pytest.raises(PermissionDenied):
        attach(cast, verified, actor=leader, to=None)
    with pytest.raises(NotFound):
        attach(cast, verified, actor=village_cadre_b, to=None)
    assert snapshot(verified, settings) == before


def test_a_failure_after_the_file_is_written_leaves_neither_row_nor_file(
    cast, verified, settings, monkeypatch
):
    from fupin.monitoring.actions import attachments as module

    def broken(*args, **kwargs):
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(module, "audit_case", broken)
    before = snapshot(verified, settings)
    with pytest.raises(RuntimeError):
        attach(cast, verified)
    assert snapshot(verified, settings) == before


def test_attaching_a_file_today_does_not_stop_recording_an_earlier_step(cast, verified):
    # given the visit's photo attached today (2026-10-20)
    attach(cast, verified)
    # when the village review held on 2026-09-27 is recorded afterwards
    actions.case_village_review(
        actor=cast.cadre, case=verified, held_on=D(2026, 9, 27), participants="村民代表",
        votes_for=7, votes_against=0, proposed_category="突发严重困难户",
    )  # fmt: skip
    # then it is accepted with its own date
    verified.refresh_from_db()
    assert verified.state == S.VILLAGE_REVIEWED
    assert step(verified, "village_review").on == D(2026, 9, 27)


# ---- removing a wrongly attached file -----------------------------------------------------


def test_the_uploader_removes_a_wrong_file_the_record_stays_and_the_content_is_erased(
    cast, verified, settings, django_capture_on_commit_callbacks
):
    # given a photo of the wrong household attached to the visit
    attachment = attach(cast, verified, name="别户照片.jpg")
    stored = attachment.file.name
    # when the cadre who attached it removes it, saying why
    with django_capture_on_commit_callbacks(execute=True):
        actions.attachment_remove(actor=cast.cadre, attachment=attachment, reason="传错户")
    # then the row stays with who, when and why, and the file's content is gone
    attachment.refresh_from_db()
    assert attachment.is_removed and attachment.removed_by == cast.cadre
    assert (attachment.removal_reason, attachment.file.name) == ("传错户", "")
    assert attachment.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert stored not in stored_files(settings) and stored_files(settings) == []
    # and the timeline and the audit record it
    row = verified.events.get(action=events.ATTACHMENT_REMOVED)
    assert (row.note, row.details["name"]) == ("传错户", "别户照片.jpg")
    assert row.details["step"] == "verify"
    audit = AuditEvent.objects.get(action="case.attachment_remove")
    assert (audit.changes, audit.reason) == ({"attachment": ["别户照片.jpg", None]}, "传错户")
    # and the same photo may now be attached where it belongs (on another household's case)
    assert verified.attachments.current().count() == 0


def test_who_may_remove_a_file(cast, verified, settings):
    attachment = attach(cast, verified)
    before = snapshot(verified, settings)
    # a colleague who did not attach it may not; nor without a reason
    with pytest.raises(PermissionDenied):
        actions.attachment_remove(actor=cast.team, attachment=attachment, reason="重复")
    with pytest.raises(DomainError) as exc:
        actions.attachment_remove(actor=cast.cadre, attachment=attachment, reason="  ")
    assert (exc.value.code, exc.value.field) == ("required", "reason")
    assert snapshot(verified, settings) == before
    # once the case is closed, the uploader may not, the township office may
    actions.case_reject(
        actor=cast.cadre, case=verified, rejected_on=D(2026, 9, 25), reason="收入达标"
    )
    with pytest.raises(PermissionDenied):
        actions.attachment_remove(actor=cast.cadre, attachment=attachment, reason="传错户")
    actions.attachment_remove(actor=cast.township, attachment=attachment, reason="传错户")
    # and a file already removed is not removed twice
    with pytest.raises(DomainError) as twice:
        actions.attachment_remove(actor=cast.county, attachment=attachment, reason="再次")
    assert (twice.value.code, twice.value.status) == ("attachment_removed", 410)
    assert AuditEvent.objects.filter(action="case.attachment_remove").count() == 1


# ---- the case page ------------------------------------------------------------------------


def test_on_the_case_page_a_file_is_attached_to_a_chosen_step_and_shown_under_it(cast, verified):
    client = session(cast.cadre)
    visit = step(verified, "verify")
    url = f"/monitoring/cases/{verified.pk}/"
    # given the page offers to attach a file to each step, and preselects the one chosen
    page = client.get(url).content.decode()
    assert f'href="?attach={visit.pk}#attachment"' in page
    chosen = client.get(url, {"attach": visit.pk}).content.decode()
    assert f'<option value="{visit.pk}" selected>2026-09-24 入户核实</option>' in chosen
    # when the cadre attaches the photo to the visit
    response = client.post(
        f"{url}attachments/",
        {"event": visit.pk, "file": upload("入户照片.jpg", PHOTO), "description": "房屋"},
    )
    assert response.status_code == 302
    # then it is listed under that step, with a link to open it
    attachment = verified.attachments.get()
    assert attachment.event == visit
    assert timeline_row(client.get(url), visit).count("入户照片.jpg") == 1
    assert f'href="/monitoring/attachments/{attachment.pk}/"' in timeline_row(
        client.get(url), visit
    )
    assert "入户照片.jpg" not in timeline_row(client.get(url), step(verified, "apply"))


def timeline_row(response, event) -> str:
    """The HTML of one row of the case page's timeline."""
    page = response.content.decode()
    row = page[page.index(f'id="event-{event.pk}"') :]
    following = row.find('class="list-group-item timeline-row"')
    return row[:following] if following != -1 else row


def test_a_refused_file_on_the_page_shows_the_reason_and_keeps_the_chosen_step(cast, verified):
    client = session(cast.cadre)
    visit = step(verified, "verify")
    response = client.post(
        f"/monitoring/cases/{verified.pk}/attachments/",
        {"event": visit.pk, "file": upload("照片.jpg", EXE)},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "不是其扩展名所示的JPEG文件" in page
    assert f'<option value="{visit.pk}" selected>' in page
    assert Attachment.objects.count() == 0


def test_the_page_opens_and_removes_files_by_role(cast, verified, leader, village_cadre_b):
    attachment = attach(cast, verified, name=f"身份证{ID_NUMBER}.jpg")
    url = f"/monitoring/attachments/{attachment.pk}/"
    case_url = f"/monitoring/cases/{verified.pk}/"
    # the village opens the photo; a leader sees the masked name but may not open it
    got = session(cast.cadre).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PHOTO
    assert got["Content-Type"] == "image/jpeg" and got["Cache-Control"] == "private, no-store"
    leader_page = session(leader).get(case_url).content.decode()
    assert ID_NUMBER not in leader_page and "身份证500110********1234.jpg" in leader_page
    assert url not in leader_page
    assert session(leader).get(url).status_code == 403
    assert session(village_cadre_b).get(url).status_code == 404
    # only the uploader and the township see the remove form; a reason is required
    team_page = session(cast.team).get(case_url).content.decode()
    assert f'id="remove-{attachment.pk}"' not in team_page
    remove = f"/monitoring/attachments/{attachment.pk}/remove/"
    key = f"remove-{attachment.pk}"
    empty = session(cast.cadre).post(remove, {f"{key}-reason": ""})
    assert empty.status_code == 400 and not Attachment.objects.get().is_removed
    assert session(cast.team).post(remove, {f"{key}-reason": "重复"}).status_code == 403
    assert session(village_cadre_b).post(remove, {f"{key}-reason": "重复"}).status_code == 404
    done = session(cast.cadre).post(remove, {f"{key}-reason": "传错户"})
    assert done.status_code == 302 and Attachment.objects.get().removal_reason == "传错户"
    # then the file is gone, and the page says who removed it and why
    assert session(cast.cadre).get(url).status_code == 410
    page = session(cast.cadre).get(case_url).content.decode()
    assert "已移除" in page and "传错户" in page and url not in page


def vanish(attachment) -> None:
    """The stored file disappears from the disk behind the application's back."""
    Path(attachment.file.path).unlink()


def test_a_file_gone_from_the_disk_answers_404_on_the_page_saying_so_and_is_logged(
    cast, verified, caplog
):
    # given a photo whose stored file was deleted on the server
    attachment = attach(cast, verified, name=f"身份证{ID_NUMBER}.jpg")
    vanish(attachment)
    # when the village opens it
    with caplog.at_level(logging.ERROR, logger="fupin.monitoring.uploads"):
        got = session(cast.cadre).get(f"/monitoring/attachments/{attachment.pk}/")
    # then a 404 page says the file is missing, in Chinese, with the way back to the case
    assert got.status_code == 404
    page = got.content.decode()
    assert "附件的文件在服务器上找不到了" in page
    assert f'href="/monitoring/cases/{verified.pk}/"' in page
    # and the log names the attachment and the case, never the file's name
    logged = [r.getMessage() for r in caplog.records if r.name == "fupin.monitoring.uploads"]
    assert logged == [f"stored file missing: attachment {attachment.pk} of case {verified.pk}"]
    assert ID_NUMBER not in caplog.text


# ---- the API ------------------------------------------------------------------------------


API = "/api/v1/monitoring"


def test_the_api_attaches_lists_downloads_and_removes(
    cast, verified, django_capture_on_commit_callbacks
):
    client = session(cast.cadre)
    visit = step(verified, "verify")
    # the case's timeline gives each step its id
    case = client.get(f"{API}/cases/{verified.pk}").json()
    assert [row["id"] for row in case["timeline"] if row["action"] == "verify"] == [visit.pk]
    # when a photo is sent to the visit step as multipart
    response = client.post(
        f"{API}/cases/{verified.pk}/attachments",
        {"file": upload("入户照片.jpg", PHOTO), "event_id": visit.pk, "description": "房屋"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert body["id"] == attachment.pk and body["event_id"] == visit.pk
    assert (body["step_label"], body["kind"], body["name"]) == ("入户核实", "photo", "入户照片.jpg")
    assert (body["size"], body["sha256"]) == (len(PHOTO), hashlib.sha256(PHOTO).hexdigest())
    assert body["download_url"] == f"{API}/attachments/{attachment.pk}/file"
    assert body["removed"] is False and body["uploaded_by"] == str(cast.cadre)
    # then it is listed, in the case too, and downloads as sent
    listed = client.get(f"{API}/cases/{verified.pk}/attachments").json()
    assert [item["id"] for item in listed] == [attachment.pk]
    assert [a["id"] for a in client.get(f"{API}/cases/{verified.pk}").json()["attachments"]] == [
        attachment.pk
    ]
    got = client.get(body["download_url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PHOTO
    # and the uploader removes it with the reason; it stays listed as removed
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.delete(
            f"{API}/attachments/{attachment.pk}",
            {"reason": "传错户"},
            content_type="application/json",
        )
    assert removed.status_code == 200
    assert removed.json()["removed"] is True and removed.json()["removal_reason"] == "传错户"
    assert removed.json()["download_url"] is None
    gone = client.get(body["download_url"])
    assert (gone.status_code, gone.json()["code"]) == (410, "attachment_removed")
    assert client.get(f"{API}/attachments/{attachment.pk}").json()["removed_by"] == str(cast.cadre)


def test_the_api_answers_404_attachment_file_missing_for_a_file_gone_from_the_disk(
    cast, verified, caplog
):
    # given
    attachment = attach(cast, verified)
    vanish(attachment)
    # when
    with caplog.at_level(logging.ERROR, logger="fupin.monitoring.uploads"):
        got = session(cast.cadre).get(f"{API}/attachments/{attachment.pk}/file")
    # then
    assert got.status_code == 404
    error = got.json()
    assert error["code"] == "attachment_file_missing"
    assert any("\u4e00" <= char <= "\u9fff" for char in error["message"])  # in Chinese
    assert f"attachment {attachment.pk} of case {verified.pk}" in caplog.text
    # and the attachment's details still answer
    assert session(cast.cadre).get(f"{API}/attachments/{attachment.pk}").status_code == 200


def test_api_refusals_have_stable_codes_and_chinese_messages(
    cast, verified, household_b, village_cadre_b, leader, settings
):
    client = session(cast.cadre)
    url = f"{API}/cases/{verified.pk}/attachments"
    other = open_case(replace(cast, cadre=village_cadre_b), household_b)
    before = snapshot(verified, settings)
    cases = [
        ({"file": upload("程序.exe", EXE)}, 400, "file_type_not_allowed", "file"),
        ({"file": upload("照片.jpg", EXE)}, 400, "file_type_mismatch", "file"),
        ({"file": upload("空.pdf", b"")}, 400, "file_empty", "file"),
        (
            {"file": upload("照片.jpg", PHOTO), "event_id": other.events.get().pk},
            400,
            "event_of_another_case",
            "event",
        ),
    ]
    for body, status, code, field in cases:
        response = client.post(url, body)
        assert response.status_code == status, response.content
        error = response.json()
        assert (error["code"], error["field"]) == (code, field)
        assert any("\u4e00" <= char <= "\u9fff" for char in error["message"])  # in Chinese
    missing = client.post(url, {"description": "没有文件"})
    assert (missing.status_code, missing.json()["code"]) == (422, "invalid_request")
    assert snapshot(verified, settings) == before
    # a leader reads the list but may not attach, open or remove
    attachment = attach(cast, verified)
    leader_client = session(leader)
    assert leader_client.get(url).status_code == 200
    refused = leader_client.post(url, {"file": upload("照片2.jpg", PHOTO + b"2")})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    opened = leader_client.get(f"{API}/attachments/{attachment.pk}/file")
    assert (opened.status_code, opened.json()["code"]) == (403, "permission_denied")
    deleted = leader_client.delete(
        f"{API}/attachments/{attachment.pk}", {"reason": "x"}, content_type="application/json"
    )
    assert (deleted.status_code, deleted.json()["code"]) == (403, "permission_denied")
    # and another village does not find it at all
    outsider = session(village_cadre_b).get(f"{API}/attachments/{attachment.pk}")
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")


def test_names_are_masked_in_the_api_for_roles_that_may_not_see_id_numbers(cast, verified, leader):
    attach(cast, verified, name=f"身份证{ID_NUMBER}.jpg", description=f"号码{ID_NUMBER}")
    url = f"{API}/cases/{verified.pk}/attachments"
    shown = session(leader).get(url).json()[0]
    assert shown["name"] == "身份证500110********1234.jpg"
    assert shown["description"] == "号码500110********1234" and shown["download_url"] is None
    assert ID_NUMBER not in session(leader).get(f"{API}/cases/{verified.pk}").content.decode()
    assert session(cast.township).get(url).json()[0]["name"] == f"身份证{ID_NUMBER}.jpg"


def test_the_attachment_list_takes_the_same_queries_for_one_file_or_many(cast, verified):
    client = session(cast.cadre)
    url = f"{API}/cases/{verified.pk}/attachments"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    attach(cast, verified, name="1.jpg", content=PHOTO + b"1")
    one = queries()
    for number in range(2, 6):
        attach(cast, verified, name=f"{number}.jpg", content=PHOTO + bytes([number]), to="apply")
    assert len(client.get(url).json()) == 5
    assert queries() == one


def test_the_api_documents_the_attachment_routes(cast):
    paths = session(cast.cadre).get("/api/v1/openapi.json").json()["paths"]
    upload_op = paths["/api/v1/monitoring/cases/{case_id}/attachments"]["post"]
    form = upload_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(form["properties"]) == {"file", "event_id", "description"}
    assert form["required"] == ["file"]
    assert "file_type_mismatch" in upload_op["description"]
    assert set(paths["/api/v1/monitoring/attachments/{attachment_id}"]) == {"get", "delete"}
    download = paths["/api/v1/monitoring/attachments/{attachment_id}/file"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
