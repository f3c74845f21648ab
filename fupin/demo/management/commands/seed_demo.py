"""fupin seed-demo [--seed N] [--households N] — build the demo township into an empty database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.demo import report
from fupin.demo.generator import DEFAULT_SEED, DemoError, generate


class Command(BaseCommand):
    help = "Build the deterministic demo township 关坝镇 (synthetic people) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--households",
            type=int,
            default=None,
            help="total households (default 6250, about 20,000 residents)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        try:
            summary = generate(
                seed=options["seed"],
                households=options["households"],
                stdout=self.stdout if options["verbosity"] > 0 else None,
            )
        except DemoError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        for line in [*report.summary_lines(summary), "", *report.login_lines()]:
            self.stdout.write(line)
