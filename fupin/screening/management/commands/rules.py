"""fupin rules load-pack [--file PATH] | fupin rules list — the screening rules as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fupin.screening.models import Rule
from fupin.screening.pack import PACK_FILE, load_pack


class Command(BaseCommand):
    help = "Load the standard rule pack (idempotent) or list the rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("load-pack", "list"))
        parser.add_argument("--file", default=str(PACK_FILE), help="a rule pack YAML file")

    def handle(self, *args: object, **options: Any) -> None:
        if options["action"] == "list":
            for rule in Rule.objects.prefetch_related("versions"):
                latest = max((v.number for v in rule.versions.all()), default=0)
                self.stdout.write(f"{rule.code:<42} v{latest:<3} {rule.category} {rule.name}")
            return
        result = load_pack(path=Path(options["file"]))
        self.stdout.write(
            f"rule pack: {len(result.created)} created, {len(result.revised)} revised, "
            f"{len(result.unchanged)} unchanged"
        )
