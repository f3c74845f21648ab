"""API shapes of screening. Evidence is masked here, once, for every endpoint, unless the
caller's role may see sensitive values (the catalog's `sensitive` flags)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from fupin.accounts.models import User
from fupin.core.schemas import READ_ERRORS, ErrorOut, PageOut, PageQuery
from fupin.parameters.schemas import EntryOut
from fupin.screening.evidence import evidence_for, explain, mask_value
from fupin.screening.models import Finding, Rule, RuleVersion, Run
from fupin.screening.parameters import ParameterRow
from fupin.screening.selectors import FindingFilters, evidence_masked


class RuleErrorOut(ErrorOut):
    """A refused rule text: the line and column at fault (1-based)."""

    line: int | None = None
    column: int | None = None


# A write also answers 400 for a refused rule text, with the line and column at fault.
WRITE_ERRORS: dict[int, Any] = {400: RuleErrorOut, 403: ErrorOut, 409: ErrorOut, **READ_ERRORS}


# ---- rules --------------------------------------------------------------------------------


class RuleVersionOut(Schema):
    number: int
    text: str
    explanation: str
    reference: str
    effective_from: dt.date
    effective_to: dt.date | None
    tables: list[str]
    note: str
    created_at: dt.datetime

    @staticmethod
    def build(version: RuleVersion) -> RuleVersionOut:
        return RuleVersionOut(
            number=version.number,
            text=version.text,
            explanation=version.explanation,
            reference=version.reference,
            effective_from=version.effective_from,
            effective_to=version.effective_to,
            tables=list(version.tables),
            note=version.note,
            created_at=version.created_at,
        )


class RuleOut(Schema):
    code: str
    name: str
    category: str
    subject: str
    severity: str
    active: bool
    latest: RuleVersionOut | None
    versions: list[RuleVersionOut] | None = None

    @staticmethod
    def build(rule: Rule, *, with_versions: bool = False) -> RuleOut:
        versions = sorted(rule.versions.all(), key=lambda v: -v.number)
        return RuleOut(
            code=rule.code,
            name=rule.name,
            category=rule.category,
            subject=rule.subject,
            severity=rule.severity,
            active=rule.active,
            latest=RuleVersionOut.build(versions[0]) if versions else None,
            versions=[RuleVersionOut.build(v) for v in versions] if with_versions else None,
        )


class RuleVersionIn(Schema):
    rule: str = Field(..., description="The rule's code.")
    text: str = Field(..., max_length=10_000, description="The rule's condition (rule language).")
    explanation: str = Field("", max_length=500, description="Names values in braces.")
    reference: str = Field(..., max_length=300, description="Policy document it cites.")
    effective_from: dt.date
    effective_to: dt.date | None = None
    note: str = Field("", max_length=300, description="Why the rule changes.")


# ---- runs ---------------------------------------------------------------------------------


class RunIn(Schema):
    engine: str = Field("duckdb", description="duckdb, postgres or spark")
    rules: list[str] = Field(default_factory=list, description="Rule codes; empty: all in force.")
    screening_date: dt.date | None = Field(None, description="Default: today.")


class RunOut(Schema):
    id: int
    status: str
    engine: str
    screening_date: dt.date
    units: list[str]
    rules_total: int
    rules_done: int
    subjects: int
    counts: dict[str, dict[str, int]]
    duration_s: float | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    error: str

    @staticmethod
    def build(run: Run) -> RunOut:
        return RunOut(
            id=run.pk,
            status=run.status,
            engine=run.engine,
            screening_date=run.screening_date,
            units=[unit.code for unit in run.units.all()],
            rules_total=run.rules_total,
            rules_done=run.rules_done,
            subjects=run.subjects,
            counts=run.counts,
            duration_s=run.duration_s,
            created_at=run.created_at,
            finished_at=run.finished_at,
            error=run.error,
        )


# ---- findings -----------------------------------------------------------------------------


class FindingQuery(PageQuery):
    rule: str = Field("", description="Rule code.")
    category: str = Field("", description="Rule category (返贫致贫风险预警, 数据质量 …).")
    village: str = Field("", description="Village statistical code.")
    status: str = Field("", description="open, resolved, dismissed or sent_to_monitoring.")

    def filters(self) -> FindingFilters:
        return FindingFilters(
            rule=self.rule, category=self.category, village=self.village, status=self.status
        )


class FindingOut(Schema):
    id: int
    rule: str
    rule_name: str
    category: str
    rule_version: int
    reference: str
    subject_type: str
    subject_id: int
    household_id: int
    member_id: int | None
    subject_name: str
    village: str
    village_name: str
    period: int
    status: str
    explanation: str
    evidence: dict[str, Any]
    first_seen_run: int
    last_seen_run: int
    resolved_run: int | None
    dismissed_reason: str
    clue_id: int | None

    @staticmethod
    def build(finding: Finding, *, user: User) -> FindingOut:
        masked = evidence_masked(user)
        name = finding.member.name if finding.member else ""
        return FindingOut(
            id=finding.pk,
            rule=finding.rule.code,
            rule_name=finding.rule.name,
            category=finding.rule.category,
            rule_version=finding.rule_version.number,
            reference=finding.rule_version.reference,
            subject_type=finding.subject_type,
            subject_id=finding.subject_id,
            household_id=finding.household_id,
            member_id=finding.member_id,
            subject_name=mask_value("name", name) if masked and name else name,
            village=finding.village.code,
            village_name=finding.village.name,
            period=finding.period,
            status=finding.status,
            explanation=explain(finding, masked=masked),
            evidence=evidence_for(finding.evidence, masked=masked),
            first_seen_run=finding.first_seen_run_id,
            last_seen_run=finding.last_seen_run_id,
            resolved_run=finding.resolved_run_id,
            dismissed_reason=finding.dismissed_reason,
            clue_id=finding.clue_id,
        )


class FindingPageOut(PageOut):
    items: list[FindingOut]


class DismissIn(Schema):
    reason: str = Field(..., max_length=300, description="Why the finding is not a problem.")


# ---- parameters ---------------------------------------------------------------------------


class ParameterOut(Schema):
    name: str
    label: str
    kind: str
    value: EntryOut | None = Field(description="The value in force on the day asked.")
    entries: list[EntryOut]

    @staticmethod
    def build(row: ParameterRow) -> ParameterOut:
        return ParameterOut(
            name=row.name,
            label=row.label,
            kind=row.kind,
            value=EntryOut.build(row.value) if row.value else None,
            entries=[EntryOut.build(e) for e in row.entries],
        )
