"""The data hub pages: upload with progress, the mapping step, the preview, rollback."""

from __future__ import annotations

import io

import pytest

from fupin.datahub.models import BatchStatus, CivilAffairsBenefit, ColumnMapping, ImportBatch
from fupin.datahub.tests.conftest import stage
from fupin.datahub.tests.files import csv_bytes
from fupin.tests.clients import session


def test_the_upload_page_reads_the_file_and_shows_the_counts_that_add_up(
    township_officer, people, django_capture_on_commit_callbacks
):
    content = csv_bytes(
        [
            ["姓名", "身份证号", "救助类别"],
            ["王大山", people["王大山"].id_number, "低保"],
            ["某某", "1", "低保"],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "民政.csv"
    client = session(township_officer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/datahub/batches/new/", {"feed": "civil_affairs", "period": "2020-03", "file": upload}
        )
    # then
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "读入" in page and "拒收" in page
    assert "入库" in page  # the promote button


def test_the_progress_fragment_asks_for_a_reload_once_the_batch_is_done(township_officer, people):
    content = csv_bytes(
        [["姓名", "身份证号", "救助类别"], ["王大山", people["王大山"].id_number, "低保"]]
    )
    batch = stage(township_officer, "civil_affairs", content, period="2020-03")
    # when
    response = session(township_officer).get(
        f"/datahub/batches/{batch.pk}/progress/", headers={"HX-Request": "true"}
    )
    # then
    assert response["HX-Refresh"] == "true"


def test_a_batch_being_read_polls_its_progress(township_officer, people):
    content = csv_bytes(
        [["姓名", "身份证号", "救助类别"], ["王大山", people["王大山"].id_number, "低保"]]
    )
    batch = stage(township_officer, "civil_affairs", content, period="2020-03")
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.STAGING, rows_processed=1234)
    # when
    page = session(township_officer).get(f"/datahub/batches/{batch.pk}/").content.decode()
    # then
    assert 'hx-trigger="every 1s"' in page and "1234" in page


def test_the_mapping_step_reads_the_file_again_and_saves_the_mapping(
    township_officer, people, django_capture_on_commit_callbacks
):
    # given a county file under its own headers
    content = csv_bytes([["户主", "公民身份号码"], ["王大山", people["王大山"].id_number]])
    batch = stage(township_officer, "civil_affairs", content, period="2020-03")
    assert batch.status == BatchStatus.NEEDS_MAPPING
    # when the officer maps the columns by hand, fixes the benefit and saves the mapping
    with django_capture_on_commit_callbacks(execute=True):
        response = session(township_officer).post(
            f"/datahub/batches/{batch.pk}/mapping/",
            {
                "id_number": "公民身份号码",
                "name": "户主",
                "benefit__fixed": "低保",
                "save_as": "县民政局格式",
            },
        )
    # then
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.rows_promoted) == (BatchStatus.STAGED, 1)
    assert ColumnMapping.objects.get().columns == {
        "id_number": "公民身份号码",
        "name": "户主",
        "benefit": "=低保",
    }


def test_promote_and_rollback_from_the_page(
    township_officer, people, django_capture_on_commit_callbacks
):
    content = csv_bytes(
        [["姓名", "身份证号", "救助类别"], ["王大山", people["王大山"].id_number, "低保"]]
    )
    batch = stage(township_officer, "civil_affairs", content, period="2020-03")
    client = session(township_officer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/datahub/batches/{batch.pk}/promote/")
    # then
    assert CivilAffairsBenefit.objects.count() == 1
    # when
    client.post(f"/datahub/batches/{batch.pk}/rollback/", {"reason": "重复导入"})
    # then
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.ROLLED_BACK
    assert not CivilAffairsBenefit.objects.exists()


@pytest.mark.parametrize("persona", ["village_cadre_a", "helper_cadre"])
def test_village_roles_and_helpers_are_refused_the_pages(request, persona):
    client = session(request.getfixturevalue(persona))
    assert client.get("/datahub/batches/").status_code == 403
    assert client.get("/datahub/batches/new/").status_code == 403


def test_the_nav_links_to_department_data_for_those_who_see_it(township_officer, village_cadre_a):
    assert (
        "/datahub/batches/"
        in session(township_officer).get("/registry/households/").content.decode()
    )
    assert (
        "/datahub/batches/"
        not in session(village_cadre_a).get("/registry/households/").content.decode()
    )
