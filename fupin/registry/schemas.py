"""API shapes of the registry."""

from __future__ import annotations

from ninja import Schema


class CountOut(Schema):
    households: int
    people: int


class SummaryRowOut(Schema):
    village_code: str
    village_name: str
    households: int
    people: int
    by_type: dict[str, CountOut]
    by_category: dict[str, CountOut]
