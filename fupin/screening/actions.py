"""Writes of screening, one per use case: publish a rule version, start a run, dismiss a
finding, hand a finding to the monitoring workflow. Each checks the actor and audits."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts import audit
from fupin.accounts.models import OrgUnit, User
from fupin.accounts.roles import require_role
from fupin.core.errors import DomainError
from fupin.monitoring.actions import clue_from_finding
from fupin.rules.language import CompiledRule, RuleError, RuleSource, Scope, compile_rule
from fupin.screening import permissions, selectors, tasks
from fupin.screening.errors import RuleRefused
from fupin.screening.evidence import PLACEHOLDER, explain
from fupin.screening.models import (
    Category,
    Finding,
    FindingStatus,
    Rule,
    RuleVersion,
    Run,
    RunStatus,
    Severity,
    Subject,
)

ENGINES = ("duckdb", "postgres", "spark")
# Rules are checked against a scope that matches nothing: only the text is being checked.
CHECK_SCOPE = Scope(code_prefixes=("0",))
RULE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def rule_check(*, text: str, subject: str, explanation: str = "") -> CompiledRule:
    """Check a rule text against the catalog (and its explanation's placeholders): RuleRefused
    names the line and column at fault."""
    try:
        compiled = compile_rule(RuleSource("check", subject, text), scope=CHECK_SCOPE)
    except RuleError as error:
        raise RuleRefused(error) from None
    keys = {column.key for column in compiled.evidence}
    for match in PLACEHOLDER.finditer(explanation):
        if match.group(1) not in keys:
            raise DomainError(
                "unknown_placeholder",
                _("The explanation names {%(key)s}, which is not a value of the rule.")
                % {"key": match.group(1)},
                field="explanation",
            )
    return compiled


def _clean(field: str, value: str, limit: int, *, optional: bool = False) -> str:
    value = (value or "").strip()
    if not value and not optional:
        raise DomainError("required", _("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError("too_long", _("This text is too long."), field=field)
    return value


@transaction.atomic
def rule_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    category: str,
    subject: str,
    severity: str = Severity.MEDIUM,
    text: str,
    explanation: str = "",
    reference: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
) -> RuleVersion:
    """Add a rule (新增筛查规则) with its first version; the text is checked first."""
    if actor is not None:
        require_role(actor, permissions.EDIT_RULE_ROLES)
    if not RULE_CODE.match(code or ""):
        raise DomainError("invalid_code", _("A rule code is lower-case letters, digits and _."))
    if Rule.objects.filter(code=code).exists():
        raise DomainError("duplicate_code", _("A rule with this code exists."), field="code")
    if category not in Category.values or subject not in Subject.values:
        raise DomainError("invalid_choice", _("Unknown category or subject."), field="category")
    if severity not in Severity.values:
        raise DomainError("invalid_choice", _("Unknown severity."), field="severity")
    rule_check(text=text, subject=subject, explanation=explanation)
    rule = Rule.objects.create(
        code=code,
        name=_clean("name", name, 128),
        category=category,
        subject=subject,
        severity=severity,
    )
    return _publish(
        actor, rule, text, explanation, reference, effective_from, effective_to, note=""
    )


@transaction.atomic
def rule_version_create(
    *,
    actor: User | None,
    rule: Rule,
    text: str,
    explanation: str = "",
    reference: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    note: str = "",
) -> RuleVersion:
    """Publish the next version of a rule (修订规则): checked against the catalog before it is
    saved; the versions before it never change."""
    if actor is not None:
        require_role(actor, permissions.EDIT_RULE_ROLES)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    rule_check(text=text, subject=rule.subject, explanation=explanation)
    return _publish(
        actor, rule, text, explanation, reference, effective_from, effective_to, note=note
    )


def _publish(
    actor: User | None,
    rule: Rule,
    text: str,
    explanation: str,
    reference: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    *,
    note: str,
) -> RuleVersion:
    if effective_to is not None and effective_to < effective_from:
        raise DomainError(
            "invalid_dates", _("The end date is before the start date."), field="effective_to"
        )
    compiled = rule_check(text=text, subject=rule.subject, explanation=explanation)
    last = rule.versions.aggregate(number=Max("number"))["number"] or 0
    version = RuleVersion.objects.create(
        rule=rule,
        number=last + 1,
        text=_clean("text", text, 10_000),
        explanation=_clean("explanation", explanation, 500, optional=True),
        reference=_clean("reference", reference, 300),
        effective_from=effective_from,
        effective_to=effective_to,
        tables=sorted(compiled.tables),
        note=_clean("note", note, 300, optional=True),
        created_by=actor,
    )
    if actor is not None:
        audit.record(
            actor=actor,
            action="screening.rule_version",
            target=version,
            subject=rule,
            changes={"version": [last or None, version.number], "text": [None, version.text]},
            reason=version.note,
        )
    return version


# ---- runs ---------------------------------------------------------------------------------


def run_scope_units(actor: User) -> list[OrgUnit]:
    """The units a user's run covers: the root of their area (a township, a county)."""
    from fupin.accounts.scope import scope_root

    root = scope_root(actor)
    return [root] if root is not None else []


@transaction.atomic
def run_start(
    *,
    actor: User | None,
    units: list[OrgUnit] | None = None,
    engine: str = "duckdb",
    rule_codes: list[str] | None = None,
    screening_date: dt.date | None = None,
    queue: bool = True,
) -> Run:
    """Queue a screening run (开展筛查) over the actor's area with the rules in force."""
    if actor is not None:
        require_role(actor, permissions.RUN_ROLES)
        units = run_scope_units(actor)
    if not units:
        raise DomainError("no_scope", _("There is no area to screen."), field="unit")
    if engine not in ENGINES:
        raise DomainError("unknown_engine", _("Unknown engine."), field="engine")
    day = screening_date or timezone.localdate()
    versions = selectors.versions_in_force(on=day, codes=rule_codes)
    run = Run.objects.create(
        created_by=actor, engine=engine, screening_date=day, rules_total=len(versions)
    )
    run.units.set(units)
    run.rule_versions.set(versions)
    if actor is not None:
        audit.record(
            actor=actor,
            action="screening.run_start",
            target=run,
            org_unit=units[0],
            changes={"status": [None, RunStatus.QUEUED], "engine": [None, engine]},
        )
    if queue:
        transaction.on_commit(lambda: tasks.run_screening.enqueue(run.pk))
    return run


# ---- findings -----------------------------------------------------------------------------


def _lock_finding(actor: User, finding: Finding) -> Finding:
    require_role(actor, permissions.HANDLE_ROLES)
    return selectors.finding_get(user=actor, finding_id=finding.pk, for_update=True)


@transaction.atomic
def finding_dismiss(*, actor: User, finding: Finding, reason: str) -> Finding:
    """Dismiss a finding (核实排除) with the reason; it stays dismissed on later runs."""
    finding = _lock_finding(actor, finding)
    reason = _clean("reason", reason, 300)
    if finding.status != FindingStatus.OPEN:
        raise DomainError("not_open", _("Only an open finding can be dismissed."), status=409)
    finding.status = FindingStatus.DISMISSED
    finding.dismissed_reason = reason
    finding.dismissed_by = actor
    finding.dismissed_at = timezone.now()
    finding.save()
    audit.record(
        actor=actor,
        action="screening.finding_dismiss",
        target=finding,
        subject=finding.household,
        org_unit=finding.village,
        changes={"status": [FindingStatus.OPEN, FindingStatus.DISMISSED]},
        reason=reason,
    )
    return finding


@transaction.atomic
def finding_send(*, actor: User, finding: Finding) -> Finding:
    """Hand a finding to the monitoring workflow as a clue (部门筛查预警); sending it again
    changes nothing."""
    finding = _lock_finding(actor, finding)
    if finding.status == FindingStatus.SENT:
        return finding
    if finding.status != FindingStatus.OPEN:
        raise DomainError("not_open", _("Only an open finding can be sent."), status=409)
    clue = clue_from_finding(
        actor=actor,
        household=finding.household,
        evidence=_clue_evidence(finding),
        reference=finding.reference,
        description=f"{finding.rule.name}：{explain(finding, masked=False)}",
    )
    before = finding.status
    finding.status = FindingStatus.SENT
    finding.sent_by = actor
    finding.sent_at = timezone.now()
    finding.clue_id = clue.pk
    finding.save()
    audit.record(
        actor=actor,
        action="screening.finding_send",
        target=finding,
        subject=finding.household,
        org_unit=finding.village,
        changes={"status": [before, FindingStatus.SENT], "clue": [None, clue.pk]},
    )
    return finding


def _clue_evidence(finding: Finding) -> dict[str, Any]:
    version = finding.rule_version
    return {
        "rule": finding.rule.code,
        "rule_name": finding.rule.name,
        "rule_version": version.number,
        "reference": version.reference,
        "period": finding.period,
        "subject_type": finding.subject_type,
        "subject_id": finding.subject_id,
        "values": finding.evidence,
    }
