"""A finding's evidence as people see it: masked where the catalog marks a value sensitive
(unless the role may see it), and the rule's explanation with the values filled in."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from fupin.core.masking import mask_id_number, mask_phone, mask_text
from fupin.rules.catalog import default_catalog

if TYPE_CHECKING:
    from fupin.screening.models import Finding

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
REFERENCE = re.compile(r"\b([a-z_]+)\.([a-z_]+)\b")


@cache
def sensitive_columns() -> dict[str, frozenset[str]]:
    """{qualifier or table name: its sensitive columns} from the catalog's `sensitive` flags."""
    catalog = default_catalog()
    by_table = {
        name: frozenset(c.name for c in table.columns.values() if c.sensitive)
        for name, table in catalog.tables.items()
    }
    by_qualifier = {name: by_table[q.table] for name, q in catalog.qualifiers.items()}
    return {**by_table, **by_qualifier}


def sensitive_column(key: str) -> str | None:
    """The sensitive column an evidence key reads (`person.phone` ▸ "phone"), if any."""
    sensitive = sensitive_columns()
    for owner, column in REFERENCE.findall(key):
        if column in sensitive.get(owner, frozenset()):
            return str(column)
    return None


def mask_value(column: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return (
            value
            if column not in ("id_number", "phone", "name", "health")
            else mask_text(str(value))
        )
    text = str(value)
    if column == "id_number" or column == "certificate_no":
        return mask_id_number(text)
    if column == "phone":
        return mask_phone(text)
    if column == "name":
        return text[:1] + "*" * (len(text) - 1) if text else text
    return mask_text(text)


def masked_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """The evidence with every sensitive value masked."""
    shown = {}
    for key, value in evidence.items():
        column = sensitive_column(key)
        shown[key] = mask_value(column, value) if column else value
    return shown


def evidence_for(evidence: dict[str, Any], *, masked: bool) -> dict[str, Any]:
    return masked_evidence(evidence) if masked else dict(evidence)


def _text(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "—" if value is None else str(value)


def explain(finding: Finding, *, masked: bool) -> str:
    """The rule version's explanation with the finding's values (masked as the role needs)."""
    values = evidence_for(finding.evidence, masked=masked)
    template = finding.rule_version.explanation or finding.rule.name
    return PLACEHOLDER.sub(lambda m: _text(values.get(m.group(1))), template)
