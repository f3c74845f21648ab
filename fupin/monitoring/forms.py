"""Forms of the case pages. They parse what people type; the actions decide (one source of
each rule). Each step form knows the action it calls: `act(actor=…, case=…)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.accounts.scope import villages_visible_to
from fupin.assistance.models import MeasureKind
from fupin.core.forms import BootstrapForm
from fupin.monitoring import actions, events
from fupin.monitoring.models import (
    Attachment,
    Case,
    CaseEvent,
    Channel,
    EliminationMode,
    Objection,
    Phase,
)
from fupin.monitoring.selectors import CaseFilters, attachable_steps
from fupin.monitoring.transitions import OFFICIAL_ROLES, Step
from fupin.monitoring.uploads import FILE_TYPES
from fupin.registry import codes
from fupin.registry.forms import BLANK, CodeField, CodeListField, DateInput
from fupin.registry.selectors import households_visible_to

NOTE = {"rows": 2}


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _text(
    label: Any, *, required: bool = True, rows: int = 0, max_length: int = 200
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget)


class StepForm(BootstrapForm):
    """A step of the case; `date_field` is filled with today when the form opens."""

    date_field = ""
    # Each step's form calls the action of its transition (one form per step).
    act: Callable[[], Any]

    def __init__(self, *args: Any, case: Case, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.actor = case, actor
        if self.date_field and not self.is_bound:
            self.fields[self.date_field].initial = timezone.localdate()


class ApplyForm(StepForm):
    date_field = "applied_on"
    applied_on = _date(_("Signed on"))
    authorised = forms.BooleanField(
        label=_("The household authorises the check of its economic situation"), required=False
    )
    filed_by_cadre = forms.BooleanField(label=_("Filed by a cadre on its behalf"), required=False)
    note = _text(_("Note"), required=False, rows=2)

    def act(self) -> Any:
        return actions.case_apply(actor=self.actor, case=self.case, **self.cleaned_data)


def _official_choices(case: Case) -> list[tuple[str, str]]:
    staff = User.objects.filter(is_active=True, role__in=OFFICIAL_ROLES).order_by("username")
    visible = [
        user
        for user in staff.filter(~Q(org_unit=None))
        if households_visible_to(user).filter(pk=case.household_id).exists()
    ]
    return [(str(user.pk), f"{user} · {user.get_role_display()}") for user in visible]


class VerifyForm(StepForm):
    date_field = "visited_on"
    visited_on = _date(_("Visited on"))
    official_one = forms.ChoiceField(label=_("First official"))
    official_two = forms.ChoiceField(label=_("Second official"))
    per_capita_income = _text(
        _("Per-capita net income found (yuan)"), required=False, max_length=32
    )
    housing_secure = forms.BooleanField(label=_("Housing secure"), required=False, initial=True)
    education_secure = forms.BooleanField(label=_("Schooling secure"), required=False, initial=True)
    medical_secure = forms.BooleanField(
        label=_("Medical care secure"), required=False, initial=True
    )
    water_secure = forms.BooleanField(
        label=_("Drinking water secure"), required=False, initial=True
    )
    risk_types = CodeListField(
        label=_("Risk types found"), required=False, choices=codes.RiskType.choices
    )
    findings = _text(_("What the officials found"), required=False, rows=3, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [BLANK, *_official_choices(self.case)]
        for name in ("official_one", "official_two"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        if not self.is_bound:
            self.fields["official_one"].initial = str(self.actor.pk)

    error_fields = {"officials": "official_two"}

    def act(self) -> Any:
        data = dict(self.cleaned_data)
        officials = [int(data.pop("official_one")), int(data.pop("official_two"))]
        return actions.case_verify(actor=self.actor, case=self.case, officials=officials, **data)


class VillageReviewForm(StepForm):
    date_field = "held_on"
    held_on = _date(_("Held on"))
    participants = _text(_("Who took part"), rows=2, max_length=1000)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0)
    proposed_category = CodeField(
        choices=codes.MonitoringCategory.choices, label=_("Proposed monitoring category")
    )
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case.phase == Phase.ELIMINATION:
            del self.fields["proposed_category"]

    def act(self) -> Any:
        return actions.case_village_review(actor=self.actor, case=self.case, **self.cleaned_data)


class PostForm(StepForm):
    date_field = "starts_on"
    starts_on = _date(_("Posted from"))
    ends_on = _date(_("Posted until (empty: as long as policy requires)"), required=False)
    place = _text(_("Where it is posted"), max_length=100)
    contact = _text(_("Where to object (office and phone)"))
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["place"].initial = _("Village committee notice board")

    def act(self) -> Any:
        return actions.case_post(actor=self.actor, case=self.case, **self.cleaned_data)


class TownshipReviewForm(StepForm):
    date_field = "reviewed_on"
    reviewed_on = _date(_("Reviewed on"))
    housing_signed_by = _text(_("Housing staff (signed)"), max_length=64)
    health_signed_by = _text(_("Health staff (signed)"), max_length=64)
    education_signed_by = _text(_("Education staff (signed)"), max_length=64)
    water_signed_by = _text(_("Water staff (signed)"), max_length=64)
    opinion = _text(_("Opinion"), required=False, rows=2)

    def act(self) -> Any:
        return actions.case_township_review(actor=self.actor, case=self.case, **self.cleaned_data)


class ApproveMonitoringForm(StepForm):
    date_field = "decided_on"
    decided_on = _date(_("Decided on"))
    category = CodeField(choices=codes.MonitoringCategory.choices, label=_("Monitoring category"))
    risk_types = CodeListField(
        label=_("Risk types"), required=False, choices=codes.RiskType.choices
    )
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["category"].initial = self.case.proposed_category
            self.fields["risk_types"].initial = self.case.risk_types

    def act(self) -> Any:
        return actions.case_approve_monitoring(
            actor=self.actor, case=self.case, **self.cleaned_data
        )


class RejectForm(StepForm):
    date_field = "rejected_on"
    rejected_on = _date(_("Decided on"))
    reason = _text(_("Reason for not including"), rows=2, max_length=2000)

    def act(self) -> Any:
        return actions.case_reject(actor=self.actor, case=self.case, **self.cleaned_data)


class ProposeEliminationForm(StepForm):
    date_field = "proposed_on"
    proposed_on = _date(_("Proposed on"))
    mode = CodeField(choices=EliminationMode.choices, label=_("Elimination mode"))
    note = _text(_("Note"), required=False, rows=2)

    def act(self) -> Any:
        return actions.case_propose_elimination(
            actor=self.actor, case=self.case, **self.cleaned_data
        )


class ApproveEliminationForm(StepForm):
    date_field = "eliminated_on"
    eliminated_on = _date(_("Decided on"))
    note = _text(_("Note"), required=False, rows=2)

    def act(self) -> Any:
        return actions.case_approve_elimination(
            actor=self.actor, case=self.case, **self.cleaned_data
        )


class KeepMonitoringForm(StepForm):
    date_field = "on"
    on = _date(_("Decided on"))
    reason = _text(_("Why the risk is not eliminated"), rows=2, max_length=2000)

    def act(self) -> Any:
        return actions.case_keep_monitoring(actor=self.actor, case=self.case, **self.cleaned_data)


class MeasureForm(StepForm):
    date_field = "started_on"
    kind = CodeField(choices=MeasureKind.choices, label=_("Kind of measure"))
    content = _text(_("Content"))
    responsible = _text(_("Responsible person"), max_length=64)
    started_on = _date(_("Started on"))
    ended_on = _date(_("Ended on"), required=False)
    amount = _text(_("Amount (yuan)"), required=False, max_length=32)

    def act(self) -> Any:
        return actions.case_add_measure(actor=self.actor, case=self.case, **self.cleaned_data)


class ObjectionForm(StepForm):
    date_field = "received_on"
    received_on = _date(_("Received on"))
    objector = _text(_("Raised by"), required=False, max_length=64)
    content = _text(_("Objection"), rows=2, max_length=2000)

    def act(self) -> Any:
        return actions.posting_object(actor=self.actor, case=self.case, **self.cleaned_data)


def _step_choice(event: CaseEvent) -> tuple[int, str]:
    return event.pk, f"{date_format(event.on, 'Y-m-d')} {events.label(event.action)}"


class AttachmentForm(StepForm):
    """A document or photo for the case, attached to one of its steps (or to the whole case).
    The action checks the file (type, content, size) and that the step is the case's."""

    # A number chosen from the case's steps; a step of another case is the action's refusal.
    event = forms.IntegerField(label=_("Attach to the step"), required=False, widget=forms.Select)
    file = forms.FileField(label=_("File"))
    description = _text(_("Description"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["event"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [
            ("", _("The case as a whole")),
            *(_step_choice(event) for event in attachable_steps(case=self.case)),
        ]
        upload = self.fields["file"]
        limit = {"limit": settings.MONITORING_ATTACHMENT_MAX_MB}
        upload.help_text = (
            _("PDF, OFD, JPEG, PNG, WebP, Word, Excel or WPS; at most %(limit)s MB.") % limit
        )
        upload.widget.attrs["accept"] = ",".join(f".{ext}" for ext in FILE_TYPES)

    def act(self) -> Any:
        return actions.attachment_add(
            actor=self.actor,
            case=self.case,
            upload=self.cleaned_data["file"],
            description=self.cleaned_data["description"],
            event_id=self.cleaned_data["event"],
        )


class RemoveAttachmentForm(BootstrapForm):
    """Why a wrongly attached file is taken off the case (kept in the timeline and the audit)."""

    reason = _text(_("Why it is removed"), max_length=500)

    def __init__(self, *args: Any, attachment: Attachment, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attachment, self.actor = attachment, actor
        self.fields["reason"].widget.attrs["placeholder"] = _(
            "e.g. attached to the wrong household"
        )

    def act(self) -> Any:
        return actions.attachment_remove(
            actor=self.actor, attachment=self.attachment, reason=self.cleaned_data["reason"]
        )


class AnswerForm(BootstrapForm):
    answered_on = _date(_("Answered on"))
    answer = _text(_("Answer"), rows=2, max_length=2000)

    def __init__(self, *args: Any, objection: Objection, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objection, self.actor = objection, actor
        if not self.is_bound:
            self.fields["answered_on"].initial = timezone.localdate()

    def act(self) -> Any:
        return actions.objection_answer(
            actor=self.actor, objection=self.objection, **self.cleaned_data
        )


# step (or casework) ▸ (URL slug, form)
STEP_FORMS: dict[str, tuple[str, type[StepForm]]] = {
    Step.APPLY: ("apply", ApplyForm),
    Step.VERIFY: ("verify", VerifyForm),
    Step.VILLAGE_REVIEW: ("village-review", VillageReviewForm),
    Step.POST: ("post", PostForm),
    Step.TOWNSHIP_REVIEW: ("township-review", TownshipReviewForm),
    Step.APPROVE_MONITORING: ("approve-monitoring", ApproveMonitoringForm),
    Step.REJECT: ("reject", RejectForm),
    Step.PROPOSE_ELIMINATION: ("propose-elimination", ProposeEliminationForm),
    Step.APPROVE_ELIMINATION: ("approve-elimination", ApproveEliminationForm),
    Step.KEEP_MONITORING: ("keep-monitoring", KeepMonitoringForm),
}
CASEWORK_FORMS: dict[str, tuple[str, type[StepForm]]] = {
    "measure": ("measures", MeasureForm),
    "objection": ("objections", ObjectionForm),
    "attachment": ("attachments", AttachmentForm),
}


class ClueForm(BootstrapForm):
    """A new clue for a household, found by its 户编号."""

    national_number = _text(_("Household number"), max_length=32)
    channel = CodeField(choices=Channel.choices, label=_("Channel"))
    received_on = _date(_("Received on"))
    description = _text(_("What was noticed"), required=False, rows=3, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["received_on"].initial = timezone.localdate()


class CaseFilterForm(BootstrapForm):
    village = forms.ChoiceField(label=_("Village"), required=False)
    state = forms.ChoiceField(label=_("Step"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[BLANK, *Channel.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        from fupin.monitoring.models import CaseState

        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        state = self.fields["state"]
        assert isinstance(village, forms.ChoiceField) and isinstance(state, forms.ChoiceField)
        village.choices = [BLANK, *((v.code, v.name) for v in villages_visible_to(user))]
        state.choices = [BLANK, *CaseState.choices]

    def filters(self) -> CaseFilters:
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return CaseFilters(
            village=data.get("village", ""),
            state=data.get("state", ""),
            channel=data.get("channel", ""),
            overdue=bool(data.get("overdue")),
        )
