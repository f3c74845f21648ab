"""fupin screen [--engine duckdb|postgres|spark] [--rules CODE,…] [--unit CODE] [--date D] [--json]

Screen an area (default: the only township) with the rules in force, in this process, with a
progress display. --json prints {run_id, engine, subjects, findings: {rule_code: {new, open,
resolved}}, duration_s}.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.models import OrgUnit, OrgUnitKind
from fupin.core import startup
from fupin.core.errors import DomainError
from fupin.screening import actions
from fupin.screening.models import Run, RunStatus
from fupin.screening.runs import execute_run


class Command(BaseCommand):
    help = "Run a screening (部门数据筛查比对) with the rules in force and record the findings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--engine", default="duckdb", choices=actions.ENGINES)
        parser.add_argument("--rules", default="", help="rule codes, comma-separated")
        parser.add_argument("--unit", help="code of the area (default: the only township)")
        parser.add_argument("--date", help="screening date YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print the run as JSON")

    def handle(self, *args: object, **options: Any) -> None:
        startup.run_all()
        codes = [code.strip() for code in options["rules"].split(",") if code.strip()]
        try:
            run = actions.run_start(
                actor=None,
                units=[self._unit(options["unit"])],
                engine=options["engine"],
                rule_codes=codes or None,
                screening_date=self._date(options["date"]),
                queue=False,
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        if codes and run.rules_total != len(set(codes)):
            run.delete()
            raise CommandError(f"unknown or inactive rule code among: {', '.join(codes)}")
        show = None if options["json"] else self._progress
        run = execute_run(run.pk, display=show)
        if options["json"]:
            self.stdout.write(json.dumps(run_summary(run), ensure_ascii=False))
        else:
            self._report(run)
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.error, returncode=2)

    def _unit(self, code: str | None) -> OrgUnit:
        units = (
            OrgUnit.objects.filter(code=code)
            if code
            else OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP)
        )
        found = list(units[:2])
        if len(found) != 1:
            raise CommandError("name the area with --unit CODE" if found else "no such unit")
        return found[0]

    def _date(self, text: str | None) -> dt.date | None:
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None

    def _progress(self, done: int, total: int, code: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} {code:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def _report(self, run: Run) -> None:
        self.stdout.write(
            f"run {run.pk} on {run.engine}: {run.status}, {run.subjects} subjects, "
            f"{run.duration_s or 0:.1f} s"
        )
        for code, count in sorted(run.counts.items()):
            self.stdout.write(
                f"  {code:<42} new {count['new']:>5}  open {count['open']:>5}  "
                f"resolved {count['resolved']:>5}"
            )


def run_summary(run: Run) -> dict[str, Any]:
    """The run as `fupin screen --json` prints it."""
    return {
        "run_id": run.pk,
        "engine": run.engine,
        "subjects": run.subjects,
        "findings": {code: run.counts[code] for code in sorted(run.counts)},
        "duration_s": run.duration_s,
    }
