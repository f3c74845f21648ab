"""API shapes of accounts."""

from __future__ import annotations

from ninja import Field, Schema


class UnitRefOut(Schema):
    """An org unit as clients refer to it: its statistical code and its name."""

    code: str = Field(description="Statistical code (统计用区划代码) of the unit.")
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str = Field(description="Role code, e.g. village_cadre.")
    role_label: str = Field(description="The role's name in the request's language.")
    unit: UnitRefOut | None = Field(description="The org unit the user works at.")
    unit_kind: str = Field(description="county, township, village, department …")
    capabilities: list[str] = Field(
        description="What the role may do, e.g. registry.edit; clients show or hide actions by it."
    )
