"""Syntax tree ▸ checked, typed tree (names resolved against the catalog, types enforced).

`core` holds names, operators and types; `functions` the functions and aggregates.
"""

from fupin.rules.language.checker.core import CheckedRule, Checker, check

__all__ = ["CheckedRule", "Checker", "check"]
