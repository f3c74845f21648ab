"""API shapes of policy parameters: the value in force, the shipped entries, the site's own."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from fupin.core.schemas import InputSchema
from fupin.parameters.models import ParameterEdit
from fupin.parameters.selectors import ParameterRow
from fupin.policy import parameters as policy


class EntryOut(Schema):
    value: str = Field(description="Exact decimal text, e.g. 6000 or 0.3.")
    starts_on: dt.date
    ends_on: dt.date | None
    province: str = Field(description="6-digit province code; empty: nationwide.")
    reference: str = Field(description="The document the value follows.")
    uncertain: bool = Field(description="An editable default the documents did not confirm.")

    @staticmethod
    def build(entry: policy.ParameterValue) -> EntryOut:
        return EntryOut(
            value=str(entry.value),
            starts_on=entry.starts_on,
            ends_on=entry.ends_on,
            province=entry.province,
            reference=entry.reference,
            uncertain=entry.uncertain,
        )


class SiteValueOut(Schema):
    id: int
    value: str
    starts_on: dt.date
    ends_on: dt.date | None
    reference: str
    reason: str
    set_by: str
    set_at: dt.datetime

    @staticmethod
    def build(edit: ParameterEdit) -> SiteValueOut:
        return SiteValueOut(
            id=edit.pk,
            value=edit.display_value,
            starts_on=edit.starts_on,
            ends_on=edit.ends_on,
            reference=edit.reference,
            reason=edit.reason,
            set_by=edit.created_by.get_username(),
            set_at=edit.created_at,
        )


class ParameterOut(Schema):
    name: str
    label: str
    kind: str = Field(description="integer or decimal.")
    minimum: str
    maximum: str | None
    value: EntryOut | None = Field(description="The value in force on the day asked.")
    set_by_site: bool = Field(description="The value in force is one this site set.")
    shipped: list[EntryOut] = Field(description="The cited values shipped with fupin.")
    site_values: list[SiteValueOut] = Field(description="This site's values, newest first.")

    @staticmethod
    def build(row: ParameterRow, edits: list[ParameterEdit]) -> ParameterOut:
        parameter = policy.all_parameters()[row.name]
        return ParameterOut(
            name=row.name,
            label=row.label,
            kind=row.kind,
            minimum=str(row.minimum),
            maximum=None if row.maximum is None else str(row.maximum),
            value=EntryOut.build(row.value) if row.value else None,
            set_by_site=row.edited,
            shipped=[EntryOut.build(entry) for entry in parameter.values],
            site_values=[SiteValueOut.build(edit) for edit in edits],
        )


class SiteValueIn(InputSchema):
    value: str = Field(max_length=40, description="A number; whole for integer parameters.")
    starts_on: dt.date
    ends_on: dt.date | None = None
    reference: str = Field(max_length=200)
    reason: str = Field(max_length=2000)
