"""What the access walk (fupin/tests/test_access.py) needs of screening: a run over the
township and a finding about household_a's head from the 民政 data (so department staff of
民政办 see it too), and plausible bodies for the screening writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fupin.accounts.models import User
from fupin.registry.models import Household
from fupin.screening.models import Finding, Rule, Run, RunStatus


@dataclass
class ScreeningWorld:
    run: Run
    finding: Finding


def build_world(household: Household, officer: User) -> ScreeningWorld:
    head = household.members.get(relation="户主")
    village = household.village
    run = Run.objects.create(
        created_by=officer,
        screening_date=dt.date(2025, 6, 30),
        status=RunStatus.SUCCEEDED,
        counts={"dibao_not_in_registry": {"new": 1, "open": 0, "resolved": 0}},
    )
    run.units.set([village.parent])
    rule = Rule.objects.get(code="dibao_not_in_registry")
    finding = Finding.objects.create(
        rule=rule,
        rule_version=rule.versions.get(number=1),
        subject_type="person",
        subject_id=head.pk,
        household=household,
        member=head,
        village=village,
        period=2025,
        evidence={
            "person.status": "active",
            "person.dibao": False,
            "exists(civil_affairs_benefits, civil_affairs_benefits.benefit = '低保', "
            "months => 12)": True,
        },
        first_seen_run=run,
        last_seen_run=run,
    )
    return ScreeningWorld(run=run, finding=finding)


def plausible() -> dict[str, Any]:
    """Body values for the screening writes (the finding's dismissal reason is the walk's
    shared `reason`)."""
    return {
        "rule": "unsafe_housing",
        "text": "household.housing_grade = 'D'",
        "reference": "测试用规则修订",
        "effective_from": "2025-01-01",
        "engine": "duckdb",
        "rules": ["unsafe_housing"],
    }
