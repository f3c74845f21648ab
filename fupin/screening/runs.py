"""Executing a run: snapshot ▸ compile with the area's scope ▸ engine ▸ findings in one
transaction. A run that fails (or a process that is killed) writes no finding at all: the
findings are written only at the end, together with the run's success; on the way out of a
failure the run row is marked failed with the error."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from psycopg.conninfo import make_conninfo

from fupin.accounts.models import OrgUnit, OrgUnitKind
from fupin.policy import province_of
from fupin.registry.models import Household, Member
from fupin.rules.engines import Engine, Hit, get_engine
from fupin.rules.language import CompiledRule, RuleSource, Scope, compile_rule
from fupin.screening.models import Finding, FindingStatus, RuleVersion, Run, RunStatus
from fupin.screening.parameters import run_parameters
from fupin.screening.snapshot import build_snapshot, prune_snapshots, snapshot_root

EngineFactory = Callable[[str], Engine]
Display = Callable[[int, int, str], None]  # (rules done, rules total, rule code)
WRITE_BATCH = 2_000
LOOKUP_BATCH = 5_000


def postgres_conninfo() -> str:
    """The Django database if it is PostgreSQL, else the SCREENING_PG_URL setting."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        keys = ("dbname", "user", "password", "host", "port")
        return make_conninfo(**{key: params[key] for key in keys if params.get(key)})
    url: str = getattr(settings, "SCREENING_PG_URL", "")
    if not url:
        raise ValueError("set SCREENING_PG_URL to run screenings on PostgreSQL")
    return url


def make_engine(name: str) -> Engine:
    if name == "postgres":
        return get_engine("postgres", conninfo=postgres_conninfo())
    return get_engine(name)


def scope_villages(units: Sequence[OrgUnit]) -> list[OrgUnit]:
    """The villages under the run's units: the compiler's scope guard."""
    paths = reduce(or_, (Q(path__startswith=unit.path) for unit in units), Q(pk__in=[]))
    return list(OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE).filter(paths))


def compile_versions(
    versions: Iterable[RuleVersion], villages: Sequence[OrgUnit]
) -> list[CompiledRule]:
    """The run's rule versions compiled with the area's villages as the scope guard."""
    scope = Scope(village_codes=frozenset(v.code for v in villages))
    return [
        compile_rule(RuleSource(v.rule.code, v.rule.subject, v.text), scope=scope) for v in versions
    ]


def execute_run(
    run_id: int, *, engine_factory: EngineFactory = make_engine, display: Display | None = None
) -> Run:
    """Run a queued screening to its end (the background task's body, and `fupin screen`'s)."""
    run = _mark_running(run_id)
    completed = False
    try:
        _execute(run, engine_factory, display)
        completed = True
    finally:
        if not completed:
            _mark_failed(run, sys.exc_info()[1])
    prune_snapshots(getattr(settings, "SCREENING_SNAPSHOTS_KEPT", 20))
    run.refresh_from_db()
    return run


def _mark_running(run_id: int) -> Run:
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            raise ValueError(f"run {run_id} is {run.status}, not queued")
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    return run


def _mark_failed(run: Run, error: BaseException | None) -> None:
    text = f"{type(error).__name__}: {error}" if error else "interrupted"
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error=text[:2000]
    )


def _execute(run: Run, engine_factory: EngineFactory, display: Display | None) -> None:
    began = time.monotonic()
    units = list(run.units.all())
    villages = scope_villages(units)
    versions = list(run.rule_versions.select_related("rule").order_by("rule__code"))
    path = snapshot_root() / f"run-{run.pk}"
    snapshot, rows = build_snapshot(path, units)
    Run.objects.filter(pk=run.pk).update(
        snapshot_path=str(path), subjects=rows.get("households", 0) + rows.get("persons", 0)
    )
    compiled = compile_versions(versions, villages)

    done = 0

    def progress(rule: CompiledRule, hits: int) -> None:
        nonlocal done
        done += 1
        Run.objects.filter(pk=run.pk).update(rules_done=F("rules_done") + 1)
        if display is not None:
            display(done, len(compiled), rule.code)

    hits = engine_factory(run.engine).run(
        compiled,
        snapshot=snapshot,
        screening_date=run.screening_date,
        params=run_parameters(on=run.screening_date, province=_province(units)),
        progress=progress,
    )
    with transaction.atomic():
        counts = record_findings(run, versions, villages, hits)
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            counts=counts,
            rules_done=len(versions),
            duration_s=round(time.monotonic() - began, 3),
        )


def _province(units: Sequence[OrgUnit]) -> str:
    return province_of(units[0].code) if units else ""


# ---- findings -----------------------------------------------------------------------------


def _subjects(hits: Sequence[Hit]) -> dict[tuple[str, int], tuple[int, int | None, int]]:
    """(subject type, id) ▸ (household id, member id, village id) for every hit."""
    found: dict[tuple[str, int], tuple[int, int | None, int]] = {}
    households = sorted({h.subject_id for h in hits if h.subject_type == "household"})
    persons = sorted({h.subject_id for h in hits if h.subject_type == "person"})
    for start in range(0, len(households), LOOKUP_BATCH):
        ids = households[start : start + LOOKUP_BATCH]
        for pk, village in Household.objects.filter(pk__in=ids).values_list("pk", "village_id"):
            found["household", pk] = (pk, None, village)
    for start in range(0, len(persons), LOOKUP_BATCH):
        ids = persons[start : start + LOOKUP_BATCH]
        rows = Member.objects.filter(pk__in=ids).values_list(
            "pk", "household_id", "household__village_id"
        )
        for pk, household, village in rows:
            found["person", pk] = (household, pk, village)
    return found


def record_findings(
    run: Run, versions: Sequence[RuleVersion], villages: Sequence[OrgUnit], hits: Sequence[Hit]
) -> dict[str, dict[str, int]]:
    """Open, refresh and resolve the findings of the run's rules in its area (in the caller's
    transaction); answers {rule code: {new, open, resolved}}."""
    by_code = {version.rule.code: version for version in versions}
    counts = {code: Counter(new=0, open=0, resolved=0) for code in by_code}
    existing = {
        (f.rule_id, f.subject_type, f.subject_id): f
        for f in Finding.objects.select_for_update().filter(
            rule_id__in=[v.rule_id for v in versions],
            period=run.period,
            village_id__in=[v.pk for v in villages],
        )
    }
    subjects = _subjects(hits)
    created: list[Finding] = []
    updated: list[Finding] = []
    for hit in hits:
        version = by_code[hit.rule_code]
        place = subjects.get((hit.subject_type, hit.subject_id))
        if place is None:
            continue  # removed from the registry since the snapshot was taken
        finding = existing.pop((version.rule_id, hit.subject_type, hit.subject_id), None)
        if finding is None:
            created.append(_new_finding(run, version, hit, place))
            counts[hit.rule_code]["new"] += 1
            continue
        reopened = finding.status == FindingStatus.RESOLVED
        if reopened:
            finding.status, finding.resolved_run = FindingStatus.OPEN, None
        finding.rule_version, finding.evidence, finding.last_seen_run = version, hit.evidence, run
        updated.append(finding)
        counts[hit.rule_code]["new" if reopened else "open"] += 1
    for finding in existing.values():
        if finding.status == FindingStatus.OPEN:
            finding.status, finding.resolved_run = FindingStatus.RESOLVED, run
            updated.append(finding)
            counts[_code_of(finding, versions)]["resolved"] += 1
    Finding.objects.bulk_create(created, batch_size=WRITE_BATCH)
    fields = ["status", "resolved_run", "rule_version", "evidence", "last_seen_run", "updated_at"]
    now = timezone.now()
    for finding in updated:
        finding.updated_at = now
    Finding.objects.bulk_update(updated, fields, batch_size=WRITE_BATCH)
    return {code: dict(counter) for code, counter in counts.items()}


def _code_of(finding: Finding, versions: Sequence[RuleVersion]) -> str:
    return next(v.rule.code for v in versions if v.rule_id == finding.rule_id)


def _new_finding(
    run: Run, version: RuleVersion, hit: Hit, place: tuple[int, int | None, int]
) -> Finding:
    household, member, village = place
    return Finding(
        rule_id=version.rule_id,
        rule_version=version,
        subject_type=hit.subject_type,
        subject_id=hit.subject_id,
        household_id=household,
        member_id=member,
        village_id=village,
        period=run.period,
        evidence=hit.evidence,
        first_seen_run=run,
        last_seen_run=run,
    )


def fail_abandoned_runs(now: dt.datetime | None = None) -> int:
    """Marks failed the runs a killed process left running or queued for longer than the lease
    (run at the start of `fupin serve` and `fupin worker`); they wrote no findings."""
    lease = dt.timedelta(seconds=getattr(settings, "SCREENING_LEASE_SECONDS", 6 * 3600))
    cutoff = (now or timezone.now()) - lease
    return Run.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error="interrupted"
    )
