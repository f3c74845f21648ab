"""Domain errors: a stable code for the API, a Chinese message for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request. `code` is stable API vocabulary; `message` is shown to the user."""

    status = 400

    def __init__(
        self,
        code: str,
        message: Any,
        *,
        field: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(DomainError):
    """The object does not exist or is outside the caller's scope; the two look the same."""

    status = 404

    def __init__(self, message: Any = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__("not_found", message or _("The record does not exist."))


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: Any = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__("permission_denied", message or _("Your role may not do this."))
