"""fupin demo-files OUTDIR [--seed N] — write the demo township's department files.

The files are for the people in the database (run `fupin seed-demo` or `fupin demo` first),
with the planted problems listed in OUTDIR/planted.json and in docs/datahub.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.demo.department_files import DEFAULT_SEED, write_department_files
from fupin.registry.models import Member


class Command(BaseCommand):
    help = "Write department files (民政, 医保, 教育, 公安, 车管, 市场监管) for the demo township."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outdir", type=Path)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args: object, **options: Any) -> None:
        if not Member.objects.exists():
            raise CommandError("the registry is empty: run `fupin seed-demo` first")
        counts = write_department_files(options["outdir"], seed=options["seed"])
        self.stdout.write(f"department files written to {options['outdir']}")
        for kind, count in counts.items():
            self.stdout.write(f"  planted {kind}: {count}")
