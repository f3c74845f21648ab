from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import BootstrapForm


class ParameterValueForm(BootstrapForm):
    """A new dated value of one parameter; the action checks type, bounds and dates."""

    value = forms.CharField(label=_("Value"), max_length=40)
    starts_on = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("In force until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while it is in force."),
    )
    reference = forms.CharField(
        label=_("Document"),
        max_length=200,
        help_text=_("The number or title of the document this value follows."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "value": data["value"],
            "starts_on": data["starts_on"],
            "ends_on": data.get("ends_on"),
            "reference": data["reference"],
            "reason": data["reason"],
        }
