"""Walk a case through its steps with the personas of fupin/conftest.py (for the tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fupin.accounts.models import User
from fupin.monitoring import actions
from fupin.monitoring.models import Case, CaseState
from fupin.registry.models import Household

D = dt.date
# Dates of one identification, posted across the 2026 National Day holiday.
CLUE_ON = D(2026, 9, 21)
APPLIED_ON = D(2026, 9, 22)
VISITED_ON = D(2026, 9, 24)
REVIEWED_ON = D(2026, 9, 27)
POSTED_ON = D(2026, 9, 28)  # 5 working days: 9-28, 9-29, 9-30, 10-8, 10-9
POSTING_LAST_DAY = D(2026, 10, 9)
TOWNSHIP_ON = D(2026, 10, 12)
DECIDED_ON = D(2026, 10, 13)
TODAY = dt.datetime(2026, 10, 20, 10, 0)


@dataclass
class Cast:
    cadre: User
    team: User
    township: User
    county: User


def open_case(cast: Cast, household: Household, on: dt.date = CLUE_ON) -> Case:
    clue = actions.clue_receive(
        actor=cast.cadre,
        household=household,
        channel="干部排查",
        received_on=on,
        description="走访发现家庭成员患病住院",
    )
    return clue.case


STEPS = [
    CaseState.CLUE,
    CaseState.APPLIED,
    CaseState.VERIFIED,
    CaseState.VILLAGE_REVIEWED,
    CaseState.POSTED,
    CaseState.TOWNSHIP_REVIEWED,
    CaseState.MONITORED,
]


def walk(cast: Cast, case: Case, until: str) -> Case:
    """Take the identification steps, in order, until the case reaches `until`."""
    for state in STEPS[1 : STEPS.index(until) + 1]:
        _take(cast, case, state)
    case.refresh_from_db()
    return case


def _take(cast: Cast, case: Case, state: str) -> None:
    if state == CaseState.APPLIED:
        actions.case_apply(actor=cast.cadre, case=case, applied_on=APPLIED_ON, authorised=True)
    elif state == CaseState.VERIFIED:
        actions.case_verify(
            actor=cast.cadre,
            case=case,
            visited_on=VISITED_ON,
            officials=[cast.cadre.pk, cast.team.pk],
            per_capita_income="4800",
            medical_secure=False,
            risk_types=["01"],
            findings="住院自付较大",
        )
    elif state == CaseState.VILLAGE_REVIEWED:
        actions.case_village_review(
            actor=cast.cadre,
            case=case,
            held_on=REVIEWED_ON,
            participants="村两委、村民代表9人",
            votes_for=9,
            votes_against=0,
            proposed_category="突发严重困难户",
        )
    elif state == CaseState.POSTED:
        actions.case_post(
            actor=cast.cadre,
            case=case,
            starts_on=POSTED_ON,
            place="村委会公示栏",
            contact="村委会 023-48612345",
        )
    elif state == CaseState.TOWNSHIP_REVIEWED:
        actions.case_township_review(
            actor=cast.township,
            case=case,
            reviewed_on=TOWNSHIP_ON,
            housing_signed_by="周建",
            health_signed_by="吴敏",
            education_signed_by="郑华",
            water_signed_by="冯涛",
        )
    elif state == CaseState.MONITORED:
        actions.case_approve_monitoring(
            actor=cast.county,
            case=case,
            decided_on=DECIDED_ON,
            category="突发严重困难户",
            risk_types=["01"],
        )
