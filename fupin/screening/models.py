"""Rules and their versions, screening runs, and findings (one per rule, subject and year)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import OrgUnit
from fupin.registry.models import Household, Member


class Category(models.TextChoices):
    RISK = "返贫致贫风险预警", _("Risk of (returning to) poverty")
    ASSURANCES = "三保障和饮水", _("Three assurances and drinking water")
    DATA_QUALITY = "数据质量", _("Data quality")
    POLICY = "政策落实", _("Policy implementation")


class Subject(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    PERSON = "person", _("Person")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Rule(models.Model):
    """A screening rule: what it is called and looks at. Its text lives in its versions."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleVersion(models.Model):
    """One published text of a rule. Never changed: an edit makes the next version."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("rule text"))
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)
    reference = models.CharField(_("policy reference"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    # The catalog tables the text reads (set from the compiled rule; department staff see
    # the findings of rules that read their department's tables).
    tables = models.JSONField(default=list)
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} v{self.number}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Run(models.Model):
    """One screening run: who, when, on which engine and scope, with which rule versions."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    engine = models.CharField(_("engine"), max_length=16, default="duckdb")
    units = models.ManyToManyField(OrgUnit, related_name="+", verbose_name=_("scope"))
    screening_date = models.DateField(_("screening date"))
    rule_versions = models.ManyToManyField(RuleVersion, related_name="runs")
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    rules_total = models.PositiveIntegerField(default=0)
    rules_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)  # {rule_code: {new, open, resolved}}
    subjects = models.PositiveIntegerField(_("subjects screened"), default=0)
    duration_s = models.FloatField(null=True, blank=True)
    snapshot_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def period(self) -> int:
        return self.screening_date.year

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")
    SENT = "sent_to_monitoring", _("Sent to monitoring")


class Finding(models.Model):
    """A rule's condition held for a subject in a screening year, with the values that made it
    hold (fields and parameters). A rerun finds the same row again; it is never duplicated."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="findings")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(max_length=16, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("screening year"))
    status = models.CharField(
        _("status"), max_length=24, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    evidence = models.JSONField(default=dict)
    first_seen_run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+")
    last_seen_run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+")
    resolved_run = models.ForeignKey(
        Run, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_reason = models.CharField(_("reason for dismissal"), max_length=300, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    clue_id = models.PositiveBigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule_id", "village_id", "subject_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id", "period"],
                name="finding_one_per_rule_subject_period",
            ),
            models.CheckConstraint(
                condition=Q(subject_type="household") | Q(member__isnull=False),
                name="finding_person_has_member",
            ),
        ]
        indexes = [models.Index(fields=["status", "village"])]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.subject_type} {self.subject_id} {self.period}"

    @property
    def reference(self) -> str:
        """The stable name of the finding, for the monitoring clue it may become."""
        return f"screening:{self.pk}"
