"""Forms of the registry pages. They only parse what people type; the actions decide.

Code-list fields are offered as selects but checked by the action (one source of each rule),
amounts are typed as text and parsed by the action, and each edit form carries the household
version it was opened at (ADR 5).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import OrgUnit, OrgUnitKind, User
from fupin.accounts.scope import units_visible_to, villages_visible_to
from fupin.core.errors import DomainError
from fupin.core.forms import BootstrapForm
from fupin.registry import codes, fieldsets
from fupin.registry.actions import INCOME_FIELDS
from fupin.registry.models import Household, IncomeRecord, Member, RemovalReason
from fupin.registry.selectors import HouseholdFilters
from fupin.registry.validation import check_phone

BLANK = ("", "—")

# Household facts edited on the household form; 户类型 and 监测对象类别 have their own form.
HOUSEHOLD_FACT_FIELDS = (
    "national_number",
    "address",
    "phone",
    *fieldsets.CAUSE_FIELDS,
    "fully_incapable",
    "military_family",
    *fieldsets.HOUSING_FIELDS,
    *fieldsets.LAND_FIELDS,
)
HOUSEHOLD_REGISTER_FIELDS = (
    "national_number",
    "address",
    "phone",
    "household_type",
    "monitoring_category",
    "main_cause",
    "second_cause",
    "third_cause",
    "fully_incapable",
    "military_family",
    "housing_grade",
    "house_area",
)
# Sex and birth date are read from the ID number by the action, so they are not asked for.
MEMBER_PERSON_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "relation",
    "ethnicity",
    "political_status",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "phone",
)
MEMBER_WORK_FIELDS = (
    "labour_skill",
    "work_place",
    "work_months",
    "public_job",
    "public_job_months",
)
MEMBER_FLAG_FIELDS = fieldsets.INSURANCE_FIELDS + fieldsets.SUPPORT_FIELDS
MEMBER_FORM_FIELDS = MEMBER_PERSON_FIELDS + MEMBER_WORK_FIELDS + MEMBER_FLAG_FIELDS
MEMBER_SECTIONS = (
    (_("Person"), MEMBER_PERSON_FIELDS),
    (_("Work"), MEMBER_WORK_FIELDS),
    (_("Insurance and social assistance"), MEMBER_FLAG_FIELDS),
)
HEAD_FORM_FIELDS = tuple(name for name in MEMBER_FORM_FIELDS if name != "relation")
SENSITIVE_MEMBER_FIELDS = ("id_number", "phone", "health")


class CodeField(forms.CharField):
    """A code-list value offered as a select; the action checks it against the code list."""

    def __init__(self, *, choices: Any, blank: bool = True, **kwargs: Any) -> None:
        options = [BLANK, *choices] if blank else list(choices)
        kwargs.setdefault("required", False)
        super().__init__(widget=forms.Select(choices=options), **kwargs)


class CodeListField(forms.MultipleChoiceField):
    """Several code-list values as checkboxes; the action checks each value."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: Any) -> bool:
        return True


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def model_field(model: type[models.Model], name: str, **overrides: Any) -> forms.Field:
    """The form field for a model field, with the model's label, default and code list."""
    db_field = model._meta.get_field(name)
    assert isinstance(db_field, models.Field)
    label = capfirst(db_field.verbose_name)
    initial = db_field.get_default() if db_field.has_default() else None
    if db_field.choices:
        return CodeField(choices=db_field.choices, label=label, initial=initial, **overrides)
    if isinstance(db_field, models.DateField):
        overrides.setdefault("widget", DateInput())
    field = db_field.formfield(**overrides)
    assert field is not None
    return field


def model_fields(model: type[models.Model], names: tuple[str, ...]) -> dict[str, forms.Field]:
    fields = {name: model_field(model, name) for name in names}
    if model is Member and "name" in fields:
        # "name" is also the org unit's name in accounts; a person's name reads differently.
        fields["name"].label = _("Name")
    return fields


class VersionedForm(BootstrapForm):
    """An edit of a household file, refused if the file changed since the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def _village_choices(user: User) -> list[tuple[str, str]]:
    return [(v.code, v.name) for v in villages_visible_to(user)]


def _group_choices(user: User) -> list[tuple[str, Any]]:
    """Groups in the user's villages, grouped by village for the select."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    groups = (
        units_visible_to(user)
        .filter(kind=OrgUnitKind.GROUP)
        .select_related("parent")
        .order_by("path")
    )
    for group in groups:
        parent: OrgUnit | None = group.parent
        grouped.setdefault(parent.name if parent else "", []).append((group.code, group.name))
    return list(grouped.items())


class HouseholdFilterForm(BootstrapForm):
    """The search box and filters of the household list (a GET form)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, ID number or household number"), "type": "search"}
        ),
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    group = forms.ChoiceField(label=_("Group"), required=False)
    household_type = forms.ChoiceField(
        label=_("Household type"),
        required=False,
        choices=[BLANK, *codes.HouseholdType.choices],
    )
    monitoring_category = forms.ChoiceField(
        label=_("Monitoring category"),
        required=False,
        choices=[BLANK, *codes.MonitoringCategory.choices],
    )
    cause = forms.ChoiceField(
        label=_("Cause of poverty"),
        required=False,
        choices=[BLANK, *codes.PovertyCause.choices],
    )
    risk_type = forms.ChoiceField(
        label=_("Risk type"), required=False, choices=[BLANK, *codes.RiskType.choices]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village_field = self.fields["village"]
        group_field = self.fields["group"]
        assert isinstance(village_field, forms.ChoiceField)
        assert isinstance(group_field, forms.ChoiceField)
        villages = _village_choices(user)
        if not villages:
            # A helper cadre's households are paired, not a unit: no place to filter by.
            del self.fields["village"], self.fields["group"]
            return
        village_field.choices = [BLANK, *villages]
        group_field.choices = [BLANK, *_group_choices(user)]

    def filters(self) -> HouseholdFilters:
        """The filters asked for; a value that is not on offer is ignored."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return HouseholdFilters(
            q=data.get("q", ""),
            village=data.get("village", ""),
            group=data.get("group", ""),
            household_type=data.get("household_type", ""),
            monitoring_category=data.get("monitoring_category", ""),
            cause=data.get("cause", ""),
            risk_type=data.get("risk_type", ""),
        )


class PlaceFields(BootstrapForm):
    """Village and group, offered within the user's scope; the action resolves them."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = _village_choices(user)
        self.fields["village"].widget.choices = [BLANK, *villages]
        self.fields["group"].widget.choices = [BLANK, *_group_choices(user)]
        if len(villages) == 1:
            self.fields["village"].initial = villages[0][0]

    def add_model_fields(self) -> None:
        self.fields["village"] = CodeField(choices=[], label=_("Village"))
        self.fields["group"] = CodeField(choices=[], label=_("Group"))
        self.order_fields(["village", "group"])


class HouseholdRegisterForm(PlaceFields):
    """登记新户: the household and its head (户主)."""

    error_fields = {name: f"head_{name}" for name in HEAD_FORM_FIELDS}
    sections = (
        (_("Place"), ("village", "group")),
        (_("Household"), HOUSEHOLD_REGISTER_FIELDS),
        (_("Head of household"), tuple(f"head_{name}" for name in HEAD_FORM_FIELDS)),
    )

    def add_model_fields(self) -> None:
        super().add_model_fields()
        self.fields.update(model_fields(Household, HOUSEHOLD_REGISTER_FIELDS))
        for name, field in model_fields(Member, HEAD_FORM_FIELDS).items():
            self.fields[f"head_{name}"] = field

    def clean_phone(self) -> str:
        # The action reports the head's phone under the same name, so the household's phone
        # is checked here, with the action's own rule, to tell the two apart.
        try:
            return check_phone("phone", self.cleaned_data.get("phone", ""))
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None

    def household_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in HOUSEHOLD_REGISTER_FIELDS}

    def head_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[f"head_{name}"] for name in HEAD_FORM_FIELDS}


class HouseholdFactsForm(VersionedForm, PlaceFields):
    """Edit a household's facts: place, address, causes, housing, water, land."""

    reason = forms.CharField(label=_("Note on this change"), required=False, max_length=200)
    sections = (
        (_("Place"), ("village", "group", "address", "national_number", "phone")),
        (
            _("Causes of poverty"),
            (*fieldsets.CAUSE_FIELDS, "fully_incapable", "military_family"),
        ),
        (
            _("Housing and living conditions"),
            (
                "housing_grade",
                "house_area",
                "water_safe",
                "electricity",
                "sanitary_toilet",
                "road_hardened",
                "distance_to_road_km",
            ),
        ),
        (
            _("Land"),
            (
                "arable_land_mu",
                "forest_land_mu",
                "returned_farmland_mu",
                "orchard_mu",
                "pasture_mu",
                "water_surface_mu",
            ),
        ),
        (None, ("reason",)),
    )

    def __init__(self, *args: Any, sensitive: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sensitive:
            del self.fields["phone"]

    def add_model_fields(self) -> None:
        super().add_model_fields()
        self.fields.update(model_fields(Household, HOUSEHOLD_FACT_FIELDS))

    def data_for_action(self) -> dict[str, Any]:
        names = ("village", "group", *HOUSEHOLD_FACT_FIELDS)
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


def household_facts_initial(household: Household) -> dict[str, Any]:
    values = {name: getattr(household, name) for name in HOUSEHOLD_FACT_FIELDS}
    return {
        **values,
        "village": household.village.code,
        "group": household.group.code if household.group else "",
        "version": household.version,
    }


class MemberForm(VersionedForm):
    """Add or edit a person. Without the right to see ID numbers, phones and health, those
    fields are left out rather than shown masked and written back."""

    sections = MEMBER_SECTIONS

    def __init__(self, *args: Any, sensitive: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sensitive:
            for name in SENSITIVE_MEMBER_FIELDS:
                del self.fields[name]

    def add_model_fields(self) -> None:
        self.fields.update(model_fields(Member, MEMBER_FORM_FIELDS))

    def data_for_action(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MEMBER_FORM_FIELDS if name in self.fields}


def member_initial(member: Member, version: int) -> dict[str, Any]:
    return {**{name: getattr(member, name) for name in MEMBER_FORM_FIELDS}, "version": version}


class MemberRemoveForm(VersionedForm):
    """Remove a person from the household (the record stays, marked removed)."""

    reason = CodeField(choices=RemovalReason.choices, label=_("Reason for removal"))
    removed_on = forms.DateField(label=_("Removed on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class IncomeForm(VersionedForm):
    """A year's income. Amounts are text, so '12,000' and '12000元' are accepted."""

    year = forms.IntegerField(label=_("Year"))
    household_size = forms.IntegerField(
        label=_("Household size"),
        required=False,
        help_text=_("Leave empty to use the number of people now in the household."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def add_model_fields(self) -> None:
        for name in INCOME_FIELDS:
            db_field = IncomeRecord._meta.get_field(name)
            assert isinstance(db_field, models.Field)
            self.fields[name] = forms.CharField(
                label=capfirst(db_field.verbose_name),
                required=False,
                max_length=32,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        self.order_fields(["year", *INCOME_FIELDS, "household_size", "note"])

    def amounts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in INCOME_FIELDS}


def income_initial(record: IncomeRecord | None, year: int, version: int) -> dict[str, Any]:
    if record is None:
        return {"year": year, "version": version}
    amounts = {name: getattr(record, name) for name in INCOME_FIELDS}
    return {
        **amounts,
        "year": record.year,
        "household_size": record.household_size,
        "note": record.note,
        "version": version,
    }


class StatusChangeForm(VersionedForm):
    """Change 户类型 or 监测对象类别 on a date, with the reason."""

    household_type = CodeField(choices=codes.HouseholdType.choices, label=_("Household type"))
    monitoring_category = CodeField(
        choices=codes.MonitoringCategory.choices, label=_("Monitoring category")
    )
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RiskForm(VersionedForm):
    """The household's risk types (several allowed)."""

    risk_types = CodeListField(
        label=_("Risk types"), required=False, choices=codes.RiskType.choices
    )
    noted_on = forms.DateField(label=_("Noted on"), required=False, widget=DateInput())
