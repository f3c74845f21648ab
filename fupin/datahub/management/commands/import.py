"""fupin import SOURCE FILE [--period YYYY-MM] [--mapping NAME] [--dry-run] [--json]

Import a department file in this process, with a progress display: read and check every row,
show the preview, then promote (unless --dry-run). SOURCE is a feed code (civil_affairs,
medical …) or its Chinese name (民政, 医保 …); `fupin import --list` shows them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.models import OrgUnit, OrgUnitKind, User
from fupin.core import startup
from fupin.core.errors import DomainError
from fupin.datahub import actions, pipeline, storage
from fupin.datahub.feeds import SOURCES
from fupin.datahub.models import BatchStatus, ImportBatch

CHUNK = 1 << 20


class Command(BaseCommand):
    help = "Import a department file: check every row, preview, promote (or --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="feed: civil_affairs, medical, 民政, 医保 …")
        parser.add_argument("file", nargs="?", help="CSV, xlsx or xls file")
        parser.add_argument("--period", help="the file's month (2020-03) or year (2020)")
        parser.add_argument("--mapping", help="a saved column mapping of the feed, by name")
        parser.add_argument("--dry-run", action="store_true", help="check and preview only")
        parser.add_argument("--json", action="store_true", help="print the batch as JSON")
        parser.add_argument("--unit", help="code of the township (default: the only one)")
        parser.add_argument("--user", help="username to record as the importer")
        parser.add_argument("--list", action="store_true", help="list the feeds and stop")

    def handle(self, *args: object, **options: Any) -> None:
        if options["list"]:
            for feed in SOURCES.values():
                aliases = "、".join(feed.aliases)
                table = feed.table or "(registry)"
                self.stdout.write(f"{feed.code:<14} {table:<24} {feed.department} ({aliases})")
            return
        if not options["source"] or not options["file"]:
            raise CommandError("give SOURCE and FILE (fupin import --list shows the sources)")
        startup.run_all()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = self._user(options["user"])
        batch = self._upload(actor, path, options)
        batch = pipeline.run_staging(batch.pk, display=self._progress) or batch
        if batch.status == BatchStatus.STAGED and not options["dry_run"]:
            actions.batch_promote(actor=actor, batch=batch, queue=False)
            batch = pipeline.run_promotion(batch.pk, display=self._progress) or batch
        self._progress_done()
        if options["dry_run"]:
            storage.remove(storage.staging_path(batch.pk))
        self._report(batch, as_json=options["json"])
        if batch.status not in (BatchStatus.STAGED, BatchStatus.PROMOTED):
            raise CommandError(batch.error_message or batch.get_status_display(), returncode=2)

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        return user

    def _unit(self, code: str | None) -> OrgUnit:
        units = (
            OrgUnit.objects.filter(code=code)
            if code
            else OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP)
        )
        found = list(units[:2])
        if len(found) != 1:
            raise CommandError("give --unit CODE: the township (or county) the file is for")
        return found[0]

    def _upload(self, actor: User | None, path: Path, options: dict[str, Any]) -> ImportBatch:
        unit = None if actor is not None and not options["unit"] else self._unit(options["unit"])
        try:
            with open(path, "rb") as source:
                return actions.batch_upload(
                    actor=actor,
                    feed=options["source"],
                    file_name=path.name,
                    chunks=iter(lambda: source.read(CHUNK), b""),
                    period=options["period"],
                    mapping=options["mapping"],
                    unit=unit,
                    dry_run=options["dry_run"],
                    queue=False,
                )
        except DomainError as refused:
            if options["json"]:
                self.stdout.write(json.dumps({"error": refused.as_dict()}, ensure_ascii=False))
            raise CommandError(f"{refused.code}: {refused.message}", returncode=2) from None

    # ---- output ---------------------------------------------------------------------------

    def _progress(self, phase: str, rows: int) -> None:
        label = {"staging": "reading", "promoting": "promoting"}.get(phase, phase)
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{label}: {rows:,} rows")
        else:
            sys.stderr.write(f"{label}: {rows} rows\n")
        sys.stderr.flush()

    def _progress_done(self) -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\n")

    def _report(self, batch: ImportBatch, *, as_json: bool) -> None:
        summary = batch_summary(batch)
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        rows = summary["rows"]
        self.stdout.write(f"batch #{batch.pk} {batch.file_name}: {batch.get_status_display()}")
        self.stdout.write(
            f"rows read {rows['read']} = promoted {rows['promoted']} + rejected {rows['rejected']}"
            f" + duplicates {rows['duplicates']} + unmatched {rows['unmatched']}"
            f" (blank rows skipped: {rows['blank']})"
        )
        self.stdout.write(
            f"promoted rows: {rows['new']} new, {rows['updated']} updated, "
            f"{rows['unchanged']} unchanged"
        )
        for line in notes(batch):
            self.stdout.write(line)


def batch_summary(batch: ImportBatch) -> dict[str, Any]:
    return {
        "batch": batch.pk,
        "feed": batch.feed,
        "file": batch.file_name,
        "status": batch.status,
        "dry_run": batch.dry_run,
        "period": batch.period_text,
        "rows": {
            "read": batch.rows_read,
            "promoted": batch.rows_promoted,
            "rejected": batch.rows_rejected,
            "duplicates": batch.rows_duplicate,
            "unmatched": batch.rows_unmatched,
            "blank": batch.rows_blank,
            "new": batch.rows_new,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
        },
        "adds_up": batch.adds_up,
        "same_file_as": batch.same_file_as_id,
        "ignored_columns": batch.ignored_columns,
        "missing_columns": batch.missing_columns,
        "error_workbook": batch.error_path or None,
        "error": {"code": batch.error_code, "message": batch.error_message}
        if batch.error_code
        else None,
    }


def notes(batch: ImportBatch) -> list[str]:
    lines = []
    if batch.same_file_as_id:
        lines.append(
            f"the same file was imported as batch #{batch.same_file_as_id}: nothing new to promote"
        )
    if batch.ignored_columns:
        lines.append("columns ignored: " + ", ".join(batch.ignored_columns))
    if batch.missing_columns:
        lines.append("columns missing: " + ", ".join(batch.missing_columns))
    if batch.error_path:
        lines.append(f"rows not imported: {batch.error_path}")
    if batch.dry_run:
        lines.append("dry run: nothing was promoted")
    if batch.error_message:
        lines.append(f"{batch.error_code}: {batch.error_message}")
    return lines
