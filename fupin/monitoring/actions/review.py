"""The steps both phases share: 入户核实 ▸ 村级评议 ▸ 村内公示 (with objections) ▸ 乡镇联合审核."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.core.errors import DomainError
from fupin.core.money import InvalidAmount, parse_amount
from fupin.monitoring import deadlines, errors, events
from fupin.monitoring.actions.common import (
    advance,
    audit_case,
    check_step_date,
    clean_text,
    forbid,
    lock_case,
    require_step,
)
from fupin.monitoring.models import (
    POSTING_STATES,
    Case,
    CaseEvent,
    Objection,
    Phase,
    Posting,
)
from fupin.monitoring.transitions import OBJECTION_ROLES, OFFICIAL_ROLES, Step
from fupin.registry import codes
from fupin.registry.errors import invalid_amount
from fupin.registry.selectors import households_visible_to
from fupin.registry.validation import check_choice, check_date

SECURITY_FIELDS = ("housing_secure", "education_secure", "medical_secure", "water_secure")
SIGN_OFFS = ("housing_signed_by", "health_signed_by", "education_signed_by", "water_signed_by")


# ---- 入户核实 ----------------------------------------------------------------------------


def _officials(case: Case, ids: list[int]) -> list[User]:
    """Two different officials who may see the household (两人同行)."""
    if len(ids) != 2:
        raise DomainError(
            "two_officials_required", _("Name the two officials who visited."), field="officials"
        )
    if ids[0] == ids[1]:
        raise errors.same_official()
    found = []
    for user in User.objects.filter(pk__in=ids, is_active=True).order_by("pk"):
        sees = households_visible_to(user).filter(pk=case.household_id).exists()
        if sees and user.role in OFFICIAL_ROLES:
            found.append(user)
    if len(found) != 2:
        raise DomainError(
            "unknown_official",
            _("Both officials must be staff who work with this household."),
            field="officials",
        )
    return sorted(found, key=lambda user: ids.index(user.pk))


def _income(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return parse_amount(value, allow_negative=True)
    except InvalidAmount:
        raise invalid_amount("per_capita_income") from None


@transaction.atomic
def case_verify(
    *,
    actor: User,
    case: Case,
    visited_on: dt.date,
    officials: list[int],
    per_capita_income: Any = None,
    housing_secure: bool = True,
    education_secure: bool = True,
    medical_secure: bool = True,
    water_secure: bool = True,
    risk_types: list[str] | None = None,
    findings: str = "",
) -> Case:
    """入户核实: two officials visit the household and record what they found."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.VERIFY)
    visited_on = check_step_date(case, "visited_on", visited_on)
    people = _officials(case, list(officials))
    income = _income(per_capita_income)
    risks = sorted(
        {check_choice("risk_types", code, codes.RiskType, blank=False) for code in risk_types or []}
    )
    secure = dict(
        zip(
            SECURITY_FIELDS,
            (housing_secure, education_secure, medical_secure, water_secure),
            strict=True,
        )
    )
    details = {
        "officials": [{"id": user.pk, "name": str(user)} for user in people],
        "per_capita_income": str(income) if income is not None else None,
        **{name: bool(value) for name, value in secure.items()},
        "risk_types": risks,
        "findings": clean_text("findings", findings, optional=True),
    }
    fields: dict[str, Any] = {}
    if case.phase == Phase.IDENTIFICATION:
        fields = {"risk_types": risks, "verified_income": income}
    advance(
        actor=actor, case=case, step=Step.VERIFY, to_state=to_state, on=visited_on,
        details=details, note=str(details["findings"]), fields=fields,
    )  # fmt: skip
    return case


# ---- 村级评议 ----------------------------------------------------------------------------


def _votes(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
        raise DomainError("invalid_votes", _("Enter the number of votes."), field=name)
    return value


@transaction.atomic
def case_village_review(
    *,
    actor: User,
    case: Case,
    held_on: dt.date,
    participants: str,
    votes_for: int,
    votes_against: int,
    proposed_category: str = "",
    note: str = "",
) -> Case:
    """村级评议: the village's democratic review — who took part, the votes and the outcome."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.VILLAGE_REVIEW)
    held_on = check_step_date(case, "held_on", held_on)
    details: dict[str, Any] = {
        "participants": clean_text("participants", participants, limit=1000),
        "votes_for": _votes("votes_for", votes_for),
        "votes_against": _votes("votes_against", votes_against),
    }
    if details["votes_for"] + details["votes_against"] == 0:
        raise DomainError("invalid_votes", _("Nobody voted."), field="votes_for")
    details["passed"] = details["votes_for"] > details["votes_against"]
    fields: dict[str, Any] = {}
    if case.phase == Phase.IDENTIFICATION and proposed_category:
        category = check_choice("proposed_category", proposed_category, codes.MonitoringCategory)
        if category not in codes.categories_in_force(held_on.year):
            raise _category_not_in_force(held_on.year, "proposed_category")
        fields["proposed_category"] = details["proposed_category"] = category
    note = clean_text("note", note, optional=True)
    advance(
        actor=actor, case=case, step=Step.VILLAGE_REVIEW, to_state=to_state, on=held_on,
        details=details, note=note, fields=fields,
    )  # fmt: skip
    return case


def _category_not_in_force(year: int, field: str) -> DomainError:
    return DomainError(
        "category_not_in_force",
        _("This monitoring category is not in use in %(year)s.") % {"year": year},
        field=field,
    )


# ---- 村内公示 ----------------------------------------------------------------------------


def _last_review(case: Case) -> CaseEvent | None:
    return case.events.filter(action=Step.VILLAGE_REVIEW).order_by("-at", "-id").first()


def current_posting(case: Case) -> Posting | None:
    """The posting of the case's current phase, if it has been put up."""
    return case.postings.filter(phase=case.phase).order_by("-starts_on", "-id").first()


@transaction.atomic
def case_post(
    *,
    actor: User,
    case: Case,
    starts_on: dt.date,
    place: str,
    contact: str,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Posting:
    """村内公示: post the case in the village for 5 working days (holidays not counted)."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.POST)
    review = _last_review(case)
    if review is None or not review.details.get("passed"):
        raise DomainError(
            "review_not_passed",
            _("The village review did not pass: the case cannot be posted."),
            status=409,
        )
    starts_on = check_step_date(case, "starts_on", starts_on)
    required = deadlines.posting_working_days(starts_on)
    last_day = deadlines.posting_last_day(starts_on)
    if ends_on is not None:
        ends_on = check_date("ends_on", ends_on, not_future=False)
        covered = deadlines.posting_days_covered(starts_on, ends_on) if ends_on >= starts_on else 0
        if covered < required:
            raise errors.posting_too_short(required, covered)
    posting = Posting.objects.create(
        case=case,
        phase=case.phase,
        starts_on=starts_on,
        ends_on=ends_on or last_day,
        place=clean_text("place", place, limit=100),
        contact=clean_text("contact", contact, limit=200),
        posted_by=actor,
    )
    details = {
        "starts_on": starts_on.isoformat(),
        "ends_on": posting.ends_on.isoformat(),
        "working_days": required,
        "place": posting.place,
        "contact": posting.contact,
    }
    note = clean_text("note", note, optional=True)
    advance(
        actor=actor, case=case, step=Step.POST, to_state=to_state, on=starts_on,
        details=details, note=note,
    )  # fmt: skip
    return posting


@transaction.atomic
def posting_object(
    *, actor: User, case: Case, received_on: dt.date, content: str, objector: str = ""
) -> Objection:
    """Record an objection (异议) raised against a posting."""
    forbid(actor, OBJECTION_ROLES)
    case = lock_case(actor, case)
    posting = current_posting(case)
    if case.state not in POSTING_STATES or posting is None:
        raise DomainError(
            "not_posted", _("Objections are recorded while the case is posted."), status=409
        )
    received_on = check_date("received_on", received_on)
    if received_on < posting.starts_on:
        raise DomainError(
            "before_posting", _("This date is before the posting went up."), field="received_on"
        )
    objection = Objection.objects.create(
        posting=posting,
        received_on=received_on,
        objector=clean_text("objector", objector, limit=64, optional=True),
        content=clean_text("content", content),
        recorded_by=actor,
    )
    events.record_event(
        case=case, action=events.OBJECTION, on=received_on, actor=actor,
        details={"objection": objection.pk}, note=objection.content,
    )  # fmt: skip
    audit_case(actor, case, "case.objection", {"objection": [None, objection.content]})
    return objection


@transaction.atomic
def objection_answer(
    *, actor: User, objection: Objection, answer: str, answered_on: dt.date
) -> Objection:
    """Answer an objection (异议答复); a posting with an unanswered objection cannot proceed."""
    forbid(actor, OBJECTION_ROLES)
    case = lock_case(actor, objection.posting.case)
    objection = Objection.objects.select_for_update().get(pk=objection.pk, posting__case=case)
    if objection.is_answered:
        raise DomainError(
            "already_answered", _("This objection has already been answered."), status=409
        )
    answered_on = check_date("answered_on", answered_on)
    if answered_on < objection.received_on:
        raise DomainError(
            "before_objection",
            _("The answer cannot be dated before the objection."),
            field="answered_on",
        )
    objection.answer = clean_text("answer", answer)
    objection.answered_on, objection.answered_by = answered_on, actor
    objection.save()
    events.record_event(
        case=case, action=events.OBJECTION_ANSWER, on=answered_on, actor=actor,
        details={"objection": objection.pk}, note=objection.answer,
    )  # fmt: skip
    audit_case(actor, case, "case.objection_answer", {"answer": [None, objection.answer]})
    return objection


# ---- 乡镇联合审核 ------------------------------------------------------------------------


@transaction.atomic
def case_township_review(
    *,
    actor: User,
    case: Case,
    reviewed_on: dt.date,
    housing_signed_by: str,
    health_signed_by: str,
    education_signed_by: str,
    water_signed_by: str,
    opinion: str = "",
) -> Case:
    """乡镇联合审核: housing, health, education and water staff sign the joint review, once the
    posting period is over and every objection is answered."""
    case = lock_case(actor, case)
    to_state = require_step(actor, case, Step.TOWNSHIP_REVIEW)
    reviewed_on = check_step_date(case, "reviewed_on", reviewed_on)
    posting = current_posting(case)
    if posting is None or reviewed_on <= posting.ends_on:
        raise errors.posting_not_over(posting.ends_on if posting else reviewed_on)
    if posting.objections.filter(answered_on__isnull=True).exists():
        raise DomainError(
            "objections_unanswered",
            _("An objection to the posting is not answered yet."),
            status=409,
        )
    signed = (housing_signed_by, health_signed_by, education_signed_by, water_signed_by)
    details = {
        name: clean_text(name, value, limit=64)
        for name, value in zip(SIGN_OFFS, signed, strict=True)
    }
    details["opinion"] = clean_text("opinion", opinion, optional=True)
    advance(
        actor=actor, case=case, step=Step.TOWNSHIP_REVIEW, to_state=to_state, on=reviewed_on,
        details=details, note=details["opinion"],
    )  # fmt: skip
    return case
