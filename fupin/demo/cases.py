"""Monitoring cases for the demo township: one at every step of identification and risk
elimination, written through the workflow's own actions (so timeline and audit are real).

The seed's 2020 figures stay exact: 2020 monitored households get their identification case
(dated before their identification day, as it happened) and some go on to assistance and
risk elimination — the category stays, as the national system keeps eliminated households;
cases still under way are on households that are not monitored and are not decided, so no
category changes. History is dated; cases under way are dated back from the day the demo is
built, so it always shows a posting open now, one case overdue, and so on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from fupin.accounts.models import OrgUnit, User
from fupin.core.errors import DomainError
from fupin.monitoring import actions
from fupin.monitoring.gate import REMEDIES, elimination_checks
from fupin.monitoring.models import Case, CaseState
from fupin.policy.workdays import knows_year
from fupin.registry.models import Household

S = CaseState
DAY = dt.timedelta(days=1)
# The eliminated household's history (2026: its 2025 income is on record for the gate).
ELIMINATION_HISTORY = (dt.date(2026, 3, 2), dt.date(2026, 3, 30))
# Conditions of the gate that measures settle; the others a candidate must meet as it is.
MEASURE_CHECKS = {"risk_without_measure", "no_development_measure", "no_measures"}
MEASURE_CONTENT = {
    "健康": "家庭医生签约服务，落实医疗救助",
    "教育": "落实教育资助，雨露计划",
    "综合保障": "纳入低保",
    "住房安全": "危房改造",
    "搬迁": "易地搬迁安置",
    "饮水安全": "安全饮水巩固提升",
    "就业": "推荐就近务工，落实务工交通补助",
}


@dataclass
class Crew:
    """Who takes the steps in one village: two officials, the township and the county."""

    cadre: User
    second: User
    township: User
    county: User


@dataclass
class DemoCases:
    day: dt.date
    cases: list[Case] = field(default_factory=list)

    def states(self) -> set[str]:
        return {case.state for case in self.cases}


def demo_day() -> dt.date:
    """Today, unless the holiday calendar does not know this year yet: then the last day of
    the latest year it knows (postings cannot be counted otherwise)."""
    today = timezone.localdate()
    year = today.year
    while not knows_year(year):
        year -= 1
    return today if year == today.year else dt.date(year, 12, 20)


def _village_code(household: Household) -> str:
    return household.village.code


def _take(*steps: Callable[[], Any]) -> bool:
    """Take steps in order; stop (and say so) at the first one the workflow refuses."""
    for step in steps:
        try:
            step()
        except DomainError:
            return False
    return True


# ---- identification ----------------------------------------------------------------------


def _identify(crew: Crew, case: Case, start: dt.date, until: str, **extra: Any) -> Case:
    """Take identification steps one day apart from `start` until the case reaches `until`."""
    day = [start + n * DAY for n in range(1, 8)]

    def apply() -> Any:
        filed = case.channel != "农户申请"
        return actions.case_apply(
            actor=crew.cadre, case=case, applied_on=day[0], authorised=True, filed_by_cadre=filed
        )

    def verify() -> Any:
        return actions.case_verify(
            actor=crew.cadre,
            case=case,
            visited_on=day[1],
            officials=[crew.cadre.pk, crew.second.pk],
            per_capita_income=extra.get("income"),
            medical_secure=False,
            risk_types=extra.get("risks", ["01"]),
            findings="入户核实家庭收支和两不愁三保障情况",
        )

    def review() -> Any:
        return actions.case_village_review(
            actor=crew.cadre,
            case=case,
            held_on=day[2],
            participants="村两委成员、村民代表、监委会成员",
            votes_for=11,
            votes_against=1,
            proposed_category=extra.get("category", ""),
        )

    def post() -> Any:
        return actions.case_post(
            actor=crew.cadre,
            case=case,
            starts_on=day[3],
            place="村委会公示栏",
            contact="村委会 023-48611203；关坝镇扶贫办 023-48610018",
        )

    steps = ((S.APPLIED, apply), (S.VERIFIED, verify), (S.VILLAGE_REVIEWED, review))
    for state, step in (*steps, (S.POSTED, post)):
        if until == S.CLUE or not _take(step) or state == until:
            break
    case.refresh_from_db()
    return case


def _township_and_county(
    crew: Crew, case: Case, category: str, risks: list[str], decided_on: dt.date
) -> None:
    posting = actions.current_posting(case)
    assert posting is not None
    reviewed_on = posting.ends_on + DAY
    _take(
        lambda: actions.case_township_review(
            actor=crew.township, case=case, reviewed_on=reviewed_on, housing_signed_by="周建",
            health_signed_by="吴敏", education_signed_by="郑华", water_signed_by="冯涛",
            opinion="联合审核同意"),
        lambda: actions.case_approve_monitoring(
            actor=crew.county, case=case, decided_on=max(decided_on, reviewed_on + DAY),
            category=category,
            risk_types=risks),
    )  # fmt: skip


def _history(crew: Crew, household: Household) -> Case:
    """The 2020 identification of an already monitored household, as it happened."""
    identified = household.monitoring_identified_on or dt.date(2020, 6, 1)
    start = identified - 25 * DAY
    case = actions.clue_receive(
        actor=crew.cadre, household=household, channel="干部排查", received_on=start,
        description="动态监测排查发现",
    ).case  # fmt: skip
    risks = sorted(household.risks.values_list("risk_type", flat=True)) or ["99"]
    case = _identify(
        crew, case, start, S.POSTED, risks=risks, category=household.monitoring_category
    )
    if case.state == S.POSTED:
        _township_and_county(crew, case, household.monitoring_category, risks, identified)
    case.refresh_from_db()
    return case


# ---- assistance and elimination ----------------------------------------------------------


def _can_be_eliminated(case: Case, on: dt.date) -> bool:
    checks = elimination_checks(case=case, on=on, mode="帮扶消除")
    return all(check.passed for check in checks if check.code not in MEASURE_CHECKS)


def _assist(crew: Crew, case: Case, on: dt.date) -> None:
    """A measure for each risk that needs one, and a development measure (就业)."""
    risks = case.household.risks.values_list("risk_type", flat=True)
    kinds = {sorted(REMEDIES[risk])[0] for risk in risks if risk in REMEDIES} | {"就业"}
    for kind in sorted(kinds):
        actions.case_add_measure(
            actor=crew.cadre, case=case, kind=kind, content=MEASURE_CONTENT[kind],
            responsible=str(crew.cadre), started_on=on, amount="1200" if kind == "就业" else None,
        )  # fmt: skip


def _eliminate(crew: Crew, case: Case, start: dt.date, until: str) -> None:
    """Propose elimination on `start` and take the review steps until `until`."""
    day = [start + n * DAY for n in range(0, 6)]

    def propose() -> Any:
        return actions.case_propose_elimination(
            actor=crew.cadre, case=case, proposed_on=day[0], mode="帮扶消除",
            note="收入稳定超过监测标准，风险已消除",
        )  # fmt: skip

    def verify() -> Any:
        return actions.case_verify(
            actor=crew.cadre, case=case, visited_on=day[1],
            officials=[crew.cadre.pk, crew.second.pk], findings="两不愁三保障及饮水安全均有保障",
        )  # fmt: skip

    def review() -> Any:
        return actions.case_village_review(
            actor=crew.cadre, case=case, held_on=day[2], participants="村两委成员、村民代表",
            votes_for=10, votes_against=0,
        )  # fmt: skip

    def post() -> Any:
        return actions.case_post(
            actor=crew.cadre, case=case, starts_on=day[3], place="村委会公示栏",
            contact="村委会 023-48611203",
        )  # fmt: skip

    def township() -> Any:
        case.refresh_from_db()
        posting = actions.current_posting(case)
        assert posting is not None
        return actions.case_township_review(
            actor=crew.township, case=case, reviewed_on=posting.ends_on + DAY,
            housing_signed_by="周建", health_signed_by="吴敏", education_signed_by="郑华",
            water_signed_by="冯涛",
        )  # fmt: skip

    def county() -> Any:
        case.refresh_from_db()
        posting = actions.current_posting(case)
        assert posting is not None
        return actions.case_approve_elimination(
            actor=crew.county, case=case, eliminated_on=posting.ends_on + 2 * DAY
        )

    steps = (
        (S.ELIMINATION_PROPOSED, propose),
        (S.ELIMINATION_VERIFIED, verify),
        (S.ELIMINATION_REVIEWED, review),
        (S.ELIMINATION_POSTED, post),
        (S.ELIMINATION_TOWNSHIP_REVIEWED, township),
        (S.ELIMINATED, county),
    )
    for state, step in steps:
        if not _take(step) or state == until:
            return


# ---- the demo's cases --------------------------------------------------------------------


def _crews(users: dict[str, User], villages: list[OrgUnit]) -> dict[str, Crew]:
    township, county = users["township"], users["county"]
    return {
        villages[0].code: Crew(users["cadre_a"], users["team_a"], township, county),
        villages[1].code: Crew(users["cadre_b"], township, township, county),
    }


def _monitored(village_codes: list[str]) -> list[Household]:
    return list(
        Household.objects.filter(village__code__in=village_codes, household_type="脱贫户")
        .exclude(monitoring_category="")
        .select_related("village")
        .order_by("national_number")
    )


def _ordinary(village_codes: list[str], count: int) -> list[Household]:
    """Ordinary households not monitored, taken from the villages in turn."""
    per_village = [
        list(
            Household.objects.filter(
                village__code=code, monitoring_category="", household_type="一般农户"
            )
            .select_related("village")
            .order_by("-national_number")[:count]
        )
        for code in village_codes
    ]
    mixed = [h for row in itertools.zip_longest(*per_village) for h in row if h is not None]
    return mixed[:count]


ELIMINATION_STEPS = (
    S.ELIMINATION_PROPOSED,
    S.ELIMINATION_VERIFIED,
    S.ELIMINATION_REVIEWED,
    S.ELIMINATION_POSTED,
    S.ELIMINATION_TOWNSHIP_REVIEWED,
)


def _history_and_elimination(
    crews: dict[str, Crew], households: list[Household], day: dt.date
) -> list[Case]:
    """2020 households: identification history; one eliminated in 2026, some on their way to
    elimination now, one that cannot work (it stays monitored), the rest monitored."""
    cases, pending = [], [None, *ELIMINATION_STEPS]
    for household in households[:12]:
        crew = crews[_village_code(household)]
        case = _history(crew, household)
        cases.append(case)
        if case.state != S.MONITORED or not pending:
            continue
        target = pending[0]
        start = ELIMINATION_HISTORY[0] if target is None else day - 14 * DAY
        if not _can_be_eliminated(case, start):
            _assist(crew, case, (case.decided_on or start) + 30 * DAY)
            continue
        _assist(crew, case, (case.decided_on or start) + 30 * DAY)
        _eliminate(crew, case, start, target or S.ELIMINATED)
        case.refresh_from_db()
        pending.pop(0)
    return cases


def _under_way(crews: dict[str, Crew], households: list[Household], day: dt.date) -> list[Case]:
    """Identification cases under way now, one at each step, one overdue, one not included."""
    plans: list[tuple[int, str, str, str]] = [
        # (days since the clue, channel, identification step reached, what follows)
        (2, "部门筛查预警", S.CLUE, ""),
        (30, "农户申请", S.APPLIED, ""),  # overdue: no decision 15 days after the clue
        (6, "干部排查", S.VERIFIED, ""),
        (8, "媒体/信访等其他", S.VILLAGE_REVIEWED, ""),
        (9, "农户申请", S.POSTED, "objection"),  # posted now, an objection not yet answered
        (14, "干部排查", S.POSTED, "township"),
        (12, "干部排查", S.VERIFIED, "reject"),
    ]
    cases = []
    for household, (ago, channel, until, then) in zip(households, plans, strict=False):
        crew = crews[_village_code(household)]
        start = day - ago * DAY
        case = _clue(crew, household, channel, start)
        category = "突发严重困难户" if channel == "媒体/信访等其他" else "边缘易致贫户"
        case = _identify(crew, case, start, until, income="4650", category=category)
        _then(crew, case, then, day)
        case.refresh_from_db()
        cases.append(case)
    return cases


def _clue(crew: Crew, household: Household, channel: str, start: dt.date) -> Case:
    if channel != "部门筛查预警":
        return actions.clue_receive(
            actor=crew.cadre,
            household=household,
            channel=channel,
            received_on=start,
            description="家庭成员突发重病，收入骤减",
        ).case
    evidence = {
        "rule": "住院自付费用预警",
        "rule_version": 1,
        "parameters": {"inpatient_out_of_pocket_other": "20000"},
        "values": {"out_of_pocket": "23480.00", "year": start.year},
        "source": "区医保局 结算数据",
    }
    return actions.clue_from_finding(
        actor=crew.township,
        household=household,
        evidence=evidence,
        reference=f"demo-finding-{household.national_number}",
        received_on=start,
        description="医保结算数据显示大额自付医疗费用",
    ).case


def _then(crew: Crew, case: Case, then: str, day: dt.date) -> None:
    """What follows the identification steps: a refusal, an objection or the joint review."""
    if then == "reject":
        _take(
            lambda: actions.case_reject(
                actor=crew.cadre,
                case=case,
                rejected_on=day - 8 * DAY,
                reason="经入户核实，家庭人均纯收入稳定高于监测标准，不予纳入",
            )
        )
        return
    posting = actions.current_posting(case)
    if posting is None or case.state != S.POSTED:
        return
    if then == "objection":
        _take(
            lambda: actions.posting_object(
                actor=crew.cadre,
                case=case,
                received_on=min(day, posting.starts_on + DAY),
                content="反映该户子女在城里有稳定工作",
                objector="村民（匿名）",
            )
        )
    elif then == "township" and posting.ends_on + DAY <= day:
        _take(
            lambda: actions.case_township_review(
                actor=crew.township,
                case=case,
                reviewed_on=posting.ends_on + DAY,
                housing_signed_by="周建",
                health_signed_by="吴敏",
                education_signed_by="郑华",
                water_signed_by="冯涛",
            )
        )


def create_cases(*, users: dict[str, User], villages: list[OrgUnit]) -> DemoCases:
    """Write the demo's monitoring cases for the first two villages (凉风村, 示范一村)."""
    result = DemoCases(day=demo_day())
    crews = _crews(users, villages)
    village_codes = list(crews)
    result.cases += _history_and_elimination(crews, _monitored(village_codes), result.day)
    result.cases += _under_way(crews, _ordinary(village_codes, 7), result.day)

    return result
