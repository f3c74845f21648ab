"""Write a planned chunk of a national file into the registry, in bulk, audited.

The caller holds the transaction (a promotion is all or nothing). Each household that changes
gets its version bumped once, and every change an audit event whose reason names the import;
a change of 户类型 or 监测对象类别 also a dated StatusChange. Members are written in an order the
one-head rule allows at every step: first those who stop being the head, then the new members,
then those who become the head. New rows go in through `sql.insert` (a township's file is tens
of thousands of rows); changed rows through `bulk_update`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from fupin.accounts.models import AuditEvent, User
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdRisk,
    IncomeRecord,
    Member,
    MemberStatus,
    StatusChange,
)
from fupin.registry.national import sql
from fupin.registry.national.load import STATUS, HouseholdWrite, Plan
from fupin.registry.national.state import plain

BATCH = 500
HOUSEHOLD_FIELDS = [
    field.name
    for field in Household._meta.concrete_fields
    if field.name not in ("id", "version", "created_at", "status", "address")
]  # updated_at among them
INCOME_FIELDS = [
    field.name
    for field in IncomeRecord._meta.concrete_fields
    if field.name not in ("id", "household", "year")
]
HOUSEHOLD_TYPE = Household._meta.label_lower


def columns(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Field names ▸ column attnames, a related object ▸ its id."""
    found = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            found[field.attname] = value.pk if isinstance(value, models.Model) else value
        else:
            found[name] = value
    return found


class Writer:
    """Collects the writes of a chunk and runs them as a few bulk statements."""

    def __init__(self, *, actor: User | None, reason: str, year: int) -> None:
        self.actor, self.reason, self.year = actor, reason, year
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.events: list[dict[str, Any]] = []
        self.household_base = sql.defaults(Household, ())
        self.member_base = sql.defaults(Member, ())
        self.income_base = sql.defaults(IncomeRecord, ())

    def apply(self, plan: Plan) -> None:
        self.households(plan.writes)
        self.members(plan.writes)
        self.incomes(plan.writes)
        self.risks(plan.writes)
        sql.insert(AuditEvent, self.events)
        self.events = []

    # ---- households -------------------------------------------------------------------------

    def households(self, writes: list[HouseholdWrite]) -> None:
        new = [w for w in writes if w.new]
        rows = [
            {
                **self.household_base,
                **columns(Household, w.fields),
                "created_at": self.now,
                "updated_at": self.now,
            }
            for w in new
        ]
        for write, pk in zip(new, sql.insert(Household, rows, returning=True), strict=True):
            write.existing = Household(pk=pk, village=write.village)
            changes = {name: [None, plain(value)] for name, value in write.fields.items()}
            self.event("household.register", HOUSEHOLD_TYPE, pk, write, changes)
        changed = [w for w in writes if not w.new and (w.changes or w.status)]
        for write in changed:
            record = write.existing
            assert record is not None
            for name, value in write.fields.items():
                setattr(record, name, value)
            record.updated_at = self.now
            if write.changes:
                self.event("household.update", HOUSEHOLD_TYPE, record.pk, write, write.changes)
            if write.status:
                changes = self.status(write)
                self.event("household.change_status", HOUSEHOLD_TYPE, record.pk, write, changes)
        Household.objects.bulk_update(
            [w.existing for w in changed if w.existing is not None],
            HOUSEHOLD_FIELDS,
            batch_size=BATCH,
        )
        sql.insert(
            StatusChange,
            [
                {
                    "household_id": w.existing.pk,
                    "effective_on": self.today,
                    "reason": self.reason,
                    "actor_id": self.actor.pk if self.actor else None,
                    "at": self.now,
                    **w.status,
                }
                for w in changed
                if w.status and w.existing is not None
            ],
        )
        touched = [w.existing.pk for w in writes if not w.new and w.existing and w.changes_anything]
        for start in range(0, len(touched), BATCH):
            Household.objects.filter(pk__in=touched[start : start + BATCH]).update(
                version=F("version") + 1, updated_at=self.now
            )

    def status(self, write: HouseholdWrite) -> dict[str, list[Any]]:
        status = write.status or {}
        return {
            name: [status[f"old_{name}"], status[f"new_{name}"]]
            for name in STATUS
            if status[f"old_{name}"] != status[f"new_{name}"]
        }

    # ---- members ----------------------------------------------------------------------------

    def members(self, writes: list[HouseholdWrite]) -> None:
        stepping_down: list[Member] = []
        becoming_head: list[Member] = []
        others: list[Member] = []
        creates: list[tuple[HouseholdWrite, dict[str, Any]]] = []
        for write in writes:
            assert write.existing is not None
            for planned in write.members:
                if planned.existing is None:
                    creates.append((write, planned.fields))
                    continue
                if not planned.changes:
                    continue
                record = planned.existing
                was_head = record.relation == codes.Relation.HEAD
                for name, value in planned.fields.items():
                    setattr(record, name, value)
                record.updated_at = self.now
                is_head = record.relation == codes.Relation.HEAD
                group = stepping_down if was_head and not is_head else others
                (becoming_head if is_head and not was_head else group).append(record)
                self.event("member.update", "registry.member", record.pk, write, planned.changes)
        fields = sorted({name for w in writes for m in w.members for name in m.fields})
        Member.objects.bulk_update(stepping_down, [*fields, "updated_at"], batch_size=BATCH)
        self.create_members(creates)
        Member.objects.bulk_update(
            [*others, *becoming_head], [*fields, "updated_at"], batch_size=BATCH
        )

    def create_members(self, creates: list[tuple[HouseholdWrite, dict[str, Any]]]) -> None:
        rows = [
            {
                **self.member_base,
                **fields,
                "household_id": write.existing.pk if write.existing else None,
                "status": MemberStatus.ACTIVE,
                "created_at": self.now,
                "updated_at": self.now,
            }
            for write, fields in creates
        ]
        ids = sql.insert(Member, rows, returning=True)
        for (write, fields), pk in zip(creates, ids, strict=True):
            changes = {name: [None, plain(value)] for name, value in fields.items()}
            self.event("member.add", "registry.member", pk, write, changes)

    # ---- income and risks -------------------------------------------------------------------

    def incomes(self, writes: list[HouseholdWrite]) -> None:
        creates: list[HouseholdWrite] = []
        updates: list[IncomeRecord] = []
        for write in writes:
            if write.income is None:
                continue
            record = write.income_existing
            if record is None:
                creates.append(write)
                continue
            for name, value in {**write.income, "recorded_by": self.actor}.items():
                setattr(record, name, value)
            record.updated_at = self.now
            updates.append(record)
            self.event("income.record", "registry.incomerecord", record.pk, write,
                       write.income_changes)  # fmt: skip
        rows = [
            {
                **self.income_base,
                **(w.income or {}),
                "household_id": w.existing.pk if w.existing else None,
                "year": self.year,
                "recorded_by_id": self.actor.pk if self.actor else None,
                "updated_at": self.now,
            }
            for w in creates
        ]
        for write, pk in zip(creates, sql.insert(IncomeRecord, rows, returning=True), strict=True):
            self.event("income.record", "registry.incomerecord", pk, write, write.income_changes)
        IncomeRecord.objects.bulk_update(updates, INCOME_FIELDS, batch_size=BATCH)

    def risks(self, writes: list[HouseholdWrite]) -> None:
        adds: list[dict[str, Any]] = []
        for write in writes:
            if write.risks is None or write.existing is None:
                continue
            current, wanted = write.risks
            gone = current - wanted
            if gone:
                HouseholdRisk.objects.filter(household=write.existing, risk_type__in=gone).delete()
            noted_on = write.fields.get("monitoring_identified_on") or self.today
            adds.extend(
                {"household_id": write.existing.pk, "risk_type": code, "noted_on": noted_on}
                for code in sorted(wanted - current)
            )
            changes = {"risk_types": [sorted(current), sorted(wanted)]}
            self.event("household.set_risks", HOUSEHOLD_TYPE, write.existing.pk, write, changes)
        sql.insert(HouseholdRisk, adds)

    # ---- audit ------------------------------------------------------------------------------

    def event(
        self,
        action: str,
        target_type: str,
        target_id: int,
        write: HouseholdWrite,
        changes: dict[str, Any],
    ) -> None:
        assert write.existing is not None
        self.events.append(
            {
                "at": self.now,
                "actor_id": self.actor.pk if self.actor else None,
                "action": action,
                "target_type": target_type,
                "target_id": str(target_id),
                "subject_type": HOUSEHOLD_TYPE,
                "subject_id": str(write.existing.pk),
                "org_unit_id": write.village.pk,
                "changes": changes,
                "reason": self.reason,
            }
        )
