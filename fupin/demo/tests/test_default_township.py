"""The default demo township (seed 2020), loaded once for this module and rolled back after."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from fupin.accounts.models import OrgUnit, User
from fupin.core import ids
from fupin.core.money import quantize
from fupin.demo.generator import generate
from fupin.demo.people import REFERENCE_DAY
from fupin.registry import codes
from fupin.registry.actions import net_income
from fupin.registry.models import Household, HouseholdRisk, IncomeRecord, Member, Pairing
from fupin.registry.selectors import households_visible_to

LIFTED_OUT, ORDINARY = codes.HouseholdType.LIFTED_OUT, codes.HouseholdType.ORDINARY
MONITORED, EDGE = codes.MonitoringCategory.UNSTABLE_2020, codes.MonitoringCategory.EDGE_2020
STAGES_BY_AGE = {
    **dict.fromkeys(range(6, 12), frozenset({"小学", "送教上门"})),
    **dict.fromkeys(range(12, 15), frozenset({"七年级", "送教上门"})),
    15: frozenset({"七年级", "普通高中", "中职", "送教上门"}),
}


# The module's township outlives any one test's settings; it hashes with this hasher throughout.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def township(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        summary = generate(seed=2020)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def demo(township, db):
    return township


def _tally(households):
    people = Member.objects.filter(household__in=households).count()
    return households.count(), people


def _age(member):
    return member.age_on(REFERENCE_DAY)


def test_the_default_township_has_exactly_the_seeds_2020_figures(demo):
    # then: 424 脱贫户 with 1,375 people, 42 脱贫监测户 with 132, 43 边缘户 with 152 (POLICY §8)
    lifted_out = Household.objects.filter(household_type=LIFTED_OUT)
    assert _tally(lifted_out) == (424, 1375)
    assert _tally(lifted_out.filter(monitoring_category=MONITORED)) == (42, 132)
    assert _tally(Household.objects.filter(monitoring_category=EDGE)) == (43, 152)
    assert not Household.objects.filter(monitoring_category=EDGE).exclude(household_type=ORDINARY)
    assert not Household.objects.filter(household_type=codes.HouseholdType.POOR).exists()
    others = Household.objects.filter(household_type=ORDINARY).exclude(monitoring_category=EDGE)
    assert set(others.values_list("monitoring_category", flat=True)) == {""}
    assert (demo.households, demo.people) == (6250, 20000) == _tally(Household.objects.all())


def test_household_sizes_are_1_to_7_with_a_mean_near_3_2(demo):
    sizes = list(Household.objects.annotate(n=Count("members")).values_list("n", flat=True))
    assert min(sizes) == 1 and max(sizes) == 7
    assert 3.0 <= sum(sizes) / len(sizes) <= 3.4


def test_the_org_tree_has_eight_villages_with_groups_and_eleven_departments(demo):
    township = OrgUnit.objects.get(code="500110103")
    assert (township.name, township.parent.code, township.parent.parent.code) == (
        "关坝镇",
        "500110",
        "500000",
    )
    villages = list(OrgUnit.objects.filter(kind="village").order_by("code"))
    assert [v.code for v in villages] == [f"500110103{n}" for n in range(201, 209)]
    assert villages[0].name == "凉风村" and villages[1].name == "示范一村"
    for village in villages:
        groups = list(village.children.order_by("code"))
        assert 4 <= len(groups) <= 8
        assert groups[0].code == f"{village.code}-01" and groups[0].name == "1组"
        assert groups[0].path == f"{village.path}{village.code}-01/"
    departments = OrgUnit.objects.filter(kind="department", parent=township)
    assert departments.count() == 11
    assert departments.get(code="500110103-FP").name == "扶贫中心"


def test_every_id_number_is_valid_unique_and_agrees_with_sex_and_birth_date(demo):
    members = list(Member.objects.values_list("id_number", "sex", "birth_date"))
    assert len({number for number, _, _ in members}) == len(members) == 20000
    for number, sex, birth in members:
        facts = ids.parse(number)
        assert (facts.number, facts.sex, facts.birth_date) == (number, sex, birth)
        assert number[:6] in ("500110", "500222")
    assert not Member.objects.filter(birth_date__year__gte=2011, id_number__startswith="500222")


def test_children_aged_6_to_15_are_at_the_school_stage_for_their_age(demo):
    children = [m for m in Member.objects.filter(birth_date__gt=dt.date(2009, 1, 1))]
    checked = 0
    for child in children:
        age = _age(child)
        if age in STAGES_BY_AGE:
            assert child.school_status in STAGES_BY_AGE[age], (age, child.school_status)
            checked += 1
        elif age < 6:
            assert child.school_status in ("学前教育", "非在校生")
            assert child.education == "学龄前儿童"
    assert checked > 1000


def test_relations_fit_the_sex_and_spouses_are_of_the_other_sex(demo):
    assert not Member.objects.filter(relation__in=codes.FEMALE_ONLY_RELATIONS, sex="1")
    assert not Member.objects.filter(relation__in=codes.MALE_ONLY_RELATIONS, sex="2")
    heads = dict(Member.objects.filter(relation="户主").values_list("household_id", "sex"))
    spouses = Member.objects.filter(relation="配偶").values_list("household_id", "sex")
    assert all(heads[household] != sex for household, sex in spouses)
    per_household = Counter(Member.objects.filter(relation="户主").values_list("household_id"))
    assert len(per_household) == 6250 and set(per_household.values()) == {1}


def test_heads_are_mostly_35_to_75_and_have_a_phone_no_other_household_shares(demo):
    heads = list(Member.objects.filter(relation="户主").select_related("household"))
    share = sum(35 <= _age(head) <= 75 for head in heads) / len(heads)
    assert share > 0.8
    assert all(head.phone and head.household.phone == head.phone for head in heads)
    phones = Counter(
        Member.objects.exclude(phone="").values_list("household_id", "phone").distinct()
    )
    by_phone = Counter(phone for _household, phone in phones)
    assert max(by_phone.values()) == 1


def test_working_capacity_fits_age_and_health(demo):
    under_16 = Member.objects.filter(birth_date__gt=REFERENCE_DAY.replace(year=2010))
    assert set(under_16.values_list("labour_skill", flat=True)) == {"无劳动力"}
    over_75 = Member.objects.filter(birth_date__lte=REFERENCE_DAY.replace(year=1951))
    assert set(over_75.values_list("labour_skill", flat=True)) <= {
        "弱劳动力或半劳动力",
        "丧失劳动力",
    }
    severe = Member.objects.filter(health="残疾", disability_grade__in=(1, 2))
    assert set(severe.values_list("labour_skill", flat=True)) <= {"丧失劳动力", "无劳动力"}
    health = Counter(Member.objects.values_list("health", flat=True))
    assert health["健康"] > 0.8 * 20000
    assert all(health[kind] > 50 for kind in ("长期慢性病", "患有大病", "残疾"))


def test_everyone_has_exactly_one_basic_medical_insurance_unless_the_risk_says_otherwise(demo):
    uninsured_risk = HouseholdRisk.objects.filter(risk_type="uninsured").values("household")
    members = Member.objects.exclude(household__in=uninsured_risk)
    both_or_neither = Q(resident_medical_insurance=True, employee_medical_insurance=True) | Q(
        resident_medical_insurance=False, employee_medical_insurance=False
    )
    assert not members.filter(both_or_neither).exists()
    uninsured = Q(resident_medical_insurance=False, employee_medical_insurance=False)
    assert not Member.objects.filter(uninsured, medical_assistance=True).exists()


def test_incomes_for_2019_2020_and_2025_follow_the_national_formula(demo):
    sizes = dict(Household.objects.annotate(n=Count("members")).values_list("id", "n"))
    records = list(IncomeRecord.objects.all())
    assert Counter(r.year for r in records) == {2019: 6250, 2020: 6250, 2025: 6250}
    for record in records:
        amounts = {name: getattr(record, name) for name in ("wage", "business", "property")}
        amounts |= {"transfer": record.transfer, "business_expense": record.business_expense}
        assert record.household_size == sizes[record.household_id]
        assert record.net_income == net_income(amounts)
        assert record.per_capita_net_income == quantize(record.net_income / record.household_size)
        assert record.business_expense <= record.business


def test_lifted_out_households_not_monitored_are_above_the_2020_monitoring_line(demo):
    incomes_2020 = IncomeRecord.objects.filter(year=2020)
    stable = incomes_2020.filter(
        household__household_type=LIFTED_OUT, household__monitoring_category=""
    )
    assert stable.count() == 382
    assert not stable.filter(per_capita_net_income__lt=6000).exists()
    edge = incomes_2020.filter(household__monitoring_category=EDGE)
    assert edge.filter(per_capita_net_income__lt=6000).count() > 35


def test_lifted_out_households_have_causes_years_and_monitored_ones_2020_risks(demo):
    lifted_out = Household.objects.filter(household_type=LIFTED_OUT)
    assert not lifted_out.filter(main_cause="").exists()
    assert set(lifted_out.values_list("lifted_out_year", flat=True)) <= set(range(2014, 2021))
    monitored = Household.objects.exclude(monitoring_category="")
    assert monitored.count() == 85
    for household in monitored.prefetch_related("risks"):
        assert household.monitoring_identified_on.year == 2020
        if household.household_type == LIFTED_OUT:
            assert household.lifted_out_year < 2020
        assert household.risks.exists()
        assert household.status_changes.filter(
            new_monitoring_category=household.monitoring_category
        ).exists()
    ill = Member.objects.filter(health__in=("长期慢性病", "患有大病")).values("household")
    assert not lifted_out.filter(main_cause="因病").exclude(pk__in=ill).exists()


def test_households_without_working_capacity_are_flagged_for_social_security(demo):
    capable = Member.objects.filter(labour_skill__in=codes.WORKING_CAPACITY).values("household")
    special = Household.objects.filter(Q(household_type=LIFTED_OUT) | ~Q(monitoring_category=""))
    incapable = special.exclude(pk__in=capable)
    assert incapable.exists()
    assert set(incapable.values_list("fully_incapable", flat=True)) == {True}
    assert not Household.objects.filter(fully_incapable=True, pk__in=capable).exists()
    supported = Member.objects.filter(Q(dibao=True) | Q(tekun=True)).values("household")
    assert not incapable.exclude(pk__in=supported).exists()


def test_housing_is_mostly_safe_and_water_mostly_secure(demo):
    grades = Counter(Household.objects.values_list("housing_grade", flat=True))
    assert grades["A"] + grades["B"] > 0.9 * 6250 and 0 < grades["C"] + grades["D"] < 0.06 * 6250
    assert Household.objects.filter(water_safe=True).count() > 0.97 * 6250


def test_national_numbers_are_unique_and_begin_with_the_village_code(demo):
    rows = list(Household.objects.values_list("national_number", "village__code"))
    assert len({number for number, _ in rows}) == 6250
    assert all(number.startswith(code) and len(number) == 16 for number, code in rows)


def test_the_demo_logins_exist_with_their_roles_units_and_password(demo):
    expected = {
        "admin": ("system_admin", "500110"),
        "township": ("township_officer", "500110103"),
        "civil": ("department_staff", "500110103-MZ"),
        "cadre_a": ("village_cadre", "500110103201"),
        "cadre_b": ("village_cadre", "500110103202"),
        "team_a": ("work_team", "500110103201"),
        "helper": ("helper_cadre", "500110103"),
        "leader": ("leader", "500110103"),
        "county": ("county_officer", "500110"),
    }
    users = {u.username: u for u in User.objects.select_related("org_unit")}
    assert {name: (u.role, u.org_unit.code) for name, u in users.items()} == expected
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        assert users["cadre_a"].check_password("demo12345")
        assert not users["cadre_a"].check_password("demo1234")
    assert len({u.password for u in users.values()}) == 1  # one hash, one shared password
    assert all(u.display_name for u in users.values())
    assert User.objects.get(username="civil").org_unit.name == "民政办"


def test_the_helper_sees_exactly_the_households_paired_with_them(demo):
    helper = User.objects.get(username="helper")
    paired = set(Pairing.objects.filter(helper=helper).values_list("household_id", flat=True))
    assert len(paired) == 5
    visible = households_visible_to(helper)
    assert set(visible.values_list("id", flat=True)) == paired
    assert set(visible.values_list("village__name", flat=True)) == {"凉风村"}
    assert set(visible.values_list("household_type", flat=True)) == {LIFTED_OUT}
    starts = set(Pairing.objects.filter(helper=helper).values_list("start_on", flat=True))
    assert starts == {dt.date(2020, 1, 1)}


def test_a_village_cadre_sees_only_their_village(demo):
    cadre = User.objects.get(username="cadre_a")
    villages = set(households_visible_to(cadre).values_list("village__code", flat=True))
    assert villages == {"500110103201"}
    township = User.objects.get(username="township")
    assert households_visible_to(township).count() == 6250


def test_every_coded_value_is_in_its_code_list_and_rows_pass_model_validation(demo):
    # The bulk load bypasses the actions, but not the rules: every value is a valid code ...
    for model in (Household, Member, IncomeRecord, HouseholdRisk, Pairing):
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            allowed = {value for value, _label in field.choices} | ({""} if field.blank else set())
            used = set(model.objects.values_list(field.name, flat=True).distinct())
            assert used <= allowed, (model.__name__, field.name, used - allowed)
        # ... and a sample of whole rows passes full validation (lengths, decimals, required).
        for row in model.objects.all()[::25]:
            row.full_clean(validate_unique=False, validate_constraints=False)


def test_the_demo_has_monitoring_cases_at_every_step_without_changing_the_figures(demo):
    from fupin.demo.cases import demo_day
    from fupin.monitoring.deadlines import is_overdue
    from fupin.monitoring.models import Case, CaseState, Clue, Objection

    # then: a case at every step, one overdue, one posting with an objection not yet answered
    cases = list(Case.objects.select_related("household"))
    assert {case.state for case in cases} == set(CaseState.values)
    assert len([case for case in cases if is_overdue(case, demo_day())]) == 1
    open_objections = Objection.objects.filter(
        answered_on__isnull=True, posting__case__state="posted"
    )
    assert open_objections.count() == 1
    # and the eliminated household keeps its record and its 2020 category
    eliminated = Case.objects.get(state=CaseState.ELIMINATED)
    assert eliminated.household.monitoring_category == MONITORED
    assert eliminated.eliminated_on.year == 2026 and eliminated.elimination_mode == "帮扶消除"
    assert eliminated.events.filter(action="approve_monitoring").exists()
    # and cases under way are on households that are not monitored (the figures stay exact)
    under_way = [c for c in cases if c.state in ("clue", "applied", "posted", "rejected")]
    assert all(case.household.monitoring_category == "" for case in under_way)
    finding = Clue.objects.get(channel="部门筛查预警")
    assert finding.evidence["rule"] and finding.reference.startswith("demo-finding-")
