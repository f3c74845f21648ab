"""API shapes every app shares: the refusal, the error responses of reads and writes, strict
inputs, and a page of a list.

The handlers in `fupin.api` answer every refusal as `ErrorOut`; an endpoint lists the statuses
it may answer with `READ_ERRORS` or `WRITE_ERRORS` so the OpenAPI document shows the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, Self

from ninja import Field, Schema
from pydantic import ConfigDict

MAX_PAGE_SIZE = 200


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every refusal: a stable `code`, a message for people, and the field it is about."""

    code: str = Field(description="Stable error code, e.g. stale_edit, unknown_code, not_found.")
    message: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = Field(
        None, description="For invalid_request (422): one entry per invalid field."
    )


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut, **READ_ERRORS}


class InputSchema(Schema):
    """A request body. A misspelt field must not be silently dropped: the client would think
    it was saved, so unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Schema):
    """Which page of a list; the app's query adds its filters."""

    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Sliceable(Protocol):
    """What a page is cut from (a query set): counted, and sliced."""

    def count(self) -> int: ...

    def __getitem__(self, index: slice, /) -> Any: ...


class PageOut(Schema):
    """One page of a list; the app's page adds `items: list[ItemOut]`."""

    count: int = Field(description="Records matching the filters, on all pages.")
    page: int
    page_size: int

    @classmethod
    def of(cls, rows: Sliceable, query: PageQuery, item: Callable[[Any], Any]) -> Self:
        """The page `query` asks for, each row built by `item`."""
        start = (query.page - 1) * query.page_size
        chosen: Sequence[Any] = rows[start : start + query.page_size]
        fields: dict[str, Any] = {
            "count": rows.count(),
            "page": query.page,
            "page_size": query.page_size,
            "items": [item(row) for row in chosen],
        }
        return cls(**fields)
