"""帮扶 and 风险消除: the gate, the elimination steps, and a household that cannot work."""

import datetime as dt

import pytest

from fupin.assistance.models import Measure
from fupin.monitoring import actions
from fupin.monitoring.gate import elimination_checks
from fupin.monitoring.models import Case, CaseState
from fupin.monitoring.tests.steps import (
    APPLIED_ON,
    CLUE_ON,
    DECIDED_ON,
    POSTED_ON,
    REVIEWED_ON,
    TOWNSHIP_ON,
    VISITED_ON,
)
from fupin.monitoring.tests.test_workflow import refused
from fupin.registry.models import Household, HouseholdRisk, Member
from fupin.registry.tests.factories import IncomeFactory, MemberFactory

D = dt.date
S = CaseState
IDENTIFIED_ON = D(2026, 3, 2)


@pytest.fixture
def monitored(today, cast, household_a):
    """household_a, monitored since March 2026 for illness, secure, with income above the line."""
    household_a.water_safe = True
    household_a.housing_grade = "B"
    household_a.monitoring_category = "脱贫不稳定户"
    household_a.save()
    HouseholdRisk.objects.create(household=household_a, risk_type="01", noted_on=IDENTIFIED_ON)
    IncomeFactory(household=household_a, year=2026, per_capita_net_income=7800)
    return Case.objects.create(
        household=household_a,
        state=S.MONITORED,
        channel="农户申请",
        opened_on=D(2026, 2, 20),
        due_on=D(2026, 3, 7),
        decided_on=IDENTIFIED_ON,
        category="脱贫不稳定户",
        risk_types=["01"],
    )


def add_measure(cast, case, kind, content="措施"):
    return actions.case_add_measure(
        actor=cast.cadre,
        case=case,
        kind=kind,
        content=content,
        responsible="王志刚",
        started_on=D(2026, 4, 1),
        amount="1200",
    )


@pytest.fixture
def assisted(cast, monitored):
    add_measure(cast, monitored, "健康", "医疗救助、家庭医生签约")
    add_measure(cast, monitored, "就业", "公益性岗位外的就近务工推荐")
    return monitored


def propose(cast, case, mode="帮扶消除", on=CLUE_ON):
    return actions.case_propose_elimination(actor=cast.cadre, case=case, proposed_on=on, mode=mode)


def eliminate(cast, case):
    propose(cast, case)
    actions.case_verify(
        actor=cast.team, case=case, visited_on=APPLIED_ON, officials=[cast.cadre.pk, cast.team.pk]
    )
    actions.case_village_review(
        actor=cast.cadre,
        case=case,
        held_on=REVIEWED_ON,
        participants="村民代表",
        votes_for=8,
        votes_against=1,
    )
    actions.case_post(
        actor=cast.cadre, case=case, starts_on=POSTED_ON, place="公示栏", contact="村委会"
    )
    actions.case_township_review(
        actor=cast.township,
        case=case,
        reviewed_on=TOWNSHIP_ON,
        housing_signed_by="周",
        health_signed_by="吴",
        education_signed_by="郑",
        water_signed_by="冯",
    )
    actions.case_approve_elimination(actor=cast.county, case=case, eliminated_on=DECIDED_ON)
    case.refresh_from_db()
    return case


def test_measures_are_recorded_under_the_case_and_development_ones_are_marked(cast, assisted):
    kinds = {m.kind: m.is_development for m in Measure.objects.filter(case=assisted)}
    assert kinds == {"健康": False, "就业": True}
    assert assisted.events.filter(action="measure").count() == 2


def test_an_assisted_household_passes_the_gate_and_its_risk_is_eliminated(cast, assisted):
    # when the elimination goes through the same review steps
    case = eliminate(cast, assisted)
    # then the risk is eliminated, the record and the category stay
    assert (case.state, case.elimination_mode, case.eliminated_on) == (
        S.ELIMINATED,
        "帮扶消除",
        DECIDED_ON,
    )
    assert case.household.monitoring_category == "脱贫不稳定户"
    # and the registry records on the household how and when (for the national layout)
    household = Household.objects.get(pk=case.household_id)
    assert (household.risk_eliminated, household.elimination_mode) == (True, "帮扶消除")
    assert household.risk_eliminated_on == DECIDED_ON
    steps = list(case.events.exclude(action="measure").values_list("action", flat=True))
    assert steps[-6:] == [
        "propose_elimination",
        "verify",
        "village_review",
        "post",
        "township_review",
        "approve_elimination",
    ]
    # and a new risk later opens a new case
    clue = actions.clue_receive(
        actor=cast.cadre, household=case.household, channel="干部排查", received_on=D(2026, 10, 19)
    )
    assert clue.case != case and clue.case.state == S.CLUE


def _no_capacity(household):
    household.members.update(labour_skill="丧失劳动力")


def _dropout(household):
    MemberFactory(
        household=household,
        relation="之子",
        birth_date=D(2014, 5, 1),
        labour_skill="无劳动力",
        school_status="失学辍学",
    )


FAILURES = {
    "no_working_capacity": _no_capacity,
    "income_below_line": lambda h: h.incomes.update(per_capita_net_income=5200),
    "income_not_recorded": lambda h: h.incomes.all().delete(),
    "housing_unsafe": lambda h: type(h).objects.filter(pk=h.pk).update(housing_grade="D"),
    "water_unsafe": lambda h: type(h).objects.filter(pk=h.pk).update(water_safe=False),
    "school_dropout": _dropout,
    "member_uninsured": lambda h: h.members.update(resident_medical_insurance=False),
    "risk_without_measure": lambda h: h.measures.filter(kind="健康").delete(),
    "no_development_measure": lambda h: h.measures.filter(kind="就业").delete(),
}


@pytest.mark.parametrize("code", list(FAILURES))
def test_the_gate_refuses_an_elimination_that_fails_a_condition(cast, assisted, code):
    # given the household fails one condition
    household = assisted.household
    FAILURES[code](household)
    # when an elimination is proposed, then it is refused with that condition's code
    refused(household, lambda: propose(cast, assisted), code)
    assert Case.objects.get(pk=assisted.pk).state == S.MONITORED


def test_a_household_without_working_capacity_is_never_marked_eliminated(cast, monitored):
    # given a household nobody in which can work, with social-security measures
    _no_capacity(monitored.household)
    add_measure(cast, monitored, "综合保障", "低保")
    add_measure(cast, monitored, "健康", "医疗救助")
    # then the gate refuses with its own code, whatever the mode
    for mode in ("帮扶消除", "自然消除"):
        error = refused(monitored.household, lambda mode=mode: propose(cast, monitored, mode))
        assert error.code == "no_working_capacity"
    checks = {c.code: c.passed for c in elimination_checks(case=monitored, on=CLUE_ON)}
    assert checks["no_working_capacity"] is False and checks["income_below_line"] is True


def test_an_elimination_too_soon_after_identification_is_refused(cast, assisted):
    Case.objects.filter(pk=assisted.pk).update(decided_on=D(2026, 6, 1))
    assisted.refresh_from_db()
    refused(assisted.household, lambda: propose(cast, assisted), "not_stable_long_enough")


def test_a_natural_elimination_needs_no_measure_only_the_gate(cast, monitored):
    HouseholdRisk.objects.filter(household=monitored.household).update(risk_type="07")
    add_measure(cast, monitored, "就业", "务工")
    Measure.objects.filter(case=monitored).update(case=None)
    propose(cast, monitored, "自然消除")
    assert Case.objects.get(pk=monitored.pk).state == S.ELIMINATION_PROPOSED


def test_an_elimination_not_borne_out_keeps_the_household_monitored(cast, assisted):
    propose(cast, assisted)
    actions.case_keep_monitoring(
        actor=cast.cadre, case=assisted, on=VISITED_ON, reason="入户核实发现新增大额医疗支出"
    )
    assisted.refresh_from_db()
    assert (assisted.state, assisted.elimination_mode) == (S.MONITORED, "")


def test_measures_wait_until_the_household_is_monitored(cast, household_a, today):
    from fupin.monitoring.tests.steps import open_case

    case = open_case(cast, household_a)
    refused(household_a, lambda: add_measure(cast, case, "就业"), "not_monitored")
    assert not Member.objects.filter(household=household_a, labour_skill="").exists()
