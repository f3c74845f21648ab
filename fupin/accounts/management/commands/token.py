"""fupin token create USERNAME [--label LABEL] — prints a new API token once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actions import token_create
from fupin.accounts.models import User


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Create a token and print it.")
        create.add_argument("username")
        create.add_argument("--label", default="")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['username']!r}")
        self.stdout.write(token_create(actor=None, user=user, label=str(options["label"])))
