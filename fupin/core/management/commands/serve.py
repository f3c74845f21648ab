"""fupin serve [--host H] [--port P] [--no-worker] — serve the app with waitress, and run the
background tasks (imports …) in a worker thread of the same process unless --no-worker."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve fupin over HTTP with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run background tasks here (run `fupin worker` separately)",
        )

    def handle(self, *args: object, **options: object) -> None:
        from waitress import serve

        from fupin.core import startup, tasks
        from fupin.wsgi import application

        startup.run_all()
        if not options["no_worker"] and tasks.start_worker_thread() is not None:
            self.stdout.write("background tasks run in this process (--no-worker to stop that)")
        if not settings.STATIC_ROOT.exists():
            self.stderr.write("static files are not collected; run `make setup` first")
        self.stdout.write(f"fupin at http://{options['host']}:{options['port']}/", ending="\n")
        self.stdout.flush()
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
