"""The case workflow as one literal table: {(state, step): (next state, roles that may take it)}.

Village steps are taken by the village's cadres and resident work team (for households of
their own village: the action scopes the case to the actor), the joint review by the township
office, the decision by the county office. 不予纳入 may be decided at any identification step by
whoever holds it; a proposed elimination that is not borne out returns to monitoring.
Receiving a clue, recording objections, measures and attachments are not transitions.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Role
from fupin.monitoring.models import CaseState as S


class Step(models.TextChoices):
    APPLY = "apply", _("Application")
    VERIFY = "verify", _("Home verification")
    VILLAGE_REVIEW = "village_review", _("Village review")
    POST = "post", _("Village posting")
    TOWNSHIP_REVIEW = "township_review", _("Joint township review")
    APPROVE_MONITORING = "approve_monitoring", _("County approval: include in monitoring")
    REJECT = "reject", _("Not included")
    PROPOSE_ELIMINATION = "propose_elimination", _("Propose risk elimination")
    APPROVE_ELIMINATION = "approve_elimination", _("County approval: risk eliminated")
    KEEP_MONITORING = "keep_monitoring", _("Elimination not approved: keep monitoring")


VILLAGE = frozenset({Role.VILLAGE_CADRE, Role.WORK_TEAM})
TOWNSHIP = frozenset({Role.TOWNSHIP_OFFICER})
COUNTY = frozenset({Role.COUNTY_OFFICER})

# Who may be one of the two officials of a home visit: staff who meet households in their work.
OFFICIAL_ROLES = VILLAGE | TOWNSHIP | COUNTY | {Role.HELPER_CADRE, Role.DEPARTMENT_STAFF}
# Who may hand in a clue: those officials, and the administrator (a clue taken by phone).
INTAKE_ROLES = OFFICIAL_ROLES | {Role.SYSTEM_ADMIN}
# Who records objections to a posting and answers them.
OBJECTION_ROLES = VILLAGE | TOWNSHIP
# Who records assistance measures and attaches documents to a case.
CASEWORK_ROLES = VILLAGE | TOWNSHIP | COUNTY | {Role.HELPER_CADRE}

TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    # identification (识别): 申请 ▸ 入户核实 ▸ 村级评议 ▸ 村内公示 ▸ 乡镇联合审核 ▸ 县级审定
    (S.CLUE, Step.APPLY): (S.APPLIED, VILLAGE),
    (S.APPLIED, Step.VERIFY): (S.VERIFIED, VILLAGE),
    (S.VERIFIED, Step.VILLAGE_REVIEW): (S.VILLAGE_REVIEWED, VILLAGE),
    (S.VILLAGE_REVIEWED, Step.POST): (S.POSTED, VILLAGE),
    (S.POSTED, Step.TOWNSHIP_REVIEW): (S.TOWNSHIP_REVIEWED, TOWNSHIP),
    (S.TOWNSHIP_REVIEWED, Step.APPROVE_MONITORING): (S.MONITORED, COUNTY),
    # 不予纳入, by whoever holds the case at that step
    (S.CLUE, Step.REJECT): (S.REJECTED, VILLAGE),
    (S.APPLIED, Step.REJECT): (S.REJECTED, VILLAGE),
    (S.VERIFIED, Step.REJECT): (S.REJECTED, VILLAGE),
    (S.VILLAGE_REVIEWED, Step.REJECT): (S.REJECTED, VILLAGE),
    (S.POSTED, Step.REJECT): (S.REJECTED, VILLAGE | TOWNSHIP),
    (S.TOWNSHIP_REVIEWED, Step.REJECT): (S.REJECTED, COUNTY),
    # risk elimination (风险消除): proposal through the gate, then the same review steps
    (S.MONITORED, Step.PROPOSE_ELIMINATION): (S.ELIMINATION_PROPOSED, VILLAGE),
    (S.ELIMINATION_PROPOSED, Step.VERIFY): (S.ELIMINATION_VERIFIED, VILLAGE),
    (S.ELIMINATION_VERIFIED, Step.VILLAGE_REVIEW): (S.ELIMINATION_REVIEWED, VILLAGE),
    (S.ELIMINATION_REVIEWED, Step.POST): (S.ELIMINATION_POSTED, VILLAGE),
    (S.ELIMINATION_POSTED, Step.TOWNSHIP_REVIEW): (S.ELIMINATION_TOWNSHIP_REVIEWED, TOWNSHIP),
    (S.ELIMINATION_TOWNSHIP_REVIEWED, Step.APPROVE_ELIMINATION): (S.ELIMINATED, COUNTY),
    # an elimination not borne out: the household stays monitored
    (S.ELIMINATION_PROPOSED, Step.KEEP_MONITORING): (S.MONITORED, VILLAGE),
    (S.ELIMINATION_VERIFIED, Step.KEEP_MONITORING): (S.MONITORED, VILLAGE),
    (S.ELIMINATION_REVIEWED, Step.KEEP_MONITORING): (S.MONITORED, VILLAGE),
    (S.ELIMINATION_POSTED, Step.KEEP_MONITORING): (S.MONITORED, VILLAGE | TOWNSHIP),
    (S.ELIMINATION_TOWNSHIP_REVIEWED, Step.KEEP_MONITORING): (S.MONITORED, COUNTY),
}


def next_state(state: str, step: str) -> str | None:
    entry = TRANSITIONS.get((state, step))
    return entry[0] if entry else None


def roles_for(state: str, step: str) -> frozenset[str]:
    entry = TRANSITIONS.get((state, step))
    return entry[1] if entry else frozenset()


def steps_from(state: str) -> list[str]:
    """The steps the table allows from a state, in the table's order."""
    return [step for (from_state, step) in TRANSITIONS if from_state == state]


def steps_for(state: str, role: str) -> list[str]:
    """The steps a role may take from a state."""
    return [step for step in steps_from(state) if role in roles_for(state, step)]
