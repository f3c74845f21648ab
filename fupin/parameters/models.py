"""A site's own dated values of policy parameters (the shipped ones live in fupin.policy)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User


class ParameterEdit(models.Model):
    """One dated value a site set for a parameter, with the document it follows and why.

    Append-only: a saved value is never updated; a correction is a new entry, and of two
    entries starting the same day the later one wins.
    """

    name = models.CharField(_("parameter"), max_length=64, db_index=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    reference = models.CharField(_("document"), max_length=200)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="parameter_edit_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value} ({self.starts_on})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("a saved parameter value never changes; add a new one")
        super().save(*args, **kwargs)

    @property
    def display_value(self) -> str:
        """The value without trailing zeros: 6000, 0.3."""
        return format(self.value.normalize(), "f")
