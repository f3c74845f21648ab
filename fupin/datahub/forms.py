"""Forms of the data hub pages. They only parse what people type; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import BootstrapForm
from fupin.datahub.feeds import Source
from fupin.datahub.models import ColumnMapping
from fupin.datahub.pipeline.columns import CONSTANT
from fupin.registry.forms import BLANK


class UploadForm(BootstrapForm):
    feed = forms.ChoiceField(label=_("Feed"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK), .xlsx or .xls, as the department sent it."),
    )
    period = forms.CharField(
        label=_("Period of the file"),
        required=False,
        max_length=16,
        help_text=_(
            "The month (2020-03) or year (2020), if the rows carry no period of their own."
        ),
    )
    mapping = forms.ChoiceField(
        label=_("Saved column mapping"),
        required=False,
        help_text=_("Leave empty when the file has the preset headers."),
    )

    def __init__(
        self, *args: Any, feeds: list[Source], mappings: list[ColumnMapping], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        feed_field = self.fields["feed"]
        mapping_field = self.fields["mapping"]
        assert isinstance(feed_field, forms.ChoiceField)
        assert isinstance(mapping_field, forms.ChoiceField)
        feed_field.choices = [(feed.code, f"{feed.department} · {feed.name}") for feed in feeds]
        mapping_field.choices = [BLANK, *sorted({(m.name, m.name) for m in mappings})]


class MappingForm(BootstrapForm):
    """For each field of the feed: the column of the file that holds it, or a fixed value."""

    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=64,
        help_text=_("Give a name to use the same mapping for the department's next file."),
    )

    def __init__(self, *args: Any, feed: Source, headers: list[str], **kwargs: Any) -> None:
        self.feed = feed
        super().__init__(*args, **kwargs)
        choices = [BLANK, *[(text, text) for text in headers if text]]
        for column in feed.columns:
            label = f"{column.preset}{' *' if column.required else ''}"
            self.fields[column.field] = forms.ChoiceField(
                label=label, required=False, choices=choices
            )
            self.fields[column.field].widget.attrs["class"] = "form-select"
            self.fields[f"{column.field}__fixed"] = forms.CharField(
                label=_("or the same value for every row"), required=False, max_length=64
            )
            self.fields[f"{column.field}__fixed"].widget.attrs["class"] = "form-control"
        self.order_fields([*self.pairs_order(), "save_as"])

    def pairs_order(self) -> list[str]:
        return [name for c in self.feed.columns for name in (c.field, f"{c.field}__fixed")]

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[c.field], self[f"{c.field}__fixed"]) for c in self.feed.columns]

    def columns(self) -> dict[str, str]:
        chosen: dict[str, str] = {}
        for column in self.feed.columns:
            fixed = self.cleaned_data.get(f"{column.field}__fixed", "").strip()
            header = self.cleaned_data.get(column.field, "")
            if fixed:
                chosen[column.field] = CONSTANT + fixed
            elif header:
                chosen[column.field] = header
        return chosen


def mapping_initial(mapping: dict[str, str]) -> dict[str, str]:
    initial: dict[str, str] = {}
    for field, source in mapping.items():
        if source.startswith(CONSTANT):
            initial[f"{field}__fixed"] = source[len(CONSTANT) :]
        else:
            initial[field] = source
    return initial


class RollbackForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason for the rollback"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
