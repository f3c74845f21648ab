"""The `fupin` command: the management commands a township office needs, by their own names.

fupin demo | migrate | seed-demo | users add | token create | serve | <any manage.py command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["fupin", *args])


if __name__ == "__main__":
    main()
