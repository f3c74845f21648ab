"""Why a household of a national file, or one of its rows, is refused (messages in Chinese)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from fupin.registry.national.rows import LABELS, PersonRow, Problem

if TYPE_CHECKING:
    from fupin.registry.national.load import Plan


def problem(code: str, message: Any, target: str = "") -> Problem:
    return Problem(code, LABELS.get(target, ""), message)


class HouseholdRefused(Exception):
    """A household of the file that cannot go in: every row refused, with the problem of the
    household, or (`head` given) the head's row with its problem and the others for it."""

    def __init__(
        self, rows: list[PersonRow], problem: Problem, *, head: PersonRow | None = None
    ) -> None:
        super().__init__(problem.code)
        self.rows, self.problem, self.head = rows, problem, head

    def record(self, plan: Plan) -> None:
        if self.head is None:
            plan.refuse(self.rows, self.problem)
            return
        plan.refuse([self.head], self.problem)
        plan.refuse([row for row in self.rows if row is not self.head], head_refused(self.head.row))


def head_refused(row: int) -> Problem:
    return problem(
        "head_refused",
        _("The head's row (row %(row)s) is refused, so the household is not imported.")
        % {"row": row},
    )


def unknown_village(head: PersonRow) -> Problem:
    return problem(
        "unknown_village",
        _("There is no village “%(village)s” in the area of the import.")
        % {
            "village": "/".join(
                filter(None, [head.get("place.township"), head.get("place.village")])
            )
        },
        "place.village",
    )


def display_key(key: str) -> str:
    """户编号, or "the household of row N" for a household the file gives no number."""
    if key.startswith("#"):
        return str(_("(no number, head on row %(row)s)") % {"row": key[1:]})
    return key
