"""The 监测对象台账 in the national layout (reference/national-formats.md (a)): one row per
person, header on row 3, every value as text. ID numbers, phones and health are masked unless
the user's role may see them.

The columns are the registry's (fupin.registry.national.layout), shared with the registry's
national export and the national import; the ledger adds what the monitoring case knows: since
when the household is monitored, whether, how and when its risk was eliminated, and the
assistance measures taken.
"""

from __future__ import annotations

from typing import BinaryIO

from fupin.monitoring.ledger import LedgerEntry
from fupin.registry.national.layout import HEADERS, TITLE
from fupin.registry.national.writer import HouseholdFacts, head_first, write_national

__all__ = ["ELIMINATED_TITLE", "HEADERS", "LEDGER_TITLE", "facts_of", "write_ledger"]

ELIMINATED_TITLE = "风险消除名单"
LEDGER_TITLE = TITLE


def facts_of(entry: LedgerEntry) -> HouseholdFacts:
    """What the ledger shows of a monitored household, the case's word first."""
    case = entry.case if entry.eliminated else None
    return HouseholdFacts(
        household=entry.household,
        members=head_first(entry.members),
        income=entry.income,
        risks=entry.risks,
        identified_on=entry.identified_on,
        eliminated=entry.eliminated,
        elimination_mode=case.elimination_mode if case else entry.household.elimination_mode,
        eliminated_on=case.eliminated_on if case else entry.household.risk_eliminated_on,
        measures={
            kind: [measure.content for measure in measures]
            for kind, measures in entry.measures.items()
        },
        development=any(m.is_development for ms in entry.measures.values() for m in ms),
    )


def write_ledger(
    target: BinaryIO, entries: list[LedgerEntry], *, sensitive: bool, title: str
) -> int:
    """Write the ledger workbook: title, a notes row, the national header on row 3."""
    return write_national(
        target, (facts_of(entry) for entry in entries), sensitive=sensitive, title=title
    )
