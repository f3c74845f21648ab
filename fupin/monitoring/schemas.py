"""API shapes of the monitoring workflow: what clients send for each step, what they get back.

Dates default to today where a step is usually recorded the day it happens. Outputs never
carry ID numbers or phones; clue evidence is masked unless the caller may see them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from fupin.accounts.models import User
from fupin.accounts.schemas import UnitRefOut
from fupin.assistance.models import Measure
from fupin.core.schemas import InputSchema, PageOut, PageQuery
from fupin.monitoring import display
from fupin.monitoring.dashboard import Dashboard
from fupin.monitoring.gate import Check
from fupin.monitoring.ledger import LedgerEntry
from fupin.monitoring.models import Attachment, Case, CaseEvent, Clue, Objection, Posting
from fupin.monitoring.selectors import CaseFilters, case_attachments
from fupin.monitoring.transitions import steps_for
from fupin.registry.schemas import Amount
from fupin.registry.selectors import can_see_sensitive, household_head


def _today() -> dt.date:
    return timezone.localdate()


# ---- inputs -------------------------------------------------------------------------------


class CaseQuery(PageQuery):
    village: str = Field("", description="Village statistical code.")
    state: str = Field("", description="Case state, e.g. posted, monitored.")
    channel: str = Field("", description="Clue channel, e.g. 部门筛查预警.")
    overdue: bool = Field(False, description="Only cases past their decision day.")

    def filters(self) -> CaseFilters:
        return CaseFilters(
            village=self.village, state=self.state, channel=self.channel, overdue=self.overdue
        )


class ClueIn(InputSchema):
    household_id: int
    channel: str = Field(description="农户申请, 干部排查, 部门筛查预警 or 媒体/信访等其他.")
    received_on: dt.date = Field(default_factory=_today)
    description: str = ""
    evidence: dict[str, Any] | None = Field(
        None, description="For a screening finding: rule, version, parameter and field values."
    )
    reference: str = Field("", description="The finding's id: the same reference is kept once.")


class ApplyIn(InputSchema):
    applied_on: dt.date = Field(default_factory=_today)
    authorised: bool = Field(description="The household authorises the check of its economy.")
    filed_by_cadre: bool = False
    note: str = ""


class VerifyIn(InputSchema):
    visited_on: dt.date = Field(default_factory=_today)
    officials: list[int] = Field(description="The user ids of the two officials who visited.")
    per_capita_income: Amount = None
    housing_secure: bool = True
    education_secure: bool = True
    medical_secure: bool = True
    water_secure: bool = True
    risk_types: list[str] = Field(default_factory=list)
    findings: str = ""


class VillageReviewIn(InputSchema):
    held_on: dt.date = Field(default_factory=_today)
    participants: str
    votes_for: int
    votes_against: int
    proposed_category: str = ""
    note: str = ""


class PostIn(InputSchema):
    starts_on: dt.date = Field(default_factory=_today)
    ends_on: dt.date | None = Field(None, description="Empty: 5 working days from starts_on.")
    place: str
    contact: str = Field(description="Where to object: the office and its phone.")
    note: str = ""


class ObjectionIn(InputSchema):
    received_on: dt.date = Field(default_factory=_today)
    content: str
    objector: str = ""


class AnswerIn(InputSchema):
    answered_on: dt.date = Field(default_factory=_today)
    answer: str


class TownshipReviewIn(InputSchema):
    reviewed_on: dt.date = Field(default_factory=_today)
    housing_signed_by: str
    health_signed_by: str
    education_signed_by: str
    water_signed_by: str
    opinion: str = ""


class ApproveMonitoringIn(InputSchema):
    decided_on: dt.date = Field(default_factory=_today)
    category: str = Field(description="监测对象类别 in force in the year of decided_on.")
    risk_types: list[str]
    note: str = ""


class RejectIn(InputSchema):
    rejected_on: dt.date = Field(default_factory=_today)
    reason: str


class MeasureIn(InputSchema):
    kind: str = Field(description="产业, 就业, 公益岗位, 金融, 健康, 教育, 住房安全, 饮水安全 …")
    content: str
    responsible: str
    started_on: dt.date = Field(default_factory=_today)
    ended_on: dt.date | None = None
    amount: Amount = None


class ProposeEliminationIn(InputSchema):
    proposed_on: dt.date = Field(default_factory=_today)
    mode: str = Field(description="帮扶消除 or 自然消除.")
    note: str = ""


class ApproveEliminationIn(InputSchema):
    eliminated_on: dt.date = Field(default_factory=_today)
    note: str = ""


class AttachmentRemoveIn(InputSchema):
    reason: str = Field(description="Why the file is removed, e.g. 传错户 (kept in the timeline).")


class KeepMonitoringIn(InputSchema):
    on: dt.date = Field(default_factory=_today)
    reason: str


# ---- outputs ------------------------------------------------------------------------------


class EventOut(Schema):
    id: int = Field(description="The step's id: `event_id` when attaching a file to it.")
    action: str
    label: str
    on: dt.date
    from_state: str
    to_state: str
    actor: str
    details: dict[str, Any]
    note: str

    @classmethod
    def build(cls, event: CaseEvent, *, sensitive: bool = True) -> EventOut:
        from fupin.monitoring.events import label

        details = {k: v for k, v in event.details.items() if k not in ("officials",)}
        if "officials" in event.details:
            details["officials"] = [item["name"] for item in event.details["officials"]]
        note = event.note
        if not sensitive:  # a file name or a note may carry an ID number or a phone number
            details, note = display.mask_evidence(details), display.mask_text(note)
        return cls(
            id=event.pk,
            action=event.action,
            label=label(event.action),
            on=event.on,
            from_state=event.from_state,
            to_state=event.to_state,
            actor=str(event.actor) if event.actor else "",
            details=details,
            note=note,
        )


class AttachmentOut(Schema):
    id: int
    case_id: int
    event_id: int | None = Field(description="The step it is attached to; null: the case.")
    step_label: str
    kind: str = Field(description="document or photo")
    name: str = Field(description="The original file name (ID and phone numbers masked for "
                      "roles that may not see them).")  # fmt: skip
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str
    uploaded_at: dt.datetime
    removed: bool
    removed_at: dt.datetime | None
    removed_by: str
    removal_reason: str
    download_url: str | None = Field(
        description="Where to fetch the file; null once removed or if your role may not open "
        "case files."
    )

    @classmethod
    def build(cls, attachment: Attachment, *, sensitive: bool) -> AttachmentOut:
        from fupin.monitoring.events import label

        shown = (lambda text: text) if sensitive else display.mask_text
        event = attachment.event
        url = None
        if sensitive and not attachment.is_removed:
            url = reverse("api:attachment_file", kwargs={"attachment_id": attachment.pk})
        return cls(
            id=attachment.pk,
            case_id=attachment.case_id,
            event_id=attachment.event_id,
            step_label=label(event.action) if event else "",
            kind=attachment.kind,
            name=shown(attachment.original_name),
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            description=shown(attachment.description),
            uploaded_by=str(attachment.uploaded_by) if attachment.uploaded_by else "",
            uploaded_at=attachment.uploaded_at,
            removed=attachment.is_removed,
            removed_at=attachment.removed_at,
            removed_by=str(attachment.removed_by) if attachment.removed_by else "",
            removal_reason=attachment.removal_reason,
            download_url=url,
        )


class ClueOut(Schema):
    id: int
    channel: str
    received_on: dt.date
    description: str
    evidence: dict[str, Any]
    reference: str

    @classmethod
    def build(cls, clue: Clue, *, sensitive: bool) -> ClueOut:
        evidence = clue.evidence if sensitive else display.mask_evidence(clue.evidence)
        return cls(
            id=clue.pk,
            channel=clue.channel,
            received_on=clue.received_on,
            description=clue.description,
            evidence=evidence,
            reference=clue.reference,
        )


class ObjectionOut(Schema):
    id: int
    received_on: dt.date
    objector: str
    content: str
    answer: str
    answered_on: dt.date | None

    @classmethod
    def build(cls, objection: Objection) -> ObjectionOut:
        return cls(
            id=objection.pk,
            received_on=objection.received_on,
            objector=objection.objector,
            content=objection.content,
            answer=objection.answer,
            answered_on=objection.answered_on,
        )


class PostingOut(Schema):
    phase: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    contact: str
    objections: list[ObjectionOut]

    @classmethod
    def build(cls, posting: Posting) -> PostingOut:
        return cls(
            phase=posting.phase,
            starts_on=posting.starts_on,
            ends_on=posting.ends_on,
            place=posting.place,
            contact=posting.contact,
            objections=[ObjectionOut.build(o) for o in posting.objections.all()],
        )


class CheckOut(Schema):
    code: str
    passed: bool
    message: str

    @classmethod
    def build(cls, check: Check) -> CheckOut:
        return cls(code=check.code, passed=check.passed, message=str(check.message))


class CaseListItemOut(Schema):
    id: int
    household_id: int
    national_number: str | None
    village: UnitRefOut
    state: str
    state_label: str
    channel: str
    opened_on: dt.date
    due_on: dt.date
    overdue: bool
    category: str

    @classmethod
    def build(cls, case: Case, *, today: dt.date) -> CaseListItemOut:
        from fupin.monitoring.deadlines import is_overdue

        household = case.household
        return cls(
            id=case.pk,
            household_id=household.pk,
            national_number=household.national_number,
            village=UnitRefOut(code=household.village.code, name=household.village.name),
            state=case.state,
            state_label=str(case.get_state_display()),
            channel=case.channel,
            opened_on=case.opened_on,
            due_on=case.due_on,
            overdue=is_overdue(case, today),
            category=case.category,
        )


class CasePageOut(PageOut):
    items: list[CaseListItemOut]


class MeasureOut(Schema):
    id: int
    kind: str
    is_development: bool
    content: str
    responsible: str
    started_on: dt.date
    ended_on: dt.date | None
    amount: str | None


class CaseOut(CaseListItemOut):
    head_name: str
    proposed_category: str
    risk_types: list[str]
    decided_on: dt.date | None
    rejected_on: dt.date | None
    rejection_reason: str
    elimination_mode: str
    eliminated_on: dt.date | None
    allowed_steps: list[str] = Field(description="The steps the caller may take now.")
    clues: list[ClueOut]
    timeline: list[EventOut]
    postings: list[PostingOut]
    measures: list[MeasureOut]
    attachments: list[AttachmentOut]
    gate: list[CheckOut] | None

    @classmethod
    def build_full(
        cls, case: Case, *, user: User, today: dt.date, gate: list[Check] | None
    ) -> CaseOut:
        base = CaseListItemOut.build(case, today=today).model_dump()
        head = household_head(case.household)
        sensitive = can_see_sensitive(user)
        return cls(
            **base,
            head_name=head.name if head else "",
            proposed_category=case.proposed_category,
            risk_types=list(case.risk_types),
            decided_on=case.decided_on,
            rejected_on=case.rejected_on,
            rejection_reason=case.rejection_reason,
            elimination_mode=case.elimination_mode,
            eliminated_on=case.eliminated_on,
            allowed_steps=steps_for(case.state, user.role),
            clues=[ClueOut.build(c, sensitive=sensitive) for c in case.clues.all()],
            timeline=[
                EventOut.build(e, sensitive=sensitive) for e in case.events.select_related("actor")
            ],
            postings=[PostingOut.build(p) for p in case.postings.prefetch_related("objections")],
            measures=[
                MeasureOut(
                    id=m.pk,
                    kind=m.kind,
                    is_development=m.is_development,
                    content=m.content,
                    responsible=m.responsible,
                    started_on=m.started_on,
                    ended_on=m.ended_on,
                    amount=str(m.amount) if m.amount is not None else None,
                )
                for m in Measure.objects.filter(household=case.household)
            ],
            attachments=[
                AttachmentOut.build(a, sensitive=sensitive) for a in case_attachments(case=case)
            ],
            gate=[CheckOut.build(c) for c in gate] if gate is not None else None,
        )


class LedgerRowOut(Schema):
    household_id: int
    national_number: str | None
    village: UnitRefOut
    head_name: str
    size: int
    monitoring_category: str
    identified_on: dt.date | None
    risk_types: list[str]
    eliminated: bool
    elimination_mode: str
    eliminated_on: dt.date | None

    @classmethod
    def build(cls, entry: LedgerEntry) -> LedgerRowOut:
        household = entry.household
        case = entry.case if entry.eliminated else None
        return cls(
            household_id=household.pk,
            national_number=household.national_number,
            village=UnitRefOut(code=household.village.code, name=household.village.name),
            head_name=entry.head.name if entry.head else "",
            size=len(entry.members),
            monitoring_category=household.monitoring_category,
            identified_on=entry.identified_on,
            risk_types=entry.risks,
            eliminated=entry.eliminated,
            elimination_mode=case.elimination_mode if case else "",
            eliminated_on=case.eliminated_on if case else None,
        )


class TallyOut(Schema):
    households: int
    people: int


class VillageNumbersOut(Schema):
    code: str
    name: str
    households: int
    people: int
    by_category: dict[str, TallyOut]
    by_risk: dict[str, TallyOut]


class DashboardOut(Schema):
    villages: list[VillageNumbersOut]
    cases_by_state: dict[str, int]
    overdue: int
    clues_by_month: dict[str, dict[str, int]]
    eliminations_by_month: dict[str, int]
    monitored_households: int
    monitored_people: int
    registered_poor_people: int
    population: int
    share: str | None = Field(description="Monitored people ÷ registered poor people.")
    guide: str
    ceiling: str

    @classmethod
    def build(cls, numbers: Dashboard) -> DashboardOut:
        values = vars(numbers).copy()
        values["villages"] = [vars(v) for v in numbers.villages]
        values["share"] = str(numbers.share) if numbers.share is not None else None
        values["guide"], values["ceiling"] = str(numbers.guide), str(numbers.ceiling)
        return cls(**values)
