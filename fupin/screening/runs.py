"""Executing a run: snapshot ▸ compile with the area's scope ▸ engine (hits as Arrow) ▸
findings written set-based (`recording.py`) in one transaction. A run that fails (or a
process that is killed) writes no finding at all: the findings are written only at the end,
together with the run's success; on the way out of a failure the run row is marked failed
with the error."""

from __future__ import annotations

import datetime as dt
import sys
import time
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
from fupin.rules.engines import Engine, get_engine
from fupin.rules.language import CompiledRule, RuleSource, Scope, compile_rule
from fupin.screening.models import RuleVersion, Run, RunStatus
from fupin.screening.parameters import run_parameters
from fupin.screening.recording import record_findings
from fupin.screening.snapshot import build_snapshot, prune_snapshots, snapshot_root

EngineFactory = Callable[[str], Engine]
Display = Callable[[int, int, str], None]  # (rules done, rules total, rule code)


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

    results = engine_factory(run.engine).run_arrow(
        compiled,
        snapshot=snapshot,
        screening_date=run.screening_date,
        params=run_parameters(on=run.screening_date, province=_province(units)),
        progress=progress,
    )
    with transaction.atomic():
        counts = record_findings(run, versions, villages, results)
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            counts=counts,
            rules_done=len(versions),
            duration_s=round(time.monotonic() - began, 3),
        )


def _province(units: Sequence[OrgUnit]) -> str:
    return province_of(units[0].code) if units else ""


def fail_abandoned_runs(now: dt.datetime | None = None) -> int:
    """Marks failed the runs a killed process left running or queued for longer than the lease
    (run at the start of `fupin serve` and `fupin worker`); they wrote no findings."""
    lease = dt.timedelta(seconds=getattr(settings, "SCREENING_LEASE_SECONDS", 6 * 3600))
    cutoff = (now or timezone.now()) - lease
    return Run.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error="interrupted"
    )
