"""fupin monitoring-overdue [--date YYYY-MM-DD] — overdue cases, per person who must act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation

from fupin.monitoring.models import Case
from fupin.monitoring.selectors import overdue_q, responsible_users


class Command(BaseCommand):
    help = (
        "List the monitoring cases past their decision day (≤ 15 days from the clue), grouped "
        "by the people whose role takes the case's next step."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, default=None, help="as of this day (today)"
        )

    def handle(self, *args: object, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        today = options["date"] or timezone.localdate()
        cases = (
            Case.objects.filter(overdue_q(today))
            .select_related("household", "household__village")
            .order_by("due_on", "id")
        )
        by_person: dict[str, list[Case]] = {}
        for case in cases:
            names = [f"{user.username} {user}" for user in responsible_users(case=case)]
            for name in names or ["(nobody may take the step)"]:
                by_person.setdefault(name, []).append(case)
        if not by_person:
            self.stdout.write(f"No overdue cases on {today.isoformat()}.")
            return
        self.stdout.write(f"Overdue monitoring cases on {today.isoformat()}: {cases.count()}")
        for person, overdue in sorted(by_person.items()):
            self.stdout.write(f"{person}:")
            for case in overdue:
                household = case.household
                days = (today - case.due_on).days
                self.stdout.write(
                    f"  case {case.pk}  {household.village.name}  {household.national_number}  "
                    f"{case.get_state_display()}  due {case.due_on.isoformat()} ({days} days late)"
                )
