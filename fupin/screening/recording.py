"""Writing a run's findings, set-based: hits go from Arrow into a temporary table, and a few
statements open, refresh, reopen and resolve findings — no model object per hit.

In the caller's transaction (the one that marks the run succeeded):
1. stage: every hit (rule, version, subject, evidence JSON) into `screening_run_hits` — COPY
   from Arrow-written CSV on PostgreSQL, executemany on SQLite;
2. place: household, member and village of each subject from the registry; a subject no
   longer in the registry (removed since the snapshot) is dropped;
3. count: per rule, new (no finding, or a resolved one found again), open (found again) and
   resolved (an open finding of the run's rules and villages not found again);
4. write: found-again findings take the new version, evidence and run (resolved ones reopen;
   dismissed and sent ones keep their status); open ones not found are resolved; new ones are
   inserted. One finding per (rule, subject, year) — the unique key the statements join on.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection
from django.utils import timezone

from fupin.accounts.models import OrgUnit
from fupin.registry.models import Household, Member
from fupin.rules.engines import RuleHits
from fupin.screening.models import Finding, FindingStatus, RuleVersion, Run

STAGE = "screening_run_hits"
STAGE_COLUMNS = ("rule_id", "rule_version_id", "subject_type", "subject_id", "evidence")
INSERT_BATCH = 5_000


def record_findings(
    run: Run,
    versions: Sequence[RuleVersion],
    villages: Sequence[OrgUnit],
    results: Sequence[RuleHits],
) -> dict[str, dict[str, int]]:
    """Open, refresh and resolve the findings of the run's rules in its area (in the caller's
    transaction); answers {rule code: {new, open, resolved}}."""
    by_code = {version.rule.code: version for version in versions}
    with connection.cursor() as cursor:
        sql = Statements(connection.vendor)
        for statement in sql.create_stage():
            cursor.execute(statement)
        stage_hits(cursor, sql, [(result, by_code[result.rule.code]) for result in results])
        for statement in sql.place():
            cursor.execute(statement)
        rule_ids = [version.rule_id for version in versions]
        area = RunArea(run.period, rule_ids, [village.pk for village in villages])
        if sql.postgres:
            cursor.execute(*sql.lock(area))
        counts = count_findings(cursor, sql, area, versions)
        now = timezone.now()
        stamp = Finding._meta.get_field("updated_at").get_db_prep_save(now, connection)
        cursor.execute(sql.refresh(), [run.pk, stamp, run.period])
        cursor.execute(*sql.resolve(area, run.pk, stamp))
        cursor.execute(*sql.insert(run, now))
        cursor.execute(f"DROP TABLE {STAGE}")
    return counts


class RunArea:
    """The findings a run may resolve: its year, its rules, its villages."""

    def __init__(self, period: int, rule_ids: list[int], village_ids: list[int]) -> None:
        self.period = period
        self.rule_ids = rule_ids or [0]
        self.village_ids = village_ids or [0]

    def where(self, alias: str) -> tuple[str, list[Any]]:
        rules = ", ".join(["%s"] * len(self.rule_ids))
        villages = ", ".join(["%s"] * len(self.village_ids))
        text = (
            f"{alias}.period = %s AND {alias}.rule_id IN ({rules}) "
            f"AND {alias}.village_id IN ({villages})"
        )
        return text, [self.period, *self.rule_ids, *self.village_ids]


def stage_hits(
    cursor: Any, sql: Statements, results: Sequence[tuple[RuleHits, RuleVersion]]
) -> None:
    for result, version in results:
        if not len(result):
            continue
        table = stage_table(result, version)
        if sql.postgres:
            copy_stage(cursor, table)
        else:
            insert = f"INSERT INTO {STAGE} ({', '.join(STAGE_COLUMNS)}) VALUES (%s, %s, %s, %s, %s)"
            for rows in _row_batches(table):
                cursor.executemany(insert, rows)


def stage_table(result: RuleHits, version: RuleVersion) -> pa.Table:
    """The rule's hits as the stage's rows (evidence as JSON text, built by Arrow)."""
    rows = len(result)
    return pa.table(
        {
            "rule_id": pa.array([version.rule_id] * rows, pa.int64()),
            "rule_version_id": pa.array([version.pk] * rows, pa.int64()),
            "subject_type": pa.array([result.subject_type] * rows, pa.string()),
            "subject_id": result.subject_ids(),
            "evidence": result.evidence_json(),
        }
    )


def copy_stage(cursor: Any, table: pa.Table) -> None:
    statement = f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
    options = pa_csv.WriteOptions(include_header=False)
    with cursor.cursor.copy(statement) as copy:
        for batch in table.to_batches(max_chunksize=50_000):
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, write_options=options)
            copy.write(buffer.getvalue())


def _row_batches(table: pa.Table) -> Iterator[list[tuple[Any, ...]]]:
    for batch in table.to_batches(max_chunksize=INSERT_BATCH):
        columns = [batch.column(name).to_pylist() for name in STAGE_COLUMNS]
        yield list(zip(*columns, strict=True))


def count_findings(
    cursor: Any, sql: Statements, area: RunArea, versions: Sequence[RuleVersion]
) -> dict[str, dict[str, int]]:
    code_of = {version.rule_id: version.rule.code for version in versions}
    counts = {code: Counter(new=0, open=0, resolved=0) for code in code_of.values()}
    cursor.execute(sql.count_found(), [area.period])
    for rule_id, reopened_or_new, found in cursor.fetchall():
        counts[code_of[rule_id]]["new" if reopened_or_new else "open"] += found
    cursor.execute(*sql.count_resolved(area))
    for rule_id, resolved in cursor.fetchall():
        counts[code_of[rule_id]]["resolved"] += resolved
    return {code: dict(counter) for code, counter in counts.items()}


class Statements:
    """The SQL of each step, for SQLite or PostgreSQL (their only differences: the stage's
    types, the evidence column's type, and locking)."""

    def __init__(self, vendor: str) -> None:
        self.postgres = vendor == "postgresql"
        self.finding = Finding._meta.db_table
        self.household = Household._meta.db_table
        self.member = Member._meta.db_table

    def create_stage(self) -> list[str]:
        text = "text" if self.postgres else "TEXT"
        return [
            f"DROP TABLE IF EXISTS {STAGE}",
            f"CREATE TEMPORARY TABLE {STAGE} (rule_id bigint NOT NULL, "
            "rule_version_id bigint NOT NULL, subject_type varchar(16) NOT NULL, "
            f"subject_id bigint NOT NULL, evidence {text} NOT NULL, household_id bigint, "
            "member_id bigint, village_id bigint)",
            f"CREATE INDEX {STAGE}_key ON {STAGE} (rule_id, subject_type, subject_id)",
        ]

    def place(self) -> list[str]:
        return [
            f"UPDATE {STAGE} SET household_id = subject_id WHERE subject_type = 'household'",
            f"UPDATE {STAGE} SET member_id = subject_id, household_id = (SELECT m.household_id "
            f"FROM {self.member} m WHERE m.id = {STAGE}.subject_id) "
            "WHERE subject_type = 'person'",
            f"UPDATE {STAGE} SET village_id = (SELECT h.village_id FROM {self.household} h "
            f"WHERE h.id = {STAGE}.household_id)",
            f"DELETE FROM {STAGE} WHERE village_id IS NULL",
            *([f"ANALYZE {STAGE}"] if self.postgres else []),
        ]

    def _same(self, finding: str, stage: str) -> str:
        return (
            f"{finding}.rule_id = {stage}.rule_id AND {finding}.subject_type = {stage}.subject_type"
            f" AND {finding}.subject_id = {stage}.subject_id AND {finding}.period = %s"
        )

    def lock(self, area: RunArea) -> tuple[str, list[Any]]:
        where, params = area.where("f")
        locked = f"SELECT f.id FROM {self.finding} f WHERE {where} FOR UPDATE"
        return f"SELECT count(*) FROM ({locked}) AS locked", params

    def count_found(self) -> str:
        resolved = FindingStatus.RESOLVED.value
        return (
            f"SELECT s.rule_id, CASE WHEN f.id IS NULL OR f.status = '{resolved}' THEN 1 ELSE 0 "
            f"END AS reopened_or_new, count(*) FROM {STAGE} s LEFT JOIN {self.finding} f "
            f"ON {self._same('f', 's')} GROUP BY s.rule_id, reopened_or_new"
        )

    def count_resolved(self, area: RunArea) -> tuple[str, list[Any]]:
        where, params = area.where("f")
        return (
            f"SELECT f.rule_id, count(*) FROM {self.finding} f WHERE {where} "
            f"AND f.status = '{FindingStatus.OPEN.value}' AND NOT EXISTS (SELECT 1 FROM {STAGE} s"
            f" WHERE s.rule_id = f.rule_id AND s.subject_type = f.subject_type "
            "AND s.subject_id = f.subject_id) GROUP BY f.rule_id",
            params,
        )

    def refresh(self) -> str:
        """Params: run id, now, period."""
        finding, resolved = self.finding, FindingStatus.RESOLVED.value
        open_ = FindingStatus.OPEN.value
        evidence = "CAST(s.evidence AS jsonb)" if self.postgres else "s.evidence"
        return (
            f"UPDATE {finding} SET "
            f"status = CASE WHEN {finding}.status = '{resolved}' THEN '{open_}' "
            f"ELSE {finding}.status END, "
            f"resolved_run_id = CASE WHEN {finding}.status = '{resolved}' THEN NULL "
            f"ELSE {finding}.resolved_run_id END, "
            f"rule_version_id = s.rule_version_id, evidence = {evidence}, "
            "household_id = s.household_id, member_id = s.member_id, village_id = s.village_id, "
            f"last_seen_run_id = %s, updated_at = %s "
            f"FROM {STAGE} s WHERE {self._same(finding, 's')}"
        )

    def resolve(self, area: RunArea, run_id: int, now: Any) -> tuple[str, list[Any]]:
        where, params = area.where(self.finding)
        return (
            f"UPDATE {self.finding} SET status = '{FindingStatus.RESOLVED.value}', "
            f"resolved_run_id = %s, updated_at = %s WHERE {where} "
            f"AND status = '{FindingStatus.OPEN.value}' AND NOT EXISTS (SELECT 1 FROM {STAGE} s "
            f"WHERE s.rule_id = {self.finding}.rule_id "
            f"AND s.subject_type = {self.finding}.subject_type "
            f"AND s.subject_id = {self.finding}.subject_id)",
            [run_id, now, *params],
        )

    def insert(self, run: Run, now: dt.datetime) -> tuple[str, list[Any]]:
        """New findings: every staged hit without a finding of its key."""
        evidence = "CAST(s.evidence AS jsonb)" if self.postgres else "s.evidence"
        given = {
            "rule_id": "s.rule_id",
            "rule_version_id": "s.rule_version_id",
            "subject_type": "s.subject_type",
            "subject_id": "s.subject_id",
            "household_id": "s.household_id",
            "member_id": "s.member_id",
            "village_id": "s.village_id",
            "evidence": evidence,
        }
        bound = {
            "period": run.period,
            "status": FindingStatus.OPEN.value,
            "first_seen_run_id": run.pk,
            "last_seen_run_id": run.pk,
            "updated_at": now,
        }
        columns, values, params = [], [], []
        for field in Finding._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(field.column)
            if field.column in given:
                values.append(given[field.column])
                continue
            values.append("%s")
            value = bound[field.column] if field.column in bound else field.get_default()
            params.append(field.get_db_prep_save(value, connection))
        text = (
            f"INSERT INTO {self.finding} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM {self.finding} f "
            f"WHERE {self._same('f', 's')})"
        )
        return text, [*params, run.period]
