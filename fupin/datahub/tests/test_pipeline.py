"""The import pipeline, file by file: every bad input the issue lists, with counts that add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.errors import DomainError
from fupin.datahub.models import (
    BatchIssue,
    BatchStatus,
    CivilAffairsBenefit,
    ImportBatch,
    MedicalClaim,
)
from fupin.datahub.tests.conftest import adds_up, counts, promote, stage
from fupin.datahub.tests.files import csv_bytes, read_xlsx, xlsx_bytes
from fupin.tabular.tests.builders import encrypted_xlsx, with_cached_value

CIVIL_HEADER = ["姓名", "身份证号", "救助类别", "发放金额", "所属期"]
CLAIM_HEADER = [
    "姓名",
    "身份证号",
    "结算编号",
    "住院/门诊",
    "就诊日期",
    "医疗总费用",
    "报销金额",
    "合规自付",
]


def civil_rows(people, *names, benefit="低保", amount="450", period="2020-03"):
    return [[people[n].name, people[n].id_number, benefit, amount, period] for n in names]


# ---- files refused as a whole -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"   \r\n", "empty_file"),
        (b"%PDF-1.4 a report, not a list", "unsupported_type"),
        (encrypted_xlsx(), "password_protected"),
        (b"PK\x03\x04 this is no zip at all", "corrupt_workbook"),
    ],
    ids=["empty", "blank", "pdf", "password", "broken-zip"],
)
def test_a_file_that_is_no_table_is_refused_at_upload_and_leaves_no_batch(
    township_officer, content, code
):
    # when
    with pytest.raises(DomainError) as refused:
        stage(township_officer, "civil_affairs", content, name="名单.xlsx")
    # then
    assert refused.value.code == code
    assert str(refused.value.message)
    assert not ImportBatch.objects.exists()


def test_a_workbook_damaged_inside_fails_its_batch_with_a_clear_reason(township_officer):
    # given a zip that claims to be a workbook but has no readable sheet
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    # when
    batch = stage(township_officer, "civil_affairs", buffer.getvalue(), name="名单.xlsx")
    # then
    assert batch.status == BatchStatus.FAILED
    assert batch.error_code == "corrupt_workbook"
    assert "损坏" in batch.error_message
    assert counts(batch)["read"] == 0 and adds_up(batch)
    assert not CivilAffairsBenefit.objects.exists()


# ---- columns ------------------------------------------------------------------------------


def test_a_header_that_matches_no_mapping_asks_for_the_columns_naming_the_missing_ones(
    township_officer, people
):
    # given a file whose headers are nobody's preset
    content = csv_bytes([["甲", "乙", "丙"], ["王大山", people["王大山"].id_number, "低保"]])
    # when
    batch = stage(township_officer, "civil_affairs", content)
    # then
    assert batch.status == BatchStatus.NEEDS_MAPPING
    assert batch.missing_columns == ["身份证号", "姓名", "救助类别"]
    assert batch.headers == ["甲", "乙", "丙"]
    assert adds_up(batch) and batch.rows_read == 0


def test_missing_required_columns_are_named_and_nothing_is_read(township_officer, people):
    # given a list without the kind of benefit
    content = csv_bytes(
        [["姓名", "身份证号", "发放金额"], ["王大山", people["王大山"].id_number, "450"]]
    )
    # when
    batch = stage(township_officer, "civil_affairs", content, period="2020-03")
    # then
    assert batch.status == BatchStatus.NEEDS_MAPPING
    assert batch.missing_columns == ["救助类别"]


def test_extra_columns_are_ignored_and_listed(township_officer, people):
    # given a file with two columns no feed knows
    header = [*CIVIL_HEADER, "联系电话", "备注"]
    rows = [[*row, "13800001111", "无"] for row in civil_rows(people, "王大山", "刘桂芳")]
    # when
    batch = stage(township_officer, "civil_affairs", csv_bytes([header, *rows]))
    # then
    assert batch.status == BatchStatus.STAGED
    assert batch.ignored_columns == ["联系电话", "备注"]
    assert counts(batch) == dict(read=2, promoted=2, rejected=0, duplicate=0, unmatched=0, blank=0)


def test_a_saved_mapping_maps_a_countys_own_headers_and_fills_a_constant(township_officer, people):
    # given a county list with only ID number and name, under its own headers
    from fupin.datahub import actions

    actions.mapping_save(
        actor=township_officer,
        feed="civil_affairs",
        name="县民政局低保名单",
        columns={"id_number": "公民身份号码", "name": "户主姓名", "benefit": "=低保"},
    )
    content = csv_bytes(
        [["序号", "户主姓名", "公民身份号码"], ["1", "王大山", people["王大山"].id_number]]
    )
    # when
    batch = stage(
        township_officer, "civil_affairs", content, period="2020-04", mapping="县民政局低保名单"
    )
    promote(township_officer, batch)
    # then
    row = CivilAffairsBenefit.objects.get()
    assert (row.benefit, row.period_year, row.period_month) == ("低保", 2020, 4)
    assert batch.mapping_name == "县民政局低保名单"


# ---- rows ---------------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_counted_apart(township_officer, people):
    rows = civil_rows(people, "王大山", "刘桂芳")
    content = csv_bytes([CIVIL_HEADER, rows[0], [], ["", "", ""], rows[1], []])
    # when
    batch = stage(township_officer, "civil_affairs", content)
    # then
    assert counts(batch) == dict(read=2, promoted=2, rejected=0, duplicate=0, unmatched=0, blank=3)
    assert adds_up(batch)


def test_id_numbers_with_spaces_full_width_characters_or_15_digits_are_matched(
    township_officer, people
):
    # given the same people written three ways
    head = people["王大山"].id_number  # 500110196003050116-like, born 1960
    spaced = f"{head[:6]} {head[6:14]} {head[14:]}"
    full_width = people["刘桂芳"].id_number.translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    )
    old = head[:6] + head[8:17]  # the 15-digit number of the same person
    rows = [
        ["王大山", spaced, "低保", "450", "2020-03"],
        ["刘桂芳", full_width, "低保", "450", "2020-03"],
        ["王大山", old, "临时救助", "1000", "2020-03"],
    ]
    # when
    batch = stage(township_officer, "civil_affairs", csv_bytes([CIVIL_HEADER, *rows]))
    promote(township_officer, batch)
    # then
    assert counts(batch)["promoted"] == 3
    stored = CivilAffairsBenefit.objects.order_by("source_row")
    assert [row.id_number for row in stored] == [head, people["刘桂芳"].id_number, head]
    assert {row.person_id for row in stored} == {
        people["王大山"].member_id,
        people["刘桂芳"].member_id,
    }


def test_bad_id_numbers_dates_and_amounts_are_rejected_with_their_row_and_reason(
    township_officer, people
):
    # given
    good = people["王大山"].id_number
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        ["王大山", good, "C001", "住院", "2020-03-05", "12000", "8000", "4000"],
        ["王大山", bad_checksum, "C002", "住院", "2020-03-05", "12000", "8000", "4000"],
        ["王大山", good, "C003", "住院", "2020-02-30", "12000", "8000", "4000"],
        ["王大山", good, "C004", "住院", "2020/3/6", "一万二", "8000", "4000"],
        ["王大山", good, "C005", "急诊", "20200307", "100", "", ""],
    ]
    # when
    batch = stage(township_officer, "medical", csv_bytes([CLAIM_HEADER, *rows]))
    # then
    assert counts(batch) == dict(read=5, promoted=1, rejected=4, duplicate=0, unmatched=0, blank=0)
    reasons = {issue.row_number: issue.reason for issue in BatchIssue.objects.filter(batch=batch)}
    assert "身份证号" in reasons[3] and "校验" in reasons[3]
    assert "就诊日期" in reasons[4] and "日期" in reasons[4]
    assert "医疗总费用" in reasons[5] and "金额" in reasons[5]
    assert "住院/门诊" in reasons[6] and "住院、门诊" in reasons[6]


def test_dates_in_every_chinese_form_are_read(township_officer, people):
    forms = ["2020-03-05", "2020/3/5", "20200305", "2020年3月5日", "43895", "2020.3.5"]
    rows = [
        ["王大山", people["王大山"].id_number, f"C{n}", "门诊", text, "100", "50", "50"]
        for n, text in enumerate(forms)
    ]
    # when
    batch = stage(township_officer, "medical", csv_bytes([CLAIM_HEADER, *rows]))
    promote(township_officer, batch)
    # then
    assert set(MedicalClaim.objects.values_list("visit_on", flat=True)) == {dt.date(2020, 3, 5)}
    assert set(MedicalClaim.objects.values_list("period_year", "period_month")) == {(2020, 3)}


def test_the_same_key_twice_is_reported_as_a_duplicate_not_merged(township_officer, people):
    # given one claim number twice, with different amounts
    number = people["王大山"].id_number
    rows = [
        ["王大山", number, "C9", "住院", "2020-03-05", "12000", "8000", "4000"],
        ["王大山", number, "C10", "门诊", "2020-03-06", "200", "100", "100"],
        ["王大山", number, "C9", "住院", "2020-03-05", "13000", "8000", "5000"],
    ]
    # when
    batch = stage(township_officer, "medical", csv_bytes([CLAIM_HEADER, *rows]))
    promote(township_officer, batch)
    # then
    assert counts(batch) == dict(read=3, promoted=2, rejected=0, duplicate=1, unmatched=0, blank=0)
    issue = BatchIssue.objects.get(batch=batch)
    assert (issue.kind, issue.row_number) == ("duplicate", 4)
    assert "第 2 行" in issue.reason  # the row it repeats
    assert MedicalClaim.objects.get(claim_no="C9").total_cost == Decimal("12000.00")


def test_people_not_in_the_registry_are_unmatched_and_not_promoted(township_officer, people):
    # given a valid ID number nobody in the registry has
    from fupin.core import ids

    stranger = ids.make("500110", dt.date(1960, 3, 5), 999)
    rows = [*civil_rows(people, "王大山"), ["王大山", stranger, "低保", "450", "2020-03"]]
    # when
    batch = stage(township_officer, "civil_affairs", csv_bytes([CIVIL_HEADER, *rows]))
    promote(township_officer, batch)
    # then
    assert counts(batch) == dict(read=2, promoted=1, rejected=0, duplicate=0, unmatched=1, blank=0)
    assert CivilAffairsBenefit.objects.count() == 1
    assert BatchIssue.objects.get(batch=batch).kind == "unmatched"


@pytest.mark.parametrize("per_load", [2, 1000])
def test_members_are_matched_whichever_load_of_the_registry_they_came_in(
    township_officer, people, monkeypatch, per_load
):
    # given the registry's members of the township loaded two at a time (or all at once), one of
    # them no longer active
    from fupin.datahub.pipeline import stage as staging
    from fupin.registry.models import Member, MemberStatus

    monkeypatch.setattr(staging, "MEMBERS_CHUNK", per_load)
    Member.objects.filter(pk=people["刘桂芳"].member_id).update(status=MemberStatus.REMOVED)
    names = ["王大山", "王小梅", "王小虎", "刘桂芳", "李四海"]
    # when a list names all five
    batch = stage(
        township_officer, "civil_affairs", csv_bytes([CIVIL_HEADER, *civil_rows(people, *names)])
    )
    promote(township_officer, batch)
    # then the four active ones are matched to their own member, the inactive one is not
    assert counts(batch) == dict(read=5, promoted=4, rejected=0, duplicate=0, unmatched=1, blank=0)
    matched = dict(CivilAffairsBenefit.objects.values_list("name", "person_id"))
    assert matched == {name: people[name].member_id for name in names if name != "刘桂芳"}
    assert BatchIssue.objects.get(batch=batch).name == "刘桂芳"


def test_the_error_workbook_has_the_source_row_number_the_reason_and_the_row(
    township_officer, people
):
    # given
    rows = [*civil_rows(people, "王大山"), ["刘桂芳", "123", "低保", "450", "2020-03"]]
    # when
    batch = stage(township_officer, "civil_affairs", csv_bytes([CIVIL_HEADER, *rows]))
    # then
    with open(batch.error_path, "rb") as workbook:
        sheet = read_xlsx(workbook.read())
    assert sheet[2][:3] == ["源文件行号", "类别", "原因"]
    assert sheet[2][3:] == CIVIL_HEADER
    assert sheet[3][0] == "3" and sheet[3][1] == "拒收" and "身份证号" in sheet[3][2]
    assert sheet[3][3:5] == ["刘桂芳", "123"]


# ---- workbooks ----------------------------------------------------------------------------


def test_a_workbook_with_a_title_block_and_merged_group_headers_is_read(township_officer, people):
    # given 2020年3月医保结算明细 as a title, then 参保人 / 费用 group cells above the fields
    rows = [
        CLAIM_HEADER,
        ["王大山", people["王大山"].id_number, "C1", "住院", "2020-03-05", 12000, 8000, 4000],
    ]
    content = xlsx_bytes(
        rows,
        title="关坝镇2020年3月医保结算明细",
        groups=[("参保人", 1, 2), ("结算", 3, 5), ("费用", 6, 8)],
    )
    # when
    batch = stage(township_officer, "medical", content, name="医保.xlsx")
    promote(township_officer, batch)
    # then
    assert batch.header_row == 3
    claim = MedicalClaim.objects.get()
    assert (claim.total_cost, claim.out_of_pocket) == (Decimal("12000.00"), Decimal("4000.00"))


def test_formulas_are_read_by_their_computed_value_and_one_never_computed_is_empty(
    township_officer, people
):
    # given a total computed by a formula, as Excel saves it, and one Excel never computed
    number = people["王大山"].id_number
    rows = [
        CLAIM_HEADER,
        ["王大山", number, "C1", "住院", "2020-03-05", "=G2+H2", 8000, 4000],
        ["王大山", number, "C2", "住院", "2020-03-06", "=G3+H3", 100, 50],
    ]
    content = with_cached_value(xlsx_bytes(rows), "G2+H2", "12000")
    # when
    batch = stage(township_officer, "medical", content, name="医保.xlsx")
    # then
    assert counts(batch) == dict(read=2, promoted=1, rejected=1, duplicate=0, unmatched=0, blank=0)
    assert "医疗总费用" in BatchIssue.objects.get(batch=batch).reason


def test_a_gbk_csv_is_read(township_officer, people):
    content = csv_bytes([CIVIL_HEADER, *civil_rows(people, "王大山")], encoding="gbk")
    # when
    batch = stage(township_officer, "civil_affairs", content)
    # then
    assert counts(batch)["promoted"] == 1


# ---- nothing doubled ----------------------------------------------------------------------


def test_the_same_file_imported_twice_is_recognised_and_promotes_nothing_new(
    township_officer, people
):
    content = csv_bytes([CIVIL_HEADER, *civil_rows(people, "王大山", "刘桂芳")])
    first = promote(township_officer, stage(township_officer, "civil_affairs", content))
    # when
    second = stage(township_officer, "civil_affairs", content)
    second = promote(township_officer, second)
    # then
    assert second.same_file_as_id == first.pk
    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (0, 0, 2)
    assert CivilAffairsBenefit.objects.count() == 2
    assert set(CivilAffairsBenefit.objects.values_list("batch_id", flat=True)) == {first.pk}


def test_an_overlapping_file_updates_rows_and_a_rollback_restores_them(township_officer, people):
    # given March for two people
    march = csv_bytes([CIVIL_HEADER, *civil_rows(people, "王大山", "刘桂芳")])
    first = promote(township_officer, stage(township_officer, "civil_affairs", march))
    # when a corrected file changes one amount and adds a third person
    corrected = [
        *civil_rows(people, "王大山"),
        *civil_rows(people, "刘桂芳", amount="520"),
        *civil_rows(people, "王小虎"),
    ]
    second = stage(township_officer, "civil_affairs", csv_bytes([CIVIL_HEADER, *corrected]))
    # then the preview says what will change
    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (1, 1, 1)
    second = promote(township_officer, second)
    assert CivilAffairsBenefit.objects.count() == 3
    assert CivilAffairsBenefit.objects.get(name="刘桂芳").amount == Decimal("520.00")
    # when the second batch is rolled back
    from fupin.datahub import actions

    actions.batch_rollback(actor=township_officer, batch=second, reason="金额有误")
    # then the first batch's values are back and the added row is gone
    rows = {row.name: row for row in CivilAffairsBenefit.objects.all()}
    assert set(rows) == {"王大山", "刘桂芳"}
    assert rows["刘桂芳"].amount == Decimal("450.00")
    assert {row.batch_id for row in rows.values()} == {first.pk}
    assert ImportBatch.objects.get(pk=second.pk).status == BatchStatus.ROLLED_BACK


def test_a_batch_cannot_be_rolled_back_under_a_later_batch_that_changed_its_rows(
    township_officer, people
):
    from fupin.datahub import actions

    first = promote(
        township_officer,
        stage(
            township_officer,
            "civil_affairs",
            csv_bytes([CIVIL_HEADER, *civil_rows(people, "王大山")]),
        ),
    )
    changed = csv_bytes([CIVIL_HEADER, *civil_rows(people, "王大山", amount="600")])
    second = promote(township_officer, stage(township_officer, "civil_affairs", changed))
    # when
    with pytest.raises(DomainError) as refused:
        actions.batch_rollback(actor=township_officer, batch=first, reason="试")
    # then
    assert refused.value.code == "rollback_blocked"
    assert str(second.pk) in str(refused.value.message)
    assert CivilAffairsBenefit.objects.get().amount == Decimal("600.00")


def test_an_xls_workbook_is_read(township_officer, people):
    # given a real .xls (Excel 97–2003), as older department systems still export
    import io

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    for r, row in enumerate([CIVIL_HEADER, *civil_rows(people, "王大山", "刘桂芳")]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    # when
    batch = stage(township_officer, "civil_affairs", buffer.getvalue(), name="名单.xls")
    # then
    assert counts(batch) == dict(read=2, promoted=2, rejected=0, duplicate=0, unmatched=0, blank=0)


def test_unmatched_people_come_with_registry_candidates_of_the_same_name_or_birth_date(
    township_officer, people
):
    from fupin.core import ids
    from fupin.datahub import selectors

    # given 王大山's name and birth date under an ID number the registry does not have
    stranger = ids.make("500110", dt.date(1960, 3, 5), 777)
    content = csv_bytes([CIVIL_HEADER, ["王大山", stranger, "低保", "450", "2020-03"]])
    batch = stage(township_officer, "civil_affairs", content)
    # when
    (row,) = selectors.unmatched_rows(user=township_officer, batch=batch)
    # then
    assert row.birth_date == dt.date(1960, 3, 5)
    best = row.candidates[0]
    assert (best["name"], best["same_name"], best["same_birth_date"]) == ("王大山", True, True)
    assert best["member_id"] == people["王大山"].member_id
