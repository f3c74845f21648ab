"""The case workflow through its actions: the whole identification, clue intake, and every
refusal of the issue's "bad input" with nothing changed."""

import datetime as dt

import pytest

from fupin.accounts.models import AuditEvent
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.monitoring import actions
from fupin.monitoring.models import Case, CaseEvent, CaseState, Clue, Objection, Posting
from fupin.monitoring.tests.steps import (
    DECIDED_ON,
    POSTED_ON,
    POSTING_LAST_DAY,
    TOWNSHIP_ON,
    VISITED_ON,
    open_case,
    walk,
)
from fupin.registry.models import Household, HouseholdRisk, StatusChange

D = dt.date
S = CaseState


def snapshot(household):
    """Everything a refused step could have touched."""
    return {
        "cases": list(Case.objects.order_by("pk").values()),
        "events": CaseEvent.objects.count(),
        "clues": Clue.objects.count(),
        "postings": list(Posting.objects.values()),
        "objections": list(Objection.objects.values()),
        "audit": AuditEvent.objects.count(),
        "household": Household.objects.filter(pk=household.pk).values().get(),
        "risks": list(HouseholdRisk.objects.filter(household=household).values("risk_type")),
        "status_changes": StatusChange.objects.count(),
    }


def refused(household, call, code=None, error=DomainError):
    before = snapshot(household)
    with pytest.raises(error) as exc:
        call()
    assert snapshot(household) == before
    if code:
        assert exc.value.code == code
    return exc.value


# ---- the whole identification -------------------------------------------------------------


def test_a_clue_becomes_a_monitored_household_through_every_step(today, cast, household_a):
    # given a clue from a cadre's visit
    case = open_case(cast, household_a)
    assert (case.state, case.channel, case.due_on) == (S.CLUE, "干部排查", D(2026, 10, 6))
    # when every step is taken in order
    case = walk(cast, case, S.MONITORED)
    # then the household is monitored, with its category and risks in the registry
    household_a.refresh_from_db()
    assert (case.state, case.category, case.decided_on) == (
        S.MONITORED,
        "突发严重困难户",
        DECIDED_ON,
    )
    assert household_a.monitoring_category == "突发严重困难户"
    assert household_a.monitoring_identified_on == DECIDED_ON
    assert list(household_a.risks.values_list("risk_type", flat=True)) == ["01"]
    change = StatusChange.objects.get(household=household_a)
    assert (change.new_monitoring_category, change.effective_on) == ("突发严重困难户", DECIDED_ON)
    # and the timeline has one row per step, the audit one event per step
    timeline = list(case.events.values_list("action", "to_state"))
    assert timeline == [
        ("clue", ""),
        ("apply", S.APPLIED),
        ("verify", S.VERIFIED),
        ("village_review", S.VILLAGE_REVIEWED),
        ("post", S.POSTED),
        ("township_review", S.TOWNSHIP_REVIEWED),
        ("approve_monitoring", S.MONITORED),
    ]
    audited = AuditEvent.objects.filter(target_type="monitoring.case").values_list(
        "action", flat=True
    )
    assert set(audited) >= {"case.open", "case.clue", "case.apply", "case.approve_monitoring"}
    posting = Posting.objects.get(case=case)
    assert (posting.starts_on, posting.ends_on) == (POSTED_ON, POSTING_LAST_DAY)
    verify = case.events.get(action="verify")
    assert [o["id"] for o in verify.details["officials"]] == [cast.cadre.pk, cast.team.pk]


def test_a_clue_for_a_household_with_an_open_case_joins_that_case(today, cast, household_a):
    case = open_case(cast, household_a)
    # when a second clue arrives through another channel
    clue = actions.clue_receive(
        actor=cast.township,
        household=household_a,
        channel="媒体/信访等其他",
        received_on=D(2026, 9, 25),
        description="信访反映",
    )
    # then it joins the open case
    assert clue.case == case
    assert Case.objects.count() == 1 and case.clues.count() == 2


def test_a_screening_finding_is_handed_over_with_its_evidence_once(today, cast, household_a):
    evidence = {
        "rule": "inpatient_out_of_pocket",
        "rule_version": 3,
        "parameters": {"inpatient_out_of_pocket_lifted_out": "5000"},
        "values": {"out_of_pocket": "18230.50", "person": "张三"},
    }
    # when the same finding is handed over twice
    first = actions.clue_from_finding(
        actor=cast.township, household=household_a, evidence=evidence, reference="finding:42"
    )
    second = actions.clue_from_finding(
        actor=cast.township, household=household_a, evidence=evidence, reference="finding:42"
    )
    # then one clue, on the screening channel, keeps the evidence
    assert first == second and Clue.objects.count() == 1
    assert (first.channel, first.evidence, first.received_on) == ("部门筛查预警", evidence, today)
    assert first.case.channel == "部门筛查预警"


def test_evidence_must_be_a_json_object(today, cast, household_a):
    refused(
        household_a,
        lambda: actions.clue_from_finding(actor=cast.township, household=household_a, evidence=[1]),
        "invalid_evidence",
    )


def test_a_new_clue_after_a_rejection_opens_a_new_case(today, cast, household_a):
    case = open_case(cast, household_a)
    actions.case_reject(actor=cast.cadre, case=case, rejected_on=D(2026, 9, 22), reason="收入稳定")
    # when
    clue = actions.clue_receive(
        actor=cast.cadre, household=household_a, channel="农户申请", received_on=D(2026, 10, 15)
    )
    # then
    case.refresh_from_db()
    assert (case.state, case.rejection_reason, case.rejected_in_state) == (
        S.REJECTED,
        "收入稳定",
        S.CLUE,
    )
    assert clue.case != case and clue.case.state == S.CLUE


def test_the_county_may_refuse_at_its_step_and_the_registry_is_untouched(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.TOWNSHIP_REVIEWED)
    actions.case_reject(actor=cast.county, case=case, rejected_on=DECIDED_ON, reason="不符合条件")
    household_a.refresh_from_db()
    assert household_a.monitoring_category == ""
    assert Case.objects.get().state == S.REJECTED


# ---- bad input: refused, nothing changed --------------------------------------------------


def test_a_step_out_of_order_is_refused(today, cast, household_a):
    case = open_case(cast, household_a)
    error = refused(
        household_a,
        lambda: actions.case_verify(
            actor=cast.cadre,
            case=case,
            visited_on=VISITED_ON,
            officials=[cast.cadre.pk, cast.team.pk],
        ),
        "step_not_allowed",
    )
    assert "入户核实" in str(error.message) or "Home verification" in str(error.message)


def test_a_step_taken_twice_is_refused(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.APPLIED)
    refused(
        household_a,
        lambda: actions.case_apply(
            actor=cast.cadre, case=case, applied_on=D(2026, 9, 23), authorised=True
        ),
        "step_not_allowed",
    )


def test_a_step_by_the_wrong_role_is_refused(today, cast, household_a, leader):
    case = open_case(cast, household_a)
    for actor in (cast.township, cast.county, leader):
        refused(
            household_a,
            lambda actor=actor: actions.case_apply(
                actor=actor, case=case, applied_on=D(2026, 9, 22), authorised=True
            ),
            "permission_denied",
            PermissionDenied,
        )
    posted = walk(cast, case, S.POSTED)
    refused(
        household_a,
        lambda: actions.case_township_review(
            actor=cast.cadre,
            case=posted,
            reviewed_on=TOWNSHIP_ON,
            housing_signed_by="周",
            health_signed_by="吴",
            education_signed_by="郑",
            water_signed_by="冯",
        ),
        "permission_denied",
        PermissionDenied,
    )


def test_two_officials_that_are_the_same_person_are_refused(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.APPLIED)
    refused(
        household_a,
        lambda: actions.case_verify(
            actor=cast.cadre,
            case=case,
            visited_on=VISITED_ON,
            officials=[cast.cadre.pk, cast.cadre.pk],
        ),
        "same_official",
    )


def test_an_official_from_another_village_is_refused(today, cast, household_a, village_cadre_b):
    case = walk(cast, open_case(cast, household_a), S.APPLIED)
    refused(
        household_a,
        lambda: actions.case_verify(
            actor=cast.cadre,
            case=case,
            visited_on=VISITED_ON,
            officials=[cast.cadre.pk, village_cadre_b.pk],
        ),
        "unknown_official",
    )


def test_an_application_without_authorisation_is_refused(today, cast, household_a):
    case = open_case(cast, household_a)
    refused(
        household_a,
        lambda: actions.case_apply(
            actor=cast.cadre, case=case, applied_on=D(2026, 9, 22), authorised=False
        ),
        "authorisation_required",
    )


def test_a_posting_shorter_than_5_working_days_is_refused(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.VILLAGE_REVIEWED)
    # 9-28 to 10-8 is eleven days on the calendar but only four working days
    error = refused(
        household_a,
        lambda: actions.case_post(
            actor=cast.cadre,
            case=case,
            starts_on=POSTED_ON,
            ends_on=D(2026, 10, 8),
            place="村委会公示栏",
            contact="村委会",
        ),
        "posting_too_short",
    )
    assert error.field == "ends_on"


def test_the_township_cannot_review_before_the_posting_period_is_over(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.POSTED)
    refused(
        household_a,
        lambda: actions.case_township_review(
            actor=cast.township,
            case=case,
            reviewed_on=POSTING_LAST_DAY,
            housing_signed_by="周",
            health_signed_by="吴",
            education_signed_by="郑",
            water_signed_by="冯",
        ),
        "posting_not_over",
    )


def test_an_unanswered_objection_holds_the_case_until_it_is_answered(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.POSTED)
    objection = actions.posting_object(
        actor=cast.cadre,
        case=case,
        received_on=D(2026, 9, 29),
        content="该户有车辆",
        objector="村民",
    )

    def review():
        return actions.case_township_review(
            actor=cast.township,
            case=case,
            reviewed_on=TOWNSHIP_ON,
            housing_signed_by="周",
            health_signed_by="吴",
            education_signed_by="郑",
            water_signed_by="冯",
        )

    refused(household_a, review, "objections_unanswered")
    # when the objection is answered
    actions.objection_answer(
        actor=cast.cadre,
        objection=objection,
        answer="经核实车辆已于2025年出售",
        answered_on=D(2026, 10, 8),
    )
    # then the review goes ahead, and answering twice is refused
    review()
    assert Case.objects.get().state == S.TOWNSHIP_REVIEWED
    refused(
        household_a,
        lambda: actions.objection_answer(
            actor=cast.cadre, objection=objection, answer="再答", answered_on=D(2026, 10, 9)
        ),
        "already_answered",
    )


def test_a_village_review_that_did_not_pass_cannot_be_posted(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.VERIFIED)
    actions.case_village_review(
        actor=cast.cadre,
        case=case,
        held_on=D(2026, 9, 27),
        participants="村民代表",
        votes_for=2,
        votes_against=7,
    )
    refused(
        household_a,
        lambda: actions.case_post(
            actor=cast.cadre, case=case, starts_on=POSTED_ON, place="公示栏", contact="村委会"
        ),
        "review_not_passed",
    )


def test_a_category_not_in_force_in_the_decision_year_is_refused(today, cast, household_a):
    case = walk(cast, open_case(cast, household_a), S.TOWNSHIP_REVIEWED)
    refused(
        household_a,
        lambda: actions.case_approve_monitoring(
            actor=cast.county,
            case=case,
            decided_on=DECIDED_ON,
            category="边缘户",
            risk_types=["01"],
        ),
        "category_not_in_force",
    )


def test_a_step_dated_before_the_previous_one_is_refused(today, cast, household_a):
    case = open_case(cast, household_a)
    refused(
        household_a,
        lambda: actions.case_apply(
            actor=cast.cadre, case=case, applied_on=D(2026, 9, 1), authorised=True
        ),
        "date_before_previous_step",
    )


# ---- scope --------------------------------------------------------------------------------


def test_a_village_cadre_handles_only_the_cases_of_their_own_village(
    today, cast, household_a, village_cadre_b
):
    case = open_case(cast, household_a)
    refused(
        household_a,
        lambda: actions.case_apply(
            actor=village_cadre_b, case=case, applied_on=D(2026, 9, 22), authorised=True
        ),
        "not_found",
        NotFound,
    )
    refused(
        household_a,
        lambda: actions.clue_receive(
            actor=village_cadre_b,
            household=household_a,
            channel="干部排查",
            received_on=D(2026, 9, 22),
        ),
        "not_found",
        NotFound,
    )
