"""fupin serve [--host H] [--port P] — serve the app with waitress (no dev server in production)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve fupin over HTTP with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: object, **options: object) -> None:
        from waitress import serve

        from fupin.wsgi import application

        if not settings.STATIC_ROOT.exists():
            self.stderr.write("static files are not collected; run `make setup` first")
        self.stdout.write(f"fupin at http://{options['host']}:{options['port']}/", ending="\n")
        self.stdout.flush()
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
