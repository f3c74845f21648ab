"""Forms of the screening pages: a new rule version (refusals shown with line and column),
the dismissal reason, and the findings filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.screening.errors import RuleRefused
from fupin.screening.models import Category, FindingStatus, Rule
from fupin.screening.selectors import FindingFilters


class RuleVersionForm(forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Rule text"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace", "spellcheck": "false"}),
    )
    explanation = forms.CharField(label=_("Explanation"), max_length=500, required=False)
    reference = forms.CharField(label=_("Policy reference"), max_length=300)
    effective_from = forms.DateField(label=_("Effective from"))
    effective_to = forms.DateField(label=_("Effective to"), required=False)
    note = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusal: RuleRefused | None = None

    @classmethod
    def initial_for(cls, rule: Rule) -> RuleVersionForm:
        latest = rule.versions.order_by("-number").first()
        initial: dict[str, Any] = {"rule": rule.code}
        if latest is not None:
            initial.update(
                text=latest.text,
                explanation=latest.explanation,
                reference=latest.reference,
                effective_from=latest.effective_from,
            )
        return cls(initial=initial)

    def version(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in self.fields if key != "rule"}

    def add_refusal(self, refused: RuleRefused) -> None:
        """Shows the refusal on the field with its position (line, column)."""
        self.refusal = refused
        message = _("%(message)s (line %(line)s, column %(column)s)") % {
            "message": refused.message,
            "line": refused.line,
            "column": refused.column,
        }
        self.add_error(refused.field if refused.field in self.fields else "text", message)


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class FindingFilterForm(forms.Form):
    rule = forms.CharField(label=_("Rule"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "—"), *Category.choices]
    )
    village = forms.CharField(label=_("Village code"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *FindingStatus.choices]
    )

    def filters(self) -> FindingFilters:
        data = self.cleaned_data
        return FindingFilters(
            rule=data["rule"],
            category=data["category"],
            village=data["village"],
            status=data["status"],
        )
