"""Import batches, saved column mappings, and one typed table per department feed.

A department row belongs to the batch that last wrote it; `natural_key` (the feed's key fields
joined, see `feeds.Feed.key_of`) is unique, so an overlapping file updates a row instead of
adding a second one. The previous values of an updated row are kept in `ReplacedRow`, which is
what a rollback restores (ADR 17).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import OrgUnit
from fupin.registry.models import Member


def money_field(label: Any, **options: Any) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=12, decimal_places=2, **options)


class BatchStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting to be read")
    STAGING = "staging", _("Reading and checking")
    NEEDS_MAPPING = "needs_mapping", _("Columns to map")
    STAGED = "staged", _("Checked, ready to promote")
    PROMOTING = "promoting", _("Promoting")
    PROMOTED = "promoted", _("Promoted")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    DISCARDED = "discarded", _("Discarded")


# A process works on a batch in these states; the sweep fails them if the process is gone.
WORKING_STATES = (BatchStatus.STAGING, BatchStatus.PROMOTING)
# A batch waits for a person in these states.
OPEN_STATES = (BatchStatus.RECEIVED, BatchStatus.NEEDS_MAPPING, BatchStatus.STAGED)


class ImportBatch(models.Model):
    """One uploaded department file and what became of its rows.

    The counts keep the invariant rows read = promoted + rejected + duplicates + unmatched
    (checked by the database); before promotion `rows_promoted` is what would be promoted.
    Blank rows are skipped and counted apart.
    """

    feed = models.CharField(_("feed"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    stored_path = models.CharField(max_length=500)
    period_year = models.PositiveSmallIntegerField(_("period year"), null=True, blank=True)
    period_month = models.PositiveSmallIntegerField(_("period month"), null=True, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.RECEIVED
    )
    dry_run = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    staged_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The process working on the batch ("host:pid") and when it last reported.
    owner = models.CharField(max_length=128, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_promoted = models.PositiveIntegerField(_("rows promoted"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("duplicate rows"), default=0)
    rows_unmatched = models.PositiveIntegerField(_("rows not in the registry"), default=0)
    rows_new = models.PositiveIntegerField(_("new rows"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated rows"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged rows"), default=0)
    rows_blank = models.PositiveIntegerField(_("blank rows"), default=0)
    sheet_name = models.CharField(max_length=64, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # {field: source header}
    mapping_name = models.CharField(max_length=64, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    missing_columns = models.JSONField(default=list, blank=True)
    error_path = models.CharField(max_length=500, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    same_file_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    rollback_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        indexes = [models.Index(fields=["feed", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rows_read=F("rows_promoted")
                    + F("rows_rejected")
                    + F("rows_duplicate")
                    + F("rows_unmatched")
                ),
                name="batch_rows_add_up",
            ),
            models.CheckConstraint(
                condition=Q(rows_promoted=F("rows_new") + F("rows_updated") + F("rows_unchanged")),
                name="batch_promoted_rows_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def adds_up(self) -> bool:
        accounted = self.rows_promoted + self.rows_rejected + self.rows_duplicate
        return self.rows_read == accounted + self.rows_unmatched

    @property
    def period_text(self) -> str:
        if self.period_year is None:
            return ""
        if self.period_month is None:
            return str(self.period_year)
        return f"{self.period_year}-{self.period_month:02d}"

    @property
    def is_working(self) -> bool:
        return self.status in (BatchStatus.RECEIVED, *WORKING_STATES)


class IssueKind(models.TextChoices):
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    UNMATCHED = "unmatched", _("Not in the registry")


class BatchIssue(models.Model):
    """A source row that is not promoted: why, and the row as it was read."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField(_("row"))
    kind = models.CharField(_("kind"), max_length=16, choices=IssueKind.choices)
    code = models.CharField(max_length=32)
    reason = models.TextField(_("reason"))
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    cells = models.JSONField(default=list)

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "kind", "row_number"])]


class ReplacedRow(models.Model):
    """The values a promoted batch overwrote in a department table, restored by a rollback."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="replaced")
    table = models.CharField(max_length=64)
    row_id = models.BigIntegerField()
    previous_batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="replaced_by_later"
    )
    values = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["batch", "table"])]


class ColumnMapping(models.Model):
    """A user's saved mapping of a department's own headers to a feed's fields."""

    name = models.CharField(_("name"), max_length=64)
    feed = models.CharField(_("feed"), max_length=32)
    columns = models.JSONField(_("columns"), default=dict)  # {field: source header}
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["feed", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "feed", "name"], name="mapping_name_unique_per_feed"
            )
        ]

    def __str__(self) -> str:
        return self.name


# ---- department tables ----------------------------------------------------------------------


class DepartmentRow(models.Model):
    """What every department row has: who (ID number, name, matched member), when (period),
    where it came from (batch, source row) and its natural key.

    Indexes (each one costs time on every row a promotion inserts, ADR 21): the natural key (a
    unique constraint: the compare and upsert of every import look rows up by it) and (batch,
    source row) (a batch's rows in file order: its sample, its rollback, the batch's foreign
    key). Nothing reads these tables by person: the screening snapshot selects by person *or*
    ID number, which no index serves, so it scans the table.

    `row_hash` is a hash of the stored values as promotion wrote them (`pipeline.compare`), so
    that comparing a file with the table reads keys and hashes, not whole rows. NULL means not
    known (rows written otherwise), and such a row is compared value by value. Anything that
    changes a row's values outside the pipeline must set it to NULL; `save` does.
    """

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_row = models.PositiveIntegerField(_("source row"))
    natural_key = models.CharField(max_length=255)  # unique: see Meta
    id_number = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("Name"), max_length=64)
    # Members are never deleted (they are marked removed), so PROTECT only guards mistakes.
    person = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    period_year = models.PositiveSmallIntegerField(_("period year"))
    period_month = models.PositiveSmallIntegerField(_("period month"), null=True, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["batch", "source_row"])]
        # A constraint, not `unique=True`: on PostgreSQL Django gives a unique text column a
        # second, `varchar_pattern_ops` index for LIKE, which nothing here runs and every
        # promoted row would pay for.
        constraints = [
            models.UniqueConstraint(
                fields=["natural_key"], name="%(app_label)s_%(class)s_natural_key"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.row_hash = None  # values written here are not what the hash was taken of
        super().save(*args, **kwargs)


class CivilAffairsBenefit(DepartmentRow):
    """民政: 低保, 特困供养 and 临时救助 recipients, per month paid."""

    benefit = models.CharField(_("benefit"), max_length=16)
    amount = money_field(_("amount"), null=True, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("civil affairs benefit")


class MedicalClaim(DepartmentRow):
    """医保: one settled inpatient or outpatient claim."""

    claim_no = models.CharField(_("claim number"), max_length=64)
    visit_type = models.CharField(_("visit type"), max_length=8)
    visit_on = models.DateField(_("visit date"))
    total_cost = money_field(_("total cost"))
    reimbursed = money_field(_("reimbursed"), null=True, blank=True)
    out_of_pocket = money_field(_("compliant out-of-pocket"), null=True, blank=True)
    hospital = models.CharField(_("hospital"), max_length=128, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("medical claim")


class StudentEnrollment(DepartmentRow):
    """教育: a pupil's enrolment status in a term, and the aid received."""

    school = models.CharField(_("school"), max_length=128, blank=True)
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    enrolment = models.CharField(_("enrolment"), max_length=8)
    aid_amount = money_field(_("aid amount"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("student enrolment")


class HousingAppraisal(DepartmentRow):
    """住建/规建: a house safety appraisal (A and B safe; C and D dangerous)."""

    grade = models.CharField(_("grade"), max_length=1)
    appraised_on = models.DateField(_("appraised on"))

    class Meta(DepartmentRow.Meta):
        verbose_name = _("housing appraisal")


class WaterCheck(DepartmentRow):
    """水利: a household's drinking water check on the four indicators."""

    safe = models.BooleanField(_("safe"))
    quantity_ok = models.BooleanField(_("quantity"), null=True, blank=True)
    quality_ok = models.BooleanField(_("quality"), null=True, blank=True)
    convenience_ok = models.BooleanField(_("convenience"), null=True, blank=True)
    reliability_ok = models.BooleanField(_("reliability"), null=True, blank=True)
    checked_on = models.DateField(_("checked on"))

    class Meta(DepartmentRow.Meta):
        verbose_name = _("water check")


class RegisterEvent(DepartmentRow):
    """公安: a death, or a move into or out of the household register."""

    event = models.CharField(_("event"), max_length=8)
    event_on = models.DateField(_("date"))

    class Meta(DepartmentRow.Meta):
        verbose_name = _("household register event")


class DisabilityCertificate(DepartmentRow):
    """残联: a disability certificate with its type and grade (1 most severe – 4)."""

    certificate_no = models.CharField(_("certificate number"), max_length=32, blank=True)
    disability_type = models.CharField(_("disability type"), max_length=16)
    grade = models.PositiveSmallIntegerField(_("grade"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("disability certificate")
        constraints = [
            *DepartmentRow.Meta.constraints,
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=4), name="disability_grade_1_to_4"
            ),
        ]


class Employment(DepartmentRow):
    """人社: work away from home, a public welfare job, or social insurance enrolment."""

    employer = models.CharField(_("employer"), max_length=128, blank=True)
    job_kind = models.CharField(_("kind"), max_length=8)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    monthly_wage = money_field(_("monthly wage"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("employment")


class BusinessRegistration(DepartmentRow):
    """市场监管: a person's role in a registered business."""

    company_name = models.CharField(_("company"), max_length=128)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    role = models.CharField(_("role"), max_length=32, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("business registration")


class VehicleRegistration(DepartmentRow):
    """车管: a vehicle registered to a person."""

    plate_no = models.CharField(_("plate number"), max_length=16)
    vehicle_type = models.CharField(_("vehicle type"), max_length=32, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("vehicle registration")


class IndustrySubsidy(DepartmentRow):
    """农业: an industry subsidy (产业补贴) paid to a person."""

    item = models.CharField(_("item"), max_length=64)
    amount = money_field(_("amount"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta(DepartmentRow.Meta):
        verbose_name = _("industry subsidy")
