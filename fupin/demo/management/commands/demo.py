"""fupin demo — migrate, load the demo township into an empty database, write its department
files (var/datahub/demo-files: not imported, they are there to try the import), print the
logins, serve."""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.demo import report
from fupin.demo.department_files import PLANTED_FILE, write_department_files
from fupin.demo.generator import DEFAULT_SEED, DemoError, generate
from fupin.registry.models import Household

WILDCARD_HOSTS = ("", "0.0.0.0", "::")


class Command(BaseCommand):
    help = "Run the demo: migrate, seed the demo township if the database is empty, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare, print and stop")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--households", type=int, default=None)

    def handle(self, *args: object, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        files = Path(settings.DATAHUB_DIR) / "demo-files"
        if Household.objects.exists():
            self.stdout.write("The database already has households: not loading the demo.")
            if (files / PLANTED_FILE).is_file():
                self.stdout.write(f"The demo's department files are in {files} (see planted.json).")
        else:
            self._seed(options["seed"], options["households"], verbose=verbosity > 0)
            write_department_files(files, seed=options["seed"])
            for line in report.department_file_lines(files):
                self.stdout.write(line)
        host = os.environ.get("HOST", "127.0.0.1")
        port = int(os.environ.get("PORT", "8000"))
        shown_host = "127.0.0.1" if host in WILDCARD_HOSTS else host
        self.stdout.write("")
        for line in report.login_lines():
            self.stdout.write(line)
        self.stdout.write(f"\nOpen http://{shown_host}:{port}/ and sign in with a login above.")
        if not options["no_serve"]:
            call_command("serve", host=host, port=port)

    def _seed(self, seed: int, households: int | None, *, verbose: bool) -> None:
        self.stdout.write("Loading the demo township 关坝镇 (synthetic data) …")
        try:
            summary = generate(
                seed=seed,
                households=households,
                stdout=self.stdout if verbose else None,
            )
        except DemoError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        for line in report.summary_lines(summary):
            self.stdout.write(line)
