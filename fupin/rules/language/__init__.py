"""The rule language: parse ▸ check ▸ compile ▸ render, in stages like sqlglot and Ibis.

    from fupin.rules.language import RuleSource, Scope, compile_rules, render
    rules = compile_rules([RuleSource("R01", "household", "household.water_safe = FALSE")],
                          scope=Scope(village_codes=frozenset({"500110103201"})))
    sql = render(rules[0], "duckdb", screening_date=date(2020, 12, 31), params={})

Imports no Django (checked by import-linter); refusals are `RuleError(code, message, line,
column)`.
"""

from fupin.rules.language.batch import BatchRule, RuleBatch, compile_batches, render_batch
from fupin.rules.language.checker import CheckedRule, check
from fupin.rules.language.compiler import (
    CompiledRule,
    EvidenceColumn,
    RuleSource,
    Scope,
    compile_rule,
    compile_rules,
)
from fupin.rules.language.errors import ErrorCode, RuleError
from fupin.rules.language.parser import parse
from fupin.rules.language.render import DIALECTS, bind, render
from fupin.rules.language.syntax import unparse

__all__ = [
    "DIALECTS",
    "BatchRule",
    "CheckedRule",
    "CompiledRule",
    "ErrorCode",
    "EvidenceColumn",
    "RuleBatch",
    "RuleError",
    "RuleSource",
    "Scope",
    "bind",
    "check",
    "compile_batches",
    "compile_rule",
    "compile_rules",
    "parse",
    "render",
    "render_batch",
    "unparse",
]
