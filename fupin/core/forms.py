"""The base of every page form: Bootstrap's classes on the widgets, an action's refusal on its
field, and the fields in titled groups for the shared form templates."""

from __future__ import annotations

from typing import Any

from django import forms


class BootstrapForm(forms.Form):
    """Puts Bootstrap's classes on the widgets, so templates can render any form the same way."""

    # A refusal whose field is not on the form becomes a non-field error; some forms rename.
    error_fields: dict[str, str] = {}

    # (title, field names) to show the fields in groups; None shows them all in one.
    sections: tuple[tuple[Any, tuple[str, ...]], ...] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_model_fields()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def add_model_fields(self) -> None:
        """Subclasses add fields built from model fields here."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def field_for_error(self, name: str | None) -> str | None:
        """The form field to show an action's refusal on, or None for the whole form."""
        name = self.error_fields.get(name or "", name)
        return name if name in self.fields else None

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        visible = {bound.name: bound for bound in self.visible_fields()}
        if self.sections is None:
            return [(None, list(visible.values()))]
        return [
            (title, [visible[name] for name in names if name in visible])
            for title, names in self.sections
        ]
