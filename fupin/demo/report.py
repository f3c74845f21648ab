"""What `fupin seed-demo`, `fupin demo` and `fupin demo-files` print: the figures, the table of
demo logins, and the department files with what is planted in each."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fupin.accounts.models import User
from fupin.accounts.roles import Role
from fupin.demo.department_files import FILES, read_planted
from fupin.demo.department_files.common import REFUSED_COUNTS
from fupin.demo.generator import DemoSummary
from fupin.demo.households import SEED_QUOTAS
from fupin.demo.users import DEMO_LOGINS, DEMO_PASSWORD
from fupin.registry.codes import HouseholdType


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal column, counting a Chinese character as two columns."""
    return text + " " * max(0, width - _width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) + 2 for i in range(len(rows[0]))]
    return ["  " + "".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


def summary_lines(summary: DemoSummary) -> list[str]:
    """户数/人数 by 户类型, each followed by its 监测对象类别, as written."""
    lines = [
        f"Demo township 关坝镇 (seed {summary.seed}) written in {summary.seconds:.1f} s: "
        f"{summary.villages} villages, {summary.groups} groups.",
    ]
    rows = [["", "households", "people"]]
    for household_type in HouseholdType:
        tally = summary.by_type.get(household_type)
        if tally is None:
            continue
        rows.append([household_type.value, str(tally.households), str(tally.people)])
        for quota in SEED_QUOTAS:
            within = summary.by_category.get(quota.category)
            if quota.household_type == household_type and within is not None:
                name = f"  of which {quota.category}"
                rows.append([name, str(within.households), str(within.people)])
    rows.append(["total", str(summary.households), str(summary.people)])
    cases = f"Monitoring cases (防返贫监测) in 凉风村 and 示范一村: {summary.cases}."
    return [*lines, *_table(rows), cases]


def login_lines() -> list[str]:
    """The demo logins present in the database, with the role, the unit and the password."""
    users = User.objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    by_name = {user.username: user for user in users.select_related("org_unit")}
    rows = [["username", "role", "unit", "password"]]
    for login in DEMO_LOGINS:
        user = by_name.get(login.username)
        if user is None:
            continue
        unit = f"{user.org_unit.name} {user.org_unit.code}" if user.org_unit else ""
        rows.append([user.username, str(Role(user.role).label), unit, DEMO_PASSWORD])
    if len(rows) == 1:
        return ["No demo logins in this database."]
    return ["Demo logins (the password is the same for all):", *_table(rows)]


def department_file_lines(folder: Path) -> list[str]:
    """The demo's department files, each with what is planted and what should catch it."""
    planted = read_planted(folder)
    lines = [
        f"Department files to try the import with, in {folder}",
        "(planted.json lists every planted row and person; docs/datahub.md explains them):",
    ]
    for feed, entry in planted["files"].items():
        lines.append(f"  {entry['file']}  [fupin import {feed} FILE]")
        for problem in entry["problems"].values():
            caught = problem["caught_by"]
            if caught in REFUSED_COUNTS:
                how = f"import: {caught}"
            else:
                how = f"rule {caught}" if caught else "no rule yet: for the eye"
            lines.append(f"    {problem['count']} × {problem['what']}  ({how})")
    example = folder / FILES["disability"]
    lines += [
        f'Import one:  fupin import disability "{example}"',
        f"Then screen as of the demo's day:  fupin screen --date {planted['screening_date']}",
    ]
    return lines
