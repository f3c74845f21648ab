"""fupin users add USERNAME --role ROLE --unit CODE [--password-stdin] [--name NAME]"""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actions import user_add
from fupin.accounts.roles import Role
from fupin.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage users."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="Add a user with a role at an org unit.")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--unit", required=True, help="statistical code of the org unit")
        add.add_argument("--name", default="", help="display name")
        add.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args: object, **options: object) -> None:
        password = None
        if options["password_stdin"]:
            # checked by the action with Django's password validators (weak_password)
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("The password read from standard input is empty.")
        unit_code = str(options["unit"])
        try:
            user = user_add(
                actor=None,
                username=str(options["username"]),
                role=str(options["role"]),
                unit_code=unit_code,
                password=password,
                display_name=str(options["name"]),
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(f"added {user.username} ({user.role} at {unit_code})")
