"""What every engine shares: the run loop over batches of rules, and hits as Arrow."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot.dialects.dialect import Dialect

from fupin.rules.engines.hits import Hit, RuleHits, all_hits, hit_table
from fupin.rules.language.batch import RuleBatch, batch_values, compile_batches, render_batch
from fupin.rules.language.compiler import CompiledRule
from fupin.rules.language.typed import Type
from fupin.rules.snapshot import Snapshot

# Runs one SQL text into an Arrow table; the mapping gives each result column's type (for an
# engine whose driver does not hand over typed columns itself).
Execute = Callable[[str, Mapping[str, Type]], pa.Table]
Progress = Callable[[CompiledRule, int], None]


class Engine(ABC):
    """Runs compiled rules over a snapshot; every engine gives the same hits.

    The rules of one subject run as one query (`language.batch`): each table is read once and
    each join or grouping built once for all of them. Results stay Arrow (`RuleHits`)."""

    name: ClassVar[str]
    dialect: ClassVar[str]

    def run_arrow(
        self,
        compiled_rules: Sequence[CompiledRule],
        *,
        snapshot: Snapshot | None,
        screening_date: dt.date,
        params: Mapping[str, object],
        income_year: int | None = None,
        progress: Progress | None = None,
    ) -> list[RuleHits]:
        """The hits of each rule, in the order of `compiled_rules`. `progress(rule, hit_count)`
        is called for each rule once the query of its batch has run."""
        batches = compile_batches(compiled_rules)

        def sql(batch: RuleBatch, tables: Mapping[str, str] | None = None) -> str:
            return render_batch(
                batch,
                self.dialect,
                screening_date=screening_date,
                params=params,
                income_year=income_year,
                tables=tables,
            )

        for batch in batches:  # a missing or ill-typed parameter is refused before loading
            batch_values(
                batch, screening_date=screening_date, params=params, income_year=income_year
            )
        needed = frozenset().union(*(batch.tables for batch in batches))
        found: dict[int, RuleHits] = {}
        with self.session(snapshot, needed) as (execute, tables):
            for batch in batches:
                for result in split(batch, execute(sql(batch, tables), batch.columns)):
                    found[id(result.rule)] = result
                    if progress is not None:
                        progress(result.rule, len(result))
        return [found[id(rule)] for rule in compiled_rules]

    def run(
        self,
        compiled_rules: Sequence[CompiledRule],
        *,
        snapshot: Snapshot | None,
        screening_date: dt.date,
        params: Mapping[str, object],
        income_year: int | None = None,
        progress: Progress | None = None,
    ) -> list[Hit]:
        """The same as `run_arrow`, as `Hit` objects: each rule's hits by subject id."""
        results = self.run_arrow(
            compiled_rules,
            snapshot=snapshot,
            screening_date=screening_date,
            params=params,
            income_year=income_year,
            progress=progress,
        )
        return all_hits(results)

    @abstractmethod
    def session(
        self, snapshot: Snapshot | None, tables: frozenset[str]
    ) -> AbstractContextManager[tuple[Execute, Mapping[str, str]]]:
        """Opens `tables` of the data: yields a function running one SQL text into an Arrow
        table (`Execute`), and where each table is to be found (a name mapping for `render`)."""


def load_dialect(name: str) -> None:
    """Loads sqlglot's dialect when an engine is made (not in its first run's time)."""
    Dialect.get_or_raise(name)


def split(batch: RuleBatch, table: pa.Table) -> list[RuleHits]:
    """Each rule's hits out of a batch's result: the rows where its condition column is true,
    with only that rule's columns (in the result's order; `RuleHits.hits()` sorts)."""
    results = []
    for member in batch.rules:
        holds = pc.fill_null(table.column(member.condition).cast(pa.bool_()), False)
        rows = table.select(["subject_id", *member.evidence]).filter(holds)
        results.append(hit_table(member.rule, rows, member.evidence))
    return results
