"""Assistance measures (帮扶措施) of a household, optionally under a monitoring case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fupin.registry.models import Household, money_field


class MeasureKind(models.TextChoices):
    """帮扶措施 kinds (POLICY.md §1); values are the terms of the national measure columns."""

    INDUSTRY = "产业", pgettext_lazy("measure kind", "Industry")
    EMPLOYMENT = "就业", pgettext_lazy("measure kind", "Employment")
    PUBLIC_JOB = "公益岗位", pgettext_lazy("measure kind", "Public welfare job")
    FINANCE = "金融", pgettext_lazy("measure kind", "Finance (microcredit)")
    HEALTH = "健康", pgettext_lazy("measure kind", "Health")
    EDUCATION = "教育", pgettext_lazy("measure kind", "Education")
    HOUSING = "住房安全", pgettext_lazy("measure kind", "Housing safety")
    WATER = "饮水安全", pgettext_lazy("measure kind", "Drinking water safety")
    SOCIAL_SECURITY = (
        "综合保障",
        _("Social security (minimum living allowance, destitute support …)"),
    )
    SOCIAL_SUPPORT = "社会帮扶", pgettext_lazy("measure kind", "Social assistance")
    RELOCATION = "搬迁", pgettext_lazy("measure kind", "Relocation")
    INSURANCE_OTHER = "防贫保险/其他", pgettext_lazy("measure kind", "Poverty insurance or other")


# 开发式帮扶: industry, jobs (incl. public welfare jobs) and credit (POLICY.md §1).
DEVELOPMENT_KINDS = frozenset(
    {MeasureKind.INDUSTRY, MeasureKind.EMPLOYMENT, MeasureKind.PUBLIC_JOB, MeasureKind.FINANCE}
)


class Measure(models.Model):
    """One assistance measure: kind, what it is, who is responsible, when, and how much."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="measures", verbose_name=_("household")
    )
    case = models.ForeignKey(
        "monitoring.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("monitoring case"),
    )
    kind = models.CharField(_("kind of measure"), max_length=16, choices=MeasureKind.choices)
    content = models.CharField(_("content"), max_length=200)
    responsible = models.CharField(_("responsible person"), max_length=64)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    amount = money_field(_("amount (yuan)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household_id", "started_on", "id"]
        verbose_name = _("assistance measure")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="measure_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.content}"

    @property
    def is_development(self) -> bool:
        """开发式: industry, employment, public welfare job or finance."""
        return self.kind in DEVELOPMENT_KINDS
