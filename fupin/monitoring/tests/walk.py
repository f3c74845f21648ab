"""What fupin/tests/test_access.py needs to walk the monitoring routes with household_a.

`build_world` gives household_a a case posted in 凉风村 with an unanswered objection, an
attachment (to the application step) and the steps before it (written straight to the tables:
the access walk tests scope, not the workflow). `prepare(path, world)` puts that case where an
API write route can be taken and names the persona whose role takes it, so the walk's bodies
are accepted from inside the village (and refused from outside it for the scope, not for the
order or role).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from fupin.accounts.models import User
from fupin.assistance.models import Measure
from fupin.monitoring.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseState,
    Clue,
    Objection,
    Posting,
)
from fupin.registry.models import Household, IncomeRecord

S = CaseState
D = dt.date
API = "/api/v1/monitoring"
CADRE, TOWNSHIP, COUNTY = "village_cadre_a", "township_officer", "county_officer"
PDF = b"%PDF-1.4\n% fupin test attachment\n"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a photo taken at the home visit"


@dataclass
class MonitoringWorld:
    case: Case
    objection: Objection
    attachment: Attachment
    officials: list[int]


def _event(case: Case, action: str, on: dt.date, to_state: str, **details: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=action, on=on, to_state=to_state, details=details
    )


def build_world(household: Household, officials: list[User]) -> MonitoringWorld:
    """household_a's case, posted 2025-06-02 to 2025-06-06, with an objection and a PDF."""
    case = Case.objects.create(
        household=household, state=S.POSTED, channel="干部排查", opened_on=D(2025, 5, 20),
        due_on=D(2025, 6, 4), applied_on=D(2025, 5, 21), authorised=True,
        proposed_category="脱贫不稳定户", risk_types=["01"], decided_on=D(2025, 5, 1),
    )  # fmt: skip
    Clue.objects.create(
        case=case, channel="干部排查", received_on=D(2025, 5, 20), description="走访发现",
        evidence={"note": "住院"},
    )  # fmt: skip
    _event(case, "clue", D(2025, 5, 20), "")
    application = _event(case, "apply", D(2025, 5, 21), S.APPLIED)
    _event(case, "verify", D(2025, 5, 23), S.VERIFIED, risk_types=["01"])
    _event(case, "village_review", D(2025, 5, 28), S.VILLAGE_REVIEWED, passed=True)
    _event(case, "post", D(2025, 6, 2), S.POSTED)
    posting = Posting.objects.create(
        case=case, phase="identification", starts_on=D(2025, 6, 2), ends_on=D(2025, 6, 6),
        place="村委会公示栏", contact="村委会 023-48612345",
    )  # fmt: skip
    objection = Objection.objects.create(
        posting=posting, received_on=D(2025, 6, 3), content="家中有车", objector="村民"
    )
    attachment = Attachment(
        case=case, event=application, kind="document", token="walk0000000000000000000000000001",
        original_name="申请书.pdf", content_type="application/pdf", size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )  # fmt: skip
    attachment.file.save("申请书.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return MonitoringWorld(case, objection, attachment, [user.pk for user in officials])


def plausible(world: MonitoringWorld, household: Household) -> dict[str, Any]:
    """Values for the monitoring bodies, all valid together for the prepared case."""
    return {
        "household_id": household.pk,
        "channel": "干部排查",
        "authorised": True,
        "officials": world.officials,
        "participants": "村两委、村民代表",
        "votes_for": 7,
        "votes_against": 1,
        "starts_on": "2025-06-16",
        "place": "村委会公示栏",
        "contact": "村委会 023-48612345",
        "content": "异议内容",
        "answer": "已核实",
        "housing_signed_by": "周建",
        "health_signed_by": "吴敏",
        "education_signed_by": "郑华",
        "water_signed_by": "冯涛",
        "category": "脱贫不稳定户",
        "kind": "就业",
        "responsible": "王志刚",
        "mode": "自然消除",
    }


def _passes_the_gate(case: Case) -> None:
    household = case.household
    Household.objects.filter(pk=household.pk).update(water_safe=True, housing_grade="A")
    household.members.update(resident_medical_insurance=True)
    last_year = timezone.localdate().year - 1
    for year in {2025, last_year}:
        IncomeRecord.objects.update_or_create(
            household=household, year=year,
            defaults={"household_size": 2, "net_income": Decimal("20000"),
                      "per_capita_net_income": Decimal("10000")},
        )  # fmt: skip
    Measure.objects.create(
        household=household, case=case, kind="就业", content="务工", responsible="王",
        started_on=D(2025, 6, 20),
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(elimination_mode="自然消除")


def _answered(case: Case) -> None:
    Objection.objects.filter(posting__case=case).update(answer="已核实", answered_on=D(2025, 6, 5))


# API write route ▸ (persona who takes it, state the case must be in, extra preparation)
ROUTES: dict[str, tuple[str, str | None, Any]] = {
    f"{API}/clues": (CADRE, None, None),
    f"{API}/cases/{{case_id}}/apply": (CADRE, S.CLUE, None),
    f"{API}/cases/{{case_id}}/verify": (CADRE, S.APPLIED, None),
    f"{API}/cases/{{case_id}}/village-review": (CADRE, S.VERIFIED, None),
    f"{API}/cases/{{case_id}}/post": (CADRE, S.VILLAGE_REVIEWED, None),
    f"{API}/cases/{{case_id}}/objections": (CADRE, S.POSTED, None),
    f"{API}/objections/{{objection_id}}/answer": (CADRE, S.POSTED, None),
    f"{API}/cases/{{case_id}}/township-review": (TOWNSHIP, S.POSTED, _answered),
    f"{API}/cases/{{case_id}}/approve-monitoring": (COUNTY, S.TOWNSHIP_REVIEWED, None),
    f"{API}/cases/{{case_id}}/reject": (CADRE, S.CLUE, None),
    f"{API}/cases/{{case_id}}/measures": (CADRE, S.MONITORED, None),
    f"{API}/cases/{{case_id}}/attachments": (CADRE, None, None),
    f"{API}/cases/{{case_id}}/propose-elimination": (CADRE, S.MONITORED, _passes_the_gate),
    f"{API}/cases/{{case_id}}/approve-elimination": (
        COUNTY,
        S.ELIMINATION_TOWNSHIP_REVIEWED,
        _passes_the_gate,
    ),
    f"{API}/cases/{{case_id}}/keep-monitoring": (CADRE, S.ELIMINATION_PROPOSED, None),
}


def upload() -> io.BytesIO:
    """A file for the multipart upload of an attachment: a photo from the home visit."""
    photo = io.BytesIO(PHOTO)
    photo.name = "入户照片.jpg"
    return photo


def prepare(path: str, world: MonitoringWorld) -> str | None:
    """Put the case where the route's step can be taken; the persona to take it, or None."""
    if path not in ROUTES:
        return None
    persona, state, extra = ROUTES[path]
    if state is not None:
        Case.objects.filter(pk=world.case.pk).update(state=state)
    if extra is not None:
        extra(world.case)
    return persona
