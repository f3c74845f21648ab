"""fupin worker [--batch] [--interval S] — run queued background tasks (imports, screenings).

`fupin serve` runs a worker in a thread already; a separate worker is for bigger sites.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core import startup, tasks


class Command(BaseCommand):
    help = "Run queued background tasks until stopped (or, with --batch, until none is left)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: object, **options: Any) -> None:
        if not tasks.uses_database_queue():
            raise CommandError("the task backend is not the database queue (FUPIN_TASK_BACKEND)")
        startup.run_all()
        runner = tasks.worker(interval=options["interval"], batch=options["batch"])
        runner.configure_signals()
        try:
            runner.run()
        finally:
            runner.reset_signals()
