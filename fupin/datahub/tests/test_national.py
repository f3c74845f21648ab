"""The national 防返贫监测信息系统 export as a source that loads the registry itself: every bad
input the issue lists, updates with their audit trail, and the round trip registry ▸ `fupin
export national` ▸ `fupin import national` into an empty database ▸ the same registry."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from fupin.accounts.models import AuditEvent
from fupin.core import ids
from fupin.core.errors import DomainError
from fupin.datahub import actions, pipeline
from fupin.datahub.models import BatchIssue, BatchStatus, ImportBatch
from fupin.datahub.tests.conftest import adds_up, counts, promote, stage
from fupin.datahub.tests.files import read_xlsx, xlsx_bytes
from fupin.registry import actions as registry_actions
from fupin.registry.models import (
    Household,
    HouseholdRisk,
    IncomeRecord,
    Member,
    Pairing,
    StatusChange,
)
from fupin.registry.national.layout import HEADERS

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
HEADER = [
    "县",
    "乡",
    "村",
    "户编号",
    "姓名",
    "证件号码",
    "性别",
    "与户主关系",
    "户类型",
    "监测对象类别",
    "致贫/返贫风险1",
    "识别监测时间",
    "人均纯收入（元）",
    "工资性收入",
    "是否解决安全饮用水",
    "享受低保政策情况",
]


@pytest.fixture(autouse=True)
def clock():
    """Today is 2026-06-15, so a file's income is of 2025 unless it says otherwise."""
    with time_machine.travel(NOW, tick=False):
        yield


def number(birth: dt.date, sequence: int) -> str:
    return ids.make("500110", birth, sequence)


HEAD = number(dt.date(1960, 3, 5), 11)
WIFE = number(dt.date(1962, 7, 8), 22)
SON = number(dt.date(1990, 1, 20), 33)
OTHER_HEAD = number(dt.date(1975, 11, 30), 55)


def row(
    name: str,
    id_number: str,
    relation: str,
    *,
    household: str = "5001101032010001",
    village: str = "凉风村",
    sex: str = "",
    household_type: str = "脱贫户",
    category: str = "",
    risk: str = "",
    identified: str = "",
    per_capita: str = "",
    wage: str = "",
    water: str = "是",
    dibao: str = "否",
) -> list[str]:
    return [
        "綦江区",
        "关坝镇",
        village,
        household,
        name,
        id_number,
        sex,
        relation,
        household_type,
        category,
        risk,
        identified,
        per_capita,
        wage,
        water,
        dibao,
    ]


def national_file(*rows: list[str], header: list[str] = HEADER) -> bytes:
    """As the national system exports it: title on row 1, a note on row 2, the header on row 3."""
    return xlsx_bytes([["导出时间：2026-06-01"], header, *rows], title="（自定义）监测对象信息")


def family(household: str = "5001101032010001", **options: str) -> list[list[str]]:
    return [
        row("王大山", HEAD, "户主", household=household, **options),
        row("刘桂芳", WIFE, "配偶", household=household, **options),
        row("王小虎", SON, "之子", household=household, **options),
    ]


def another(**options: str) -> list[str]:
    return row(
        "李四海", OTHER_HEAD, "户主", household="5001101032020001", village="示范一村", **options
    )


def run(actor, content: bytes, **options) -> ImportBatch:
    return stage(actor, "national", content, name="监测对象信息.xlsx", **options)


def issues(batch: ImportBatch) -> dict[int, tuple[str, str, str]]:
    return {
        issue.row_number: (issue.kind, issue.code, issue.reason)
        for issue in BatchIssue.objects.filter(batch=batch)
    }


# ---- loading an empty registry --------------------------------------------------------------


def test_a_national_file_creates_the_households_with_their_members_income_risks_and_status(
    township_officer,
):
    # given a file of two households: a monitored family of three and a single person
    content = national_file(
        *family(category="脱贫不稳定户", risk="因病", identified="2025-04-01", per_capita="9000",
                wage="20000"),
        another(household_type="一般农户", water="", dibao="是"),
    )  # fmt: skip
    # when it is read, previewed and promoted
    staged = run(township_officer, content)
    # then the preview says what would change, and nothing is written yet
    assert staged.status == BatchStatus.STAGED
    assert counts(staged) | {} == {
        "read": 4, "promoted": 4, "rejected": 0, "duplicate": 0, "unmatched": 0, "blank": 0,
    }  # fmt: skip
    assert (staged.rows_new, staged.period_year) == (4, 2025)
    assert not Household.objects.exists()
    batch = promote(township_officer, staged)
    assert batch.status == BatchStatus.PROMOTED and adds_up(batch)
    # and the registry holds what the file says
    household = Household.objects.get(national_number="5001101032010001")
    assert household.village.name == "凉风村"
    assert (household.household_type, household.monitoring_category) == ("脱贫户", "脱贫不稳定户")
    assert household.monitoring_identified_on == dt.date(2025, 4, 1)
    assert household.water_safe is True and household.version == 1
    members = {m.id_number: m for m in household.members.all()}
    assert {m.relation for m in members.values()} == {"户主", "配偶", "之子"}
    assert members[WIFE].sex == "2" and members[WIFE].birth_date == dt.date(1962, 7, 8)
    assert list(household.risks.values_list("risk_type", flat=True)) == ["01"]
    income = household.incomes.get()
    assert (income.year, income.household_size) == (2025, 3)
    assert income.per_capita_net_income == Decimal("9000.00")
    assert income.wage == Decimal("20000.00") and income.property == Decimal("7000.00")
    single = Household.objects.get(national_number="5001101032020001")
    assert single.water_safe is None and single.members.get().dibao is True
    # and every write is audited with the batch as its reason
    events = AuditEvent.objects.filter(
        subject_type="registry.household", subject_id=str(household.pk)
    )
    assert sorted(events.values_list("action", flat=True)) == [
        "household.register", "household.set_risks", "income.record",
        "member.add", "member.add", "member.add",
    ]  # fmt: skip
    assert {event.reason for event in events} == {
        f"全国防返贫监测信息系统导入，批次 #{batch.pk}（监测对象信息.xlsx）"
    }
    assert {event.actor for event in events} == {township_officer}


def test_the_same_file_imported_again_changes_nothing(township_officer):
    # given a promoted file
    content = national_file(*family(per_capita="9000", wage="20000"), another())
    promote(township_officer, run(township_officer, content))
    versions = dict(Household.objects.values_list("pk", "version"))
    events = AuditEvent.objects.count()
    # when the same file comes again
    again = promote(township_officer, run(township_officer, content))
    # then it is recognised, every row is unchanged and nothing is written
    assert again.same_file_as is not None
    assert (again.rows_new, again.rows_updated, again.rows_unchanged) == (0, 0, 4)
    assert dict(Household.objects.values_list("pk", "version")) == versions
    assert AuditEvent.objects.count() == events + 2  # the batch's upload and promotion only


def test_an_update_bumps_the_version_and_records_a_dated_status_change_naming_the_batch(
    township_officer,
):
    # given the family is in the registry as 脱贫户 without monitoring
    promote(township_officer, run(township_officer, national_file(*family())))
    household = Household.objects.get()
    # when the national system has since identified it as monitored, with a risk, and the son
    # now has 低保
    rows = family(category="边缘易致贫户", risk="因学", identified="2026-03-02")
    rows[2][-1] = "是"
    batch = promote(township_officer, run(township_officer, national_file(*rows)))
    # then the head's row and the son's are updated, the wife's is unchanged
    assert (batch.rows_new, batch.rows_updated, batch.rows_unchanged) == (0, 2, 1)
    household.refresh_from_db()
    assert household.monitoring_category == "边缘易致贫户" and household.version == 2
    assert household.monitoring_identified_on == dt.date(2026, 3, 2)
    change = StatusChange.objects.get(household=household)
    assert (change.old_monitoring_category, change.new_monitoring_category) == ("", "边缘易致贫户")
    assert change.effective_on == dt.date(2026, 6, 15) and change.actor == township_officer
    assert f"批次 #{batch.pk}" in change.reason
    assert Member.objects.get(id_number=SON).dibao is True
    updates = AuditEvent.objects.filter(reason__contains=f"批次 #{batch.pk}")
    assert sorted(updates.values_list("action", flat=True)) == [
        "household.change_status", "household.set_risks", "household.update", "member.update",
    ]  # fmt: skip
    assert updates.get(action="member.update").changes == {"dibao": [False, True]}


def test_a_new_head_takes_over_from_the_old_one_in_the_same_import(township_officer):
    # given the family is in the registry with 王大山 as its head
    promote(township_officer, run(township_officer, national_file(*family())))
    # when the national system has the wife as head and him as her spouse
    rows = family()
    rows[0][7], rows[1][7] = "配偶", "户主"
    batch = promote(township_officer, run(township_officer, national_file(*rows)))
    # then the household has one head, the wife, and both changes are audited
    assert batch.status == BatchStatus.PROMOTED and batch.rows_updated == 2
    household = Household.objects.get()
    assert household.members.get(relation="户主").id_number == WIFE
    assert household.members.get(id_number=HEAD).relation == "配偶"
    changes = AuditEvent.objects.filter(action="member.update").values_list("changes", flat=True)
    assert {c["relation"][1] for c in changes} == {"户主", "配偶"}


def test_a_household_the_file_places_in_another_village_moves_there(township_officer, org):
    promote(township_officer, run(township_officer, national_file(*family())))
    Household.objects.update(group=org["group_a1"])
    batch = promote(
        township_officer, run(township_officer, national_file(*family(village="示范一村")))
    )
    household = Household.objects.get()
    assert (household.village, household.group) == (org["village_b"], None)
    event = AuditEvent.objects.get(action="household.update", reason__contains=f"#{batch.pk}")
    assert event.changes["village"] == ["500110103201", "500110103202"]


def test_a_registry_head_the_file_leaves_out_refuses_the_household(township_officer):
    promote(township_officer, run(township_officer, national_file(*family())))
    # the file has the wife as head and no row for 王大山
    rows = family()[1:]
    rows[0][7] = "户主"
    batch = run(township_officer, national_file(*rows))
    found = issues(batch)
    assert {found[4][1], found[5][1]} == {"head_not_in_file"} and "王大山" in found[4][2]
    assert batch.rows_promoted == 0


def test_an_income_year_in_the_future_is_refused_at_upload(township_officer):
    with pytest.raises(DomainError) as refused:
        run(township_officer, national_file(*family()), period="2027")
    assert refused.value.code == "invalid_year"
    assert not ImportBatch.objects.exists()


# ---- bad input ------------------------------------------------------------------------------


def test_a_household_without_a_head_is_refused_whole_and_the_others_go_in(township_officer):
    # given the family's head row is missing
    content = national_file(*family()[1:], another())
    # when
    batch = promote(township_officer, run(township_officer, content))
    # then both rows of the family are refused, the other household goes in
    found = issues(batch)
    assert {found[4][1], found[5][1]} == {"no_head"}
    assert "5001101032010001" in found[4][2] and "户主" in found[4][2]
    assert counts(batch)["rejected"] == 2 and adds_up(batch)
    assert list(Household.objects.values_list("national_number", flat=True)) == ["5001101032020001"]


def test_a_household_with_two_heads_is_refused_naming_the_rows(township_officer):
    rows = family()
    rows[1][7] = "户主"
    batch = run(township_officer, national_file(*rows, another()))
    found = issues(batch)
    assert {found[n][1] for n in (4, 5, 6)} == {"two_heads"}
    assert "4、5" in found[4][2]
    assert (batch.rows_promoted, batch.rows_rejected) == (1, 3) and adds_up(batch)


def test_an_unknown_code_value_refuses_its_row_and_a_refused_head_its_household(
    township_officer,
):
    # given 户类型 "贫困户X" on the head's row
    rows = family()
    rows[0][8] = "贫困户X"
    # when
    batch = promote(township_officer, run(township_officer, national_file(*rows, another())))
    # then the head's row is refused for the code, the others because their head is
    found = issues(batch)
    assert found[4][:2] == ("rejected", "code_invalid")
    assert "户类型" in found[4][2] and "脱贫户" in found[4][2]
    assert {found[5][1], found[6][1]} == {"head_refused"} and "第4行" in found[5][2]
    assert not Member.objects.filter(id_number__in=[HEAD, WIFE, SON]).exists()
    assert Household.objects.count() == 1 and adds_up(batch)


def test_a_bad_id_number_refuses_the_row_and_a_15_digit_number_is_upgraded(township_officer):
    # given the son's number has a typo and the wife's is a first-generation number
    rows = family()
    rows[2][5] = SON[:-1] + ("0" if SON[-1] != "0" else "1")
    wife15 = WIFE[:6] + WIFE[8:17]
    rows[1][5] = wife15
    # when
    batch = promote(township_officer, run(township_officer, national_file(*rows)))
    # then the son's row is refused with the reason, the wife is stored with 18 characters
    found = issues(batch)
    assert found[6][:2] == ("rejected", "id_checksum") and "证件号码" in found[6][2]
    assert Member.objects.get(name="刘桂芳").id_number == WIFE
    assert (batch.rows_promoted, batch.rows_rejected) == (2, 1)
    # and the household's income counts the son all the same (three people in the file)


def test_the_same_person_twice_is_a_duplicate_and_only_the_first_is_kept(township_officer):
    rows = [*family(), row("刘桂芳", WIFE, "之女", household="5001101032010001")]
    batch = promote(township_officer, run(township_officer, national_file(*rows)))
    found = issues(batch)
    assert found[7][:2] == ("duplicate", "duplicate_key") and "第5行" in found[7][2]
    assert Member.objects.get(id_number=WIFE).relation == "配偶"
    assert counts(batch)["duplicate"] == 1 and adds_up(batch)


def test_a_person_already_in_another_household_is_refused_not_moved(township_officer):
    # given the family is in the registry
    promote(township_officer, run(township_officer, national_file(*family())))
    # when a file lists the son under the other household's 户编号
    son = row("王小虎", SON, "之子", household="5001101032020001", village="示范一村")
    batch = promote(township_officer, run(township_officer, national_file(another(), son)))
    # then the son's row is refused naming his household, and he stays where he is
    found = issues(batch)
    assert found[5][:2] == ("rejected", "id_in_other_household")
    assert "5001101032010001" in found[5][2]
    assert Member.objects.get(id_number=SON).household.national_number == "5001101032010001"
    assert Household.objects.get(national_number="5001101032020001").members.count() == 1


def test_a_head_already_in_another_household_refuses_the_household(township_officer):
    promote(township_officer, run(township_officer, national_file(*family())))
    # the head appears as the head of a household with another number
    rows = family(household="5001101032010099")
    batch = run(township_officer, national_file(*rows))
    found = issues(batch)
    assert {found[n][1] for n in (4, 5, 6)} == {"head_in_other_household"}
    assert "5001101032010001" in found[4][2]
    assert batch.rows_promoted == 0 and adds_up(batch)


def test_a_village_the_importing_township_does_not_have_is_refused(township_officer):
    batch = run(township_officer, national_file(*family(village="不存在村"), another()))
    found = issues(batch)
    assert {found[n][1] for n in (4, 5, 6)} == {"unknown_village"}
    assert "不存在村" in found[4][2]
    assert (batch.rows_promoted, batch.rows_rejected) == (1, 3)


def test_a_file_without_the_required_columns_waits_for_its_columns_to_be_mapped(
    township_officer,
):
    header = [text for text in HEADER if text != "与户主关系"]
    content = national_file([cell for i, cell in enumerate(family()[0]) if i != 7], header=header)
    batch = run(township_officer, content)
    assert batch.status == BatchStatus.NEEDS_MAPPING
    assert batch.missing_columns == ["与户主关系"]
    assert not Household.objects.exists()


def test_a_header_of_its_own_is_mapped_by_hand_and_the_file_read_again(township_officer):
    # given a county's file that names the relation column 关系
    header = ["关系" if text == "与户主关系" else text for text in HEADER]
    batch = run(township_officer, national_file(*family(), header=header))
    assert batch.status == BatchStatus.NEEDS_MAPPING
    client = Client()
    client.force_login(township_officer)
    page = client.get(f"/datahub/batches/{batch.pk}/mapping/").content.decode()
    assert "与户主关系 *" in page and 'name="member.relation"' in page
    # when the office maps it
    actions.batch_remap(
        actor=township_officer, batch=batch, columns={"member.relation": "关系"}, queue=False
    )
    pipeline.run_staging(batch.pk)
    # then the file is read with it
    batch.refresh_from_db()
    assert batch.status == BatchStatus.STAGED and batch.rows_new == 3
    assert batch.mapping["member.relation"] == "关系"


def test_rows_without_a_household_number_belong_to_the_head_above(township_officer):
    rows = [*family(household=""), row("张一", OTHER_HEAD, "户主", household="")]
    batch = promote(township_officer, run(township_officer, national_file(*rows)))
    assert batch.rows_new == 4
    heads = Member.objects.filter(relation="户主").select_related("household")
    sizes = {m.name: m.household.members.count() for m in heads}
    assert sizes == {"王大山": 3, "张一": 1}
    assert not Household.objects.exclude(national_number=None).exists()


def test_a_change_of_the_registry_between_check_and_promotion_fails_the_batch_whole(
    township_officer, org
):
    # given a checked file of two households
    staged = run(township_officer, national_file(*family(), another()))
    # when, meanwhile, the village registers the wife in a household of its own
    registry_actions.household_register(
        actor=township_officer, village_code=org["village_a"].code, group_code=None,
        household={"household_type": "一般农户"},
        head={"name": "刘桂芳", "id_number": WIFE},
    )  # fmt: skip
    batch = promote(township_officer, staged)
    # then nothing of the file is written and the batch says why
    assert batch.status == BatchStatus.FAILED
    assert batch.error_code == "registry_changed" and "第5行" in batch.error_message
    assert Household.objects.count() == 1 and Member.objects.count() == 1


def test_a_national_batch_cannot_be_rolled_back(township_officer):
    batch = promote(township_officer, run(township_officer, national_file(*family())))
    with pytest.raises(DomainError) as refused:
        actions.batch_rollback(actor=township_officer, batch=batch, reason="试试")
    assert refused.value.code == "rollback_not_possible"
    assert Household.objects.count() == 1


def test_department_staff_may_not_import_the_national_export(department_staff):
    with pytest.raises(DomainError) as refused:
        run(department_staff, national_file(*family()))
    assert refused.value.code == "feed_of_another_department"


def test_the_error_workbook_lists_each_refused_row_with_its_reason(township_officer):
    rows = family()
    rows[0][8] = "贫困户X"
    batch = run(township_officer, national_file(*rows))
    with open(batch.error_path, "rb") as workbook:
        sheet = read_xlsx(workbook.read())
    assert list(sheet[2][:3]) == ["源文件行号", "类别", "原因"]
    assert [str(line[0]) for line in sheet[3:]] == ["4", "5", "6"]
    assert sheet[3][1] == "拒收" and "贫困户X" in sheet[3]


# ---- what the layout carries ----------------------------------------------------------------


def test_income_parts_the_file_lacks_are_worked_out_from_per_capita_income(township_officer):
    # given 人均纯收入 below what the wage alone gives (a business loss)
    content = national_file(*family(per_capita="5000", wage="20000"))
    promote(township_officer, run(township_officer, content))
    income = IncomeRecord.objects.get()
    # then the rest is 生产经营性支出, and the per-capita income is the file's
    assert income.business_expense == Decimal("5000.00") and income.property == Decimal("0.00")
    assert income.per_capita_net_income == Decimal("5000.00")
    assert "人均纯收入" in income.note


def test_a_risk_eliminated_household_keeps_how_and_when(township_officer):
    header = [*HEADER, "风险是否已消除", "风险消除方式", "消除监测时间", "是否危房户"]
    rows = [
        [*line, "是", "帮扶消除", "2025-11-30", "是"]
        for line in family(category="脱贫不稳定户", identified="2024-05-01")
    ]
    promote(township_officer, run(township_officer, national_file(*rows, header=header)))
    household = Household.objects.get()
    assert (household.risk_eliminated, household.elimination_mode) == (True, "帮扶消除")
    assert household.risk_eliminated_on == dt.date(2025, 11, 30)
    assert household.housing_grade == "C"  # 是否危房户 alone: the lesser unsafe grade


# ---- the round trip -------------------------------------------------------------------------

HOUSEHOLD_FIELDS = (
    "national_number", "phone", "household_type", "monitoring_category",
    "monitoring_identified_on", "risk_eliminated", "elimination_mode", "risk_eliminated_on",
    "fully_incapable", "housing_grade", "house_area", "water_safe", "electricity",
    "sanitary_toilet", "road_hardened", "distance_to_road_km", "arable_land_mu",
    "forest_land_mu", "returned_farmland_mu", "orchard_mu", "pasture_mu", "water_surface_mu",
    "status",
)  # fmt: skip
MEMBER_FIELDS = (
    "name", "sex", "id_type", "id_number", "birth_date", "relation", "ethnicity", "education",
    "school_status", "health", "labour_skill", "work_place", "public_job", "public_job_months",
    "resident_medical_insurance", "employee_medical_insurance", "critical_illness_insurance",
    "medical_assistance", "resident_pension", "employee_pension", "dibao", "tekun", "phone",
    "status",
)  # fmt: skip
INCOME_FIELDS = (
    "year", "wage", "business", "property", "transfer", "business_expense",
    "compliant_out_of_pocket", "household_size", "net_income", "per_capita_net_income",
)  # fmt: skip


def registry_snapshot() -> dict[str, dict[str, object]]:
    """Every household as the layout carries it, keyed by its head's ID number."""
    found = {}
    for household in Household.objects.select_related("village"):
        members = household.members.order_by("id_number")
        head = members.get(relation="户主")
        found[head.id_number] = {
            "village": household.village.code,
            **{name: getattr(household, name) for name in HOUSEHOLD_FIELDS},
            "members": [{name: getattr(m, name) for name in MEMBER_FIELDS} for m in members],
            "risks": sorted(household.risks.values_list("risk_type", flat=True)),
            "incomes": list(household.incomes.filter(year=2025).values(*INCOME_FIELDS)),
        }
    return found


@pytest.fixture
def registry(org, township_officer):
    """Three households that use every column the layout carries, in both villages."""
    from fupin.registry.tests.factories import HouseholdFactory, MemberFactory

    monitored = HouseholdFactory(
        village=org["village_a"], national_number="5001101032010007", phone="023-48612345",
        household_type="脱贫户", monitoring_category="突发严重困难户",
        monitoring_identified_on=dt.date(2024, 8, 1), risk_eliminated=True,
        elimination_mode="自然消除", risk_eliminated_on=dt.date(2025, 9, 30),
        fully_incapable=True, housing_grade="D", house_area=Decimal("86.50"), water_safe=False,
        electricity=True, sanitary_toilet=None, road_hardened=True,
        distance_to_road_km=Decimal("1.25"), arable_land_mu=Decimal("2.40"),
        forest_land_mu=Decimal("0.00"), returned_farmland_mu=Decimal("1.10"),
        orchard_mu=Decimal("0.30"), pasture_mu=None, water_surface_mu=Decimal("0.05"),
    )  # fmt: skip
    MemberFactory(
        household=monitored, name="赵大山", id_number=HEAD, birth_date=dt.date(1960, 3, 5),
        sex="1", relation="户主", ethnicity="土家族", education="小学", health="患有大病",
        labour_skill="丧失劳动力", resident_pension=True, critical_illness_insurance=True,
        medical_assistance=True, tekun=True, phone="13800001234",
    )  # fmt: skip
    MemberFactory(
        household=monitored, name="赵小梅", id_number=number(dt.date(2012, 9, 1), 24),
        birth_date=dt.date(2012, 9, 1), sex="2", relation="之女", education="小学",
        school_status="七年级", labour_skill="", public_job="", work_place="",
    )  # fmt: skip
    MemberFactory(
        household=monitored, name="钱二", id_type="残疾人证",
        id_number=number(dt.date(1988, 2, 2), 37) + "21", birth_date=dt.date(1988, 2, 2),
        sex="1", relation="之子", health="残疾", labour_skill="弱劳动力或半劳动力",
        work_place="重庆市渝北区", public_job="护林员", public_job_months=10,
        employee_medical_insurance=True, resident_medical_insurance=False, dibao=True,
    )  # fmt: skip
    plain = HouseholdFactory(
        village=org["village_b"], national_number="5001101032020003", household_type="一般农户",
        housing_grade="B", water_safe=True,
    )  # fmt: skip
    MemberFactory(
        household=plain, name="孙四", id_number=OTHER_HEAD, birth_date=dt.date(1975, 11, 30),
        sex="1", relation="户主", employee_pension=True,
    )  # fmt: skip
    unnumbered = HouseholdFactory(
        village=org["village_a"], national_number=None, household_type="一般农户"
    )
    MemberFactory(
        household=unnumbered, name="周五", id_number=number(dt.date(1950, 5, 5), 42),
        birth_date=dt.date(1950, 5, 5), sex="2", relation="户主",
    )  # fmt: skip
    for household, amounts in (
        (monitored, {"wage": "12000", "business": "3000.50", "property": "800",
                     "transfer": "4600", "business_expense": "1200",
                     "compliant_out_of_pocket": "8300"}),
        (plain, {"wage": "36000"}),
    ):  # fmt: skip
        registry_actions.income_record(
            actor=township_officer, household=household, expected_version=None, year=2025,
            amounts=amounts,
        )  # fmt: skip
    registry_actions.income_record(
        actor=township_officer, household=plain, expected_version=None, year=2024,
        amounts={"wage": "30000"},
    )  # fmt: skip
    registry_actions.household_set_risks(
        actor=township_officer, household=monitored, expected_version=None,
        risk_types=["01", "0201", "housing"],
    )  # fmt: skip
    return registry_snapshot()


def empty_the_registry() -> None:
    """An empty database as an office has it before its first import: the org units only."""
    for model in (HouseholdRisk, IncomeRecord, StatusChange, Pairing, Member, Household):
        model.objects.all().delete()
    AuditEvent.objects.all().delete()
    ImportBatch.objects.all().delete()


def test_the_exported_registry_imports_back_into_an_empty_database_field_by_field(
    registry, tmp_path, org
):
    # given the registry exported by `fupin export national`
    out = tmp_path / "监测对象信息.xlsx"
    call_command("export", "national", str(out), stdout=io.StringIO())
    assert read_xlsx(out.read_bytes())[1][0] == "收入年度：2025"
    # when the database is emptied (the org units stay) and the file imported by the command
    empty_the_registry()
    printed = io.StringIO()
    call_command("import", "national", str(out), "--json", stdout=printed, stderr=io.StringIO())
    summary = json.loads(printed.getvalue())
    # then every row is new and the registry is what it was, field by field
    assert summary["status"] == "promoted" and summary["rows"]["new"] == 5
    assert summary["rows"]["rejected"] == summary["rows"]["duplicates"] == 0
    assert registry_snapshot() == registry
    assert not IncomeRecord.objects.filter(year=2024).exists()  # only the year exported


def test_the_export_of_one_village_has_only_its_households(registry, tmp_path, org):
    out = tmp_path / "示范一村.xlsx"
    call_command("export", "national", "--village", org["village_b"].code, str(out),
                 stdout=io.StringIO())  # fmt: skip
    sheet = read_xlsx(out.read_bytes())
    assert list(sheet[2]) == HEADERS
    people = [dict(zip(HEADERS, line, strict=False)) for line in sheet[3:]]
    assert [(p["村"], p["姓名"], p["证件号码"]) for p in people] == [
        ("示范一村", "孙四", OTHER_HEAD)
    ]


# ---- through the API and the pages ----------------------------------------------------------


def test_a_national_file_is_uploaded_through_the_batch_api_and_previewed(
    township_officer, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(township_officer)
    upload = io.BytesIO(national_file(*family(per_capita="9000", wage="20000")))
    upload.name = "监测对象信息.xlsx"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/datahub/batches", {"feed": "全国系统", "period": "2025", "file": upload}
        )
    # then the batch is read, and the preview tells what each row would do
    assert response.status_code == 201
    batch_id = response.json()["id"]
    preview = client.get(f"/api/v1/datahub/batches/{batch_id}/preview").json()
    assert preview["batch"]["status"] == "staged" and preview["batch"]["rows"]["new"] == 3
    assert [(s["source_row"], s["outcome"]) for s in preview["sample"]] == [
        (4, "新增"), (5, "新增"), (6, "新增"),
    ]  # fmt: skip
    page = client.get(f"/datahub/batches/{batch_id}/").content.decode()
    assert "新增 1 户" in page and "2025 年" in page
    with django_capture_on_commit_callbacks(execute=True):
        promoted = client.post(f"/api/v1/datahub/batches/{batch_id}/promote")
    assert promoted.status_code == 200
    assert Household.objects.get().members.count() == 3


def test_the_upload_page_offers_the_national_source_to_the_township_not_to_a_department(
    township_officer, department_staff
):
    as_township, as_department = Client(), Client()
    as_township.force_login(township_officer)
    as_department.force_login(department_staff)
    assert 'value="national"' in as_township.get("/datahub/batches/new/").content.decode()
    assert 'value="national"' not in as_department.get("/datahub/batches/new/").content.decode()
