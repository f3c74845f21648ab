"""Monitoring cases (防返贫监测), their clues, timeline, postings, objections and attachments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.registry import codes
from fupin.registry.models import Household, money_field


class CaseState(models.TextChoices):
    """Where a case stands. Identification first, then (once monitored) risk elimination."""

    CLUE = "clue", _("Clue received")
    APPLIED = "applied", _("Applied")
    VERIFIED = "verified", _("Verified at home")
    VILLAGE_REVIEWED = "village_reviewed", _("Reviewed by the village")
    POSTED = "posted", _("Posted in the village")
    TOWNSHIP_REVIEWED = "township_reviewed", _("Reviewed by the township")
    MONITORED = "monitored", _("Under monitoring")
    REJECTED = "rejected", _("Not included")
    ELIMINATION_PROPOSED = "elimination_proposed", _("Risk elimination proposed")
    ELIMINATION_VERIFIED = "elimination_verified", _("Elimination verified at home")
    ELIMINATION_REVIEWED = "elimination_reviewed", _("Elimination reviewed by the village")
    ELIMINATION_POSTED = "elimination_posted", _("Elimination posted in the village")
    ELIMINATION_TOWNSHIP_REVIEWED = (
        "elimination_township_reviewed",
        _("Elimination reviewed by the township"),
    )
    ELIMINATED = "eliminated", _("Risk eliminated")


TERMINAL_STATES = frozenset({CaseState.REJECTED, CaseState.ELIMINATED})
# Before the county's decision to include (or not): the ≤ 15-day clock runs.
IDENTIFICATION_STATES = frozenset(
    {
        CaseState.CLUE,
        CaseState.APPLIED,
        CaseState.VERIFIED,
        CaseState.VILLAGE_REVIEWED,
        CaseState.POSTED,
        CaseState.TOWNSHIP_REVIEWED,
    }
)
ELIMINATION_STATES = frozenset(
    {
        CaseState.ELIMINATION_PROPOSED,
        CaseState.ELIMINATION_VERIFIED,
        CaseState.ELIMINATION_REVIEWED,
        CaseState.ELIMINATION_POSTED,
        CaseState.ELIMINATION_TOWNSHIP_REVIEWED,
    }
)
# A decision is due (and may be overdue) in these states.
PENDING_STATES = IDENTIFICATION_STATES | ELIMINATION_STATES
POSTING_STATES = frozenset({CaseState.POSTED, CaseState.ELIMINATION_POSTED})


class Channel(models.TextChoices):
    """发现渠道: how a household came to notice (POLICY.md §1)."""

    APPLICATION = "农户申请", _("Household application")
    CADRE_VISIT = "干部排查", _("Cadre visit")
    SCREENING = "部门筛查预警", _("Department screening warning")
    OTHER = "媒体/信访等其他", _("Media, petitions and other feedback")


# 风险消除方式: the registry's code list (a household keeps how its risk was eliminated).
EliminationMode = codes.EliminationMode


class Phase(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    ELIMINATION = "elimination", _("Risk elimination")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(state__in=TERMINAL_STATES)

    def pending(self) -> CaseQuerySet:
        return self.filter(state__in=PENDING_STATES)


class Case(models.Model):
    """One household's way through identification, monitoring and risk elimination.

    A household has at most one open case; after 风险已消除 or 不予纳入 a new clue opens a new
    case, and the old one stays as it was.
    """

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("household")
    )
    state = models.CharField(
        _("state"), max_length=32, choices=CaseState.choices, default=CaseState.CLUE
    )
    channel = models.CharField(_("first channel"), max_length=16, choices=Channel.choices)
    opened_on = models.DateField(_("opened on"))
    # The day a decision is due: clue + 15 days, then proposal + 15 days for elimination.
    due_on = models.DateField(_("decision due on"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    authorised = models.BooleanField(
        _("authorised the check of its economic situation"), default=False
    )
    filed_by_cadre = models.BooleanField(_("application filed by a cadre"), default=False)
    risk_types = models.JSONField(_("risk types"), default=list, blank=True)
    proposed_category = models.CharField(
        _("proposed category"), max_length=16, choices=codes.MonitoringCategory.choices, blank=True
    )
    category = models.CharField(
        _("monitoring category"),
        max_length=16,
        choices=codes.MonitoringCategory.choices,
        blank=True,
    )
    verified_income = money_field(_("per-capita income found at the visit"), null=True, blank=True)
    decided_on = models.DateField(_("identified on"), null=True, blank=True)
    rejected_on = models.DateField(_("not included on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for not including"), blank=True)
    rejected_in_state = models.CharField(max_length=32, choices=CaseState.choices, blank=True)
    elimination_mode = models.CharField(
        _("elimination mode"), max_length=8, choices=EliminationMode.choices, blank=True
    )
    elimination_proposed_on = models.DateField(_("elimination proposed on"), null=True, blank=True)
    eliminated_on = models.DateField(_("risk eliminated on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("monitoring case")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(state__in=["rejected", "eliminated"]),
                name="case_one_open_per_household",
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES

    @property
    def phase(self) -> str:
        if self.state in ELIMINATION_STATES or self.state == CaseState.ELIMINATED:
            return Phase.ELIMINATION
        return Phase.IDENTIFICATION


class Clue(models.Model):
    """A clue (线索): what was noticed, through which channel, and the evidence that came with it.

    A finding of the screening engine arrives as channel 部门筛查预警 with its evidence (rule,
    parameter and field values) and a reference, so the same finding never opens two clues.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="clues")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    description = models.TextField(_("what was noticed"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    reference = models.CharField(_("reference"), max_length=128, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("clue")


class CaseEvent(models.Model):
    """A row of the case's timeline: one step taken, by whom, on which day, with its details."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("step"), max_length=32)
    on = models.DateField(_("date"))
    from_state = models.CharField(max_length=32, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=32, choices=CaseState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")


class Posting(models.Model):
    """村内公示: a case posted in the village for the number of working days policy requires."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="postings")
    phase = models.CharField(max_length=16, choices=Phase.choices)
    starts_on = models.DateField(_("posted from"))
    ends_on = models.DateField(_("posted until"))
    place = models.CharField(_("where it is posted"), max_length=100)
    contact = models.CharField(_("where to object"), max_length=200)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="posting_end_after_start"
            )
        ]


class Objection(models.Model):
    """An objection to a posting (异议), and the answer given to it."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    objector = models.CharField(_("raised by"), max_length=64, blank=True)
    content = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]

    @property
    def is_answered(self) -> bool:
        return self.answered_on is not None


def attachment_path(instance: Any, filename: str) -> str:
    # The stored name is ours (no person's name or ID number in a path); the original is kept.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"monitoring/{instance.case_id}/{instance.token}.{suffix}"


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Photo")


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def current(self) -> AttachmentQuerySet:
        """Attachments not removed."""
        return self.filter(removed_at__isnull=True)


class Attachment(models.Model):
    """A document or photo uploaded to a case, usually to one step of its timeline; served only
    through a view that checks the reader's scope.

    A wrongly attached file is removed, not deleted: the row stays (who uploaded it, its name,
    size and SHA-256 digest, who removed it, when and why) and the file's content is erased
    from storage (docs/monitoring.md, "Removing a wrongly attached file").
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200, blank=True)
    token = models.CharField(max_length=32, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("SHA-256 digest"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(_("reason for removing"), max_length=500, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="attachment_removed_with_reason",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
