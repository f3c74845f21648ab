"""Reads of screening. Findings are scoped twice: a run only screens the runner's area (the
compiler's Scope), and every read goes through the registry's household scope here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fupin.accounts.models import User
from fupin.accounts.roles import Role, has_role
from fupin.accounts.scope import scope_root
from fupin.core.errors import NotFound
from fupin.datahub.selectors import feeds_of
from fupin.registry.selectors import can_see_sensitive, households_visible_to
from fupin.screening import permissions
from fupin.screening.models import Finding, Rule, RuleVersion, Run


def versions_in_force(*, on: dt.date, codes: list[str] | None = None) -> list[RuleVersion]:
    """The latest version of each active rule (or of `codes`) in force on a day."""
    rules = Rule.objects.filter(active=True)
    if codes:
        rules = Rule.objects.filter(code__in=codes)
    versions = (
        RuleVersion.objects.filter(rule__in=rules, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("rule")
        .order_by("rule__code", "-number")
    )
    latest: dict[int, RuleVersion] = {}
    for version in versions:
        latest.setdefault(version.rule_id, version)
    return list(latest.values())


def department_rule_ids(user: User) -> set[int]:
    """Rules whose versions read a table of the department's own feeds."""
    tables = {feed.table for feed in feeds_of(user)}
    return {
        rule_id
        for rule_id, read in RuleVersion.objects.values_list("rule_id", "tables")
        if tables & set(read or [])
    }


def findings_visible_to(user: User) -> QuerySet[Finding]:
    """The findings a user may see (denied by default): those of households they may see;
    department staff only those of rules reading their department's data."""
    if not has_role(user, permissions.VIEW_ROLES):
        return Finding.objects.none()
    findings = Finding.objects.filter(household__in=households_visible_to(user))
    if user.role == Role.DEPARTMENT_STAFF:
        findings = findings.filter(rule_id__in=department_rule_ids(user))
    return findings


@dataclass(frozen=True)
class FindingFilters:
    rule: str = ""
    category: str = ""
    village: str = ""
    status: str = ""
    run: int | None = None


def finding_list(*, user: User, filters: FindingFilters | None = None) -> QuerySet[Finding]:
    """Findings in the user's reach, filtered by rule, category, village and status."""
    filters = filters or FindingFilters()
    findings = findings_visible_to(user).select_related(
        "rule", "rule_version", "village", "household", "member"
    )
    if filters.rule:
        findings = findings.filter(rule__code=filters.rule)
    if filters.category:
        findings = findings.filter(rule__category=filters.category)
    if filters.village:
        findings = findings.filter(village__code=filters.village)
    if filters.status:
        findings = findings.filter(status=filters.status)
    if filters.run:
        findings = findings.filter(last_seen_run_id=filters.run)
    return findings.order_by("rule__category", "rule__code", "village__code", "subject_id")


def finding_get(*, user: User, finding_id: int, for_update: bool = False) -> Finding:
    findings = findings_visible_to(user).select_related(
        "rule", "rule_version", "village", "household", "member"
    )
    if for_update:
        findings = findings.select_for_update(of=("self",))
    finding = findings.filter(pk=finding_id).first()
    if finding is None:
        raise NotFound()
    return finding


def evidence_masked(user: User) -> bool:
    return not can_see_sensitive(user)


def rules_visible_to(user: User) -> QuerySet[Rule]:
    if not has_role(user, permissions.VIEW_ROLES):
        return Rule.objects.none()
    return Rule.objects.all()


def rule_get(*, user: User, code: str) -> Rule:
    rule = rules_visible_to(user).filter(code=code).first()
    if rule is None:
        raise NotFound()
    return rule


def runs_visible_to(user: User) -> QuerySet[Run]:
    """Runs over the user's area (their counts name no one): the township and county roles,
    leaders and department staff; village roles and helpers work with findings only."""
    root = scope_root(user) if user.is_authenticated else None
    if root is None or not has_role(user, permissions.RUN_VIEW_ROLES):
        return Run.objects.none()
    return Run.objects.filter(units__path__startswith=root.path).distinct()


def run_get(*, user: User, run_id: int) -> Run:
    run = runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run
