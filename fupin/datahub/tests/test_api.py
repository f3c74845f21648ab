"""The data hub API with each role: who may upload which feed, what each one sees."""

from __future__ import annotations

import io

import pytest

from fupin.datahub.models import BatchStatus, CivilAffairsBenefit, ColumnMapping, ImportBatch
from fupin.datahub.tests.files import csv_bytes, read_xlsx
from fupin.tests.clients import session

API = "/api/v1/datahub"
HEADER = ["姓名", "身份证号", "救助类别", "发放金额"]


def civil_file(people) -> io.BytesIO:
    rows = [
        ["王大山", people["王大山"].id_number, "低保", "450"],
        ["刘桂芳", people["刘桂芳"].id_number, "低保", "450"],
        ["刘桂芳", "500110196207080000", "低保", "450"],
    ]
    upload = io.BytesIO(csv_bytes([HEADER, *rows]))
    upload.name = "民政3月.csv"
    return upload


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def _upload(user, people, feed="civil_affairs", period="2020-03"):
        with django_capture_on_commit_callbacks(execute=True):
            return session(user).post(
                f"{API}/batches", {"feed": feed, "period": period, "file": civil_file(people)}
            )

    return _upload


def test_department_staff_upload_their_feed_and_the_batch_is_read_in_the_background(
    department_staff, people, upload
):
    # when the 民政办 uploads a 民政 list
    response = upload(department_staff, people)
    # then the batch is created and, its task run, checked with counts that add up
    assert response.status_code == 201, response.content
    batch = session(department_staff).get(f"{API}/batches/{response.json()['id']}").json()
    assert batch["status"] == "staged"
    assert {"read": 3, "promoted": 2, "rejected": 1, "adds_up": True}.items() <= batch[
        "rows"
    ].items()
    assert batch["rows_processed"] == 3


def test_department_staff_of_civil_affairs_cannot_upload_a_medical_feed(
    department_staff, people, upload
):
    response = upload(department_staff, people, feed="medical")
    assert response.status_code == 403
    assert response.json()["code"] == "feed_of_another_department"
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["village_cadre_a", "helper_cadre", "leader"])
def test_village_cadres_helpers_and_leaders_cannot_upload(request, persona, people, upload):
    response = upload(request.getfixturevalue(persona), people)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ImportBatch.objects.exists()


def test_a_village_cadre_sees_no_batch(village_cadre_a, township_officer, people, upload):
    batch_id = upload(township_officer, people).json()["id"]
    client = session(village_cadre_a)
    assert client.get(f"{API}/batches").status_code == 403
    assert client.get(f"{API}/batches/{batch_id}").json()["code"] == "not_found"


def test_the_township_office_previews_promotes_downloads_and_rolls_back(
    township_officer, people, upload, django_capture_on_commit_callbacks
):
    client = session(township_officer)
    batch_id = upload(township_officer, people).json()["id"]
    # when it previews
    preview = client.get(f"{API}/batches/{batch_id}/preview").json()
    # then it sees the rows to promote and the rejected one with its reason
    assert [row["name"] for row in preview["sample"]] == ["王大山", "刘桂芳"]
    assert preview["rejected"][0]["row_number"] == 4
    assert "身份证号" in preview["rejected"][0]["reason"]
    # when it promotes
    with django_capture_on_commit_callbacks(execute=True):
        promoted = client.post(f"{API}/batches/{batch_id}/promote")
    # then
    assert promoted.status_code == 200
    assert client.get(f"{API}/batches/{batch_id}").json()["status"] == "promoted"
    assert CivilAffairsBenefit.objects.count() == 2
    # and the rows not imported download as a workbook
    download = client.get(f"{API}/batches/{batch_id}/errors")
    sheet = read_xlsx(b"".join(download.streaming_content))
    assert sheet[3][:2] == ["4", "拒收"]
    # when it rolls the batch back
    rolled = client.post(
        f"{API}/batches/{batch_id}/rollback",
        {"reason": "名单有误"},
        content_type="application/json",
    )
    # then
    assert rolled.status_code == 200 and rolled.json()["status"] == "rolled_back"
    assert not CivilAffairsBenefit.objects.exists()


def test_department_staff_cannot_roll_back(department_staff, people, upload):
    batch = ImportBatch.objects.get(pk=upload(department_staff, people).json()["id"])
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PROMOTED)
    response = session(department_staff).post(
        f"{API}/batches/{batch.pk}/rollback", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_leader_sees_the_preview_with_id_numbers_masked(leader, township_officer, people, upload):
    batch_id = upload(township_officer, people).json()["id"]
    preview = session(leader).get(f"{API}/batches/{batch_id}/preview").json()
    assert preview["sample"][0]["id_number"].count("*") == 8
    assert people["王大山"].id_number not in str(preview)


def test_an_empty_upload_is_refused_with_its_code(
    township_officer, django_capture_on_commit_callbacks
):
    empty = io.BytesIO(b"")
    empty.name = "空.csv"
    response = session(township_officer).post(
        f"{API}/batches", {"feed": "civil_affairs", "file": empty}
    )
    assert (response.status_code, response.json()["code"]) == (400, "empty_file")


def test_mappings_are_saved_changed_and_deleted(township_officer):
    client = session(township_officer)
    body = {"name": "县格式", "feed": "civil_affairs", "columns": {"id_number": "公民身份号码"}}
    # when
    created = client.post(f"{API}/mappings", body, content_type="application/json")
    mapping_id = created.json()["id"]
    changed = client.put(
        f"{API}/mappings/{mapping_id}",
        {**body, "columns": {"id_number": "证件号码", "benefit": "=低保"}},
        content_type="application/json",
    )
    # then
    assert created.status_code == 201
    assert changed.json()["columns"] == {"id_number": "证件号码", "benefit": "=低保"}
    assert client.delete(f"{API}/mappings/{mapping_id}").status_code == 200
    assert not ColumnMapping.objects.exists()


def test_a_mapping_with_an_unknown_field_is_refused(township_officer):
    body = {"name": "x", "feed": "civil_affairs", "columns": {"shoe_size": "鞋码"}}
    response = session(township_officer).post(
        f"{API}/mappings", body, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")


def test_the_feeds_list_their_preset_layouts_and_what_the_caller_may_import(department_staff):
    feeds = {feed["code"]: feed for feed in session(department_staff).get(f"{API}/feeds").json()}
    assert feeds["medical"]["table"] == "medical_claims"
    assert [c["header"] for c in feeds["medical"]["columns"]][:3] == [
        "身份证号",
        "姓名",
        "结算编号",
    ]
    assert feeds["civil_affairs"]["can_import"] and not feeds["medical"]["can_import"]
