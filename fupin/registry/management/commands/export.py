"""fupin export national [--village CODE] [--year YYYY] [--mask] OUT.xlsx

Write the registry in the national 防返贫监测信息系统 layout (a), （自定义）监测对象信息: one row
per person of every active household of the database, or of one village, with the income of
one year (by default last year). The command line runs on the server for the whole database,
so ID numbers, phones and health are written as they are unless --mask is given; importing the
file (`fupin import national OUT.xlsx`) into an empty database gives the registry back
(docs/datahub.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.errors import DomainError
from fupin.registry.national import export


class Command(BaseCommand):
    help = "Export the registry in a national layout: `fupin export national OUT.xlsx`."

    def add_arguments(self, parser: CommandParser) -> None:
        layouts = parser.add_subparsers(dest="layout", required=True, metavar="LAYOUT")
        national = layouts.add_parser(
            "national",
            help="（自定义）监测对象信息 of the national monitoring system, one row per person",
        )
        national.add_argument("out", metavar="OUT.xlsx", help="the workbook to write")
        national.add_argument("--village", default="", help="statistical code of one village")
        national.add_argument(
            "--year", type=int, help="year of the income columns (default: last year)"
        )
        national.add_argument(
            "--mask", action="store_true", help="mask ID numbers, phones and health"
        )

    def handle(self, *args: object, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("OUT must be an .xlsx file")
        try:
            year = export.check_year(options["year"])
            village = export.check_village(None, options["village"])
        except DomainError as refused:
            raise CommandError(f"{refused.code}: {refused.message}", returncode=2) from None
        people = export.write_export(
            str(out), user=None, village=village, year=year, sensitive=not options["mask"]
        )
        scope = village.name if village is not None else "all villages"
        self.stdout.write(f"{out}: {people} people ({scope}), income of {year}")
