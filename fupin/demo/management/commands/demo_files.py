"""fupin demo-files OUTDIR [--seed N] — write the demo township's department files.

One file per data-hub feed, for the people in the database (run `fupin seed-demo` or `fupin
demo` first), with the planted problems listed in OUTDIR/planted.json and in docs/datahub.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.demo import report
from fupin.demo.department_files import DEFAULT_SEED, write_department_files
from fupin.registry.models import Member


class Command(BaseCommand):
    help = "Write the demo's department files (one per feed: 民政, 医保 …) with planted problems."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outdir", type=Path)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args: object, **options: Any) -> None:
        if not Member.objects.exists():
            raise CommandError("the registry is empty: run `fupin seed-demo` first")
        write_department_files(options["outdir"], seed=options["seed"])
        for line in report.department_file_lines(options["outdir"]):
            self.stdout.write(line)
