"""The households of a national file, matched with the registry and planned as writes.

A household of the file is its rows with the same 户编号 (`PersonRow.key`). It goes in whole
or not at all, by the registry's rules:

- exactly one row is the head (户主), and its 村 (under its 乡, if given) is a village of the
  importing unit; rows of the household in another village are refused;
- it is the registry household with its 户编号; else the one its head is already a member of
  (which takes the number, unless it has another); else a new household. No two households of
  a file may come to the same registry household;
- a person already in another household stays there: the row is refused (a move between
  households is a change the village makes, with its reason, not an import);
- the household keeps one head: a head in the registry whom the file does not list refuses it.

A refused head row refuses its household. The plan is made once to stage the file (what would
change) and again, on the registry as it then is, to promote it: the two must agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import OrgUnit
from fupin.core.money import quantize
from fupin.registry import codes
from fupin.registry.actions import net_income
from fupin.registry.models import (
    Household,
    HouseholdStatus,
    IncomeRecord,
    Member,
)
from fupin.registry.national import rows as national_rows
from fupin.registry.national.refusals import (
    HouseholdRefused,
    display_key,
    head_refused,
    problem,
    unknown_village,
)
from fupin.registry.national.rows import LABELS, PersonRow, Problem, Refused
from fupin.registry.national.state import RegistryState, VillageIndex, diff

STATUS = ("household_type", "monitoring_category")  # changed with a dated StatusChange
MEMBER_LABELS = {
    target.split(".", 1)[1]: label
    for target, label in LABELS.items()
    if target.startswith("member.")
}
HOUSEHOLD_LABELS = {
    **{
        target.split(".", 1)[1]: label
        for target, label in LABELS.items()
        if target.startswith("household.")
    },
    "village": LABELS["place.village"],
    "group": "村民小组",
    "lifted_out_year": "脱贫年度",
}


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class RowResult:
    """What a row of the file does to the registry (for the preview)."""

    row: int
    key: str
    name: str
    id_number: str
    outcome: Outcome
    changes: list[str] = field(default_factory=list)  # the headers of what changes


@dataclass(eq=False)
class MemberWrite:
    row: int
    fields: dict[str, Any]
    existing: Member | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(eq=False)
class HouseholdWrite:
    """Everything one household of the file writes; `existing` None for a new household (the
    writer sets it once the household is created)."""

    key: str
    new: bool
    existing: Household | None
    village: OrgUnit
    fields: dict[str, Any]  # household fields to set (all of them for a new household)
    changes: dict[str, list[Any]]  # old ▸ new of the fields that change (existing household)
    status: dict[str, str] | None  # old and new 户类型 / 监测对象类别 when they change
    members: list[MemberWrite]
    income: dict[str, Any] | None  # the IncomeRecord values of the year, when they change
    income_existing: IncomeRecord | None
    income_changes: dict[str, list[Any]]
    risks: tuple[set[str], set[str]] | None  # (current, wanted) when they change

    @property
    def changes_anything(self) -> bool:
        """Whether writing the household changes the registry at all (its version moves)."""
        return self.touches_household or any(
            member.existing is None or member.changes for member in self.members
        )

    @property
    def touches_household(self) -> bool:
        return bool(
            self.new
            or self.changes
            or self.status
            or self.income is not None
            or self.risks is not None
        )


@dataclass
class Plan:
    writes: list[HouseholdWrite] = field(default_factory=list)
    refusals: list[tuple[PersonRow, Problem]] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)

    def refuse(self, rows: Iterable[PersonRow], problem: Problem) -> None:
        self.refusals.extend((row, problem) for row in rows)


class Planner:
    """Plans the households of one file for one unit, chunk after chunk (see the module)."""

    def __init__(self, *, unit: OrgUnit, year: int, today: dt.date) -> None:
        self.unit, self.year, self.today = unit, year, today
        self.villages = VillageIndex(unit)
        self.claimed: dict[int, str] = {}  # registry household ▸ the file's household key
        self.refused_heads: dict[str, int] = {}

    def plan(
        self,
        groups: list[list[PersonRow]],
        sizes: dict[str, int],
        *,
        refused_heads: dict[str, int] | None = None,
    ) -> Plan:
        """The households of a chunk; `refused_heads` names the head rows refused on reading."""
        plan = Plan()
        state = RegistryState.read(groups, self.year)
        self.refused_heads = refused_heads or {}
        for rows in groups:
            try:
                write = self.household(rows, sizes.get(rows[0].key, len(rows)), state, plan)
            except HouseholdRefused as refused:
                refused.record(plan)
                continue
            plan.writes.append(write)
        return plan

    # ---- one household ----------------------------------------------------------------------

    def household(
        self, rows: list[PersonRow], size: int, state: RegistryState, plan: Plan
    ) -> HouseholdWrite:
        head = self.head_of(rows)
        village = self.villages.find(head.get("place.township"), head.get("place.village"))
        if village is None:
            raise HouseholdRefused(rows, unknown_village(head))
        rows = self.same_place(rows, head, plan)
        target = self.target(rows, head, state)
        rows = self.members_here(rows, head, target, state, plan)
        self.check_heads(rows, head, target, state)
        try:
            return self.write(rows, head, size, village, target, state, plan)
        except Refused as refused:
            raise HouseholdRefused(rows, refused.problem, head=head) from None

    def head_of(self, rows: list[PersonRow]) -> PersonRow:
        heads = [row for row in rows if row.is_head]
        refused_head = self.refused_heads.get(rows[0].key)
        if not heads and refused_head is not None:
            raise HouseholdRefused(rows, head_refused(refused_head))
        if not heads:
            raise HouseholdRefused(
                rows,
                problem(
                    "no_head",
                    _("Household %(household)s has no head (户主) row that can be imported.")
                    % {"household": display_key(rows[0].key)},
                    "member.relation",
                ),
            )
        if len(heads) > 1:
            raise HouseholdRefused(
                rows,
                problem(
                    "two_heads",
                    _("Household %(household)s has more than one head (户主): rows %(rows)s.")
                    % {
                        "household": display_key(rows[0].key),
                        "rows": "、".join(str(row.row) for row in heads),
                    },
                    "member.relation",
                ),
            )
        return heads[0]

    def same_place(self, rows: list[PersonRow], head: PersonRow, plan: Plan) -> list[PersonRow]:
        place = ("place.township", "place.village")
        elsewhere = [
            row
            for row in rows
            if row is not head and any(row.get(t) and row.get(t) != head.get(t) for t in place)
        ]
        plan.refuse(
            elsewhere,
            problem(
                "place_mismatch",
                _("The row's village differs from the head's row (row %(row)s).")
                % {"row": head.row},
                "place.village",
            ),
        )
        return [row for row in rows if row not in elsewhere]

    def target(
        self, rows: list[PersonRow], head: PersonRow, state: RegistryState
    ) -> Household | None:
        """The registry household this household of the file is (None: a new one)."""
        number = head.get("household.national_number") or None
        found = state.by_number.get(number) if number else None
        if found is None:
            member = state.by_id_number.get(head.id_number)
            if member is not None:
                found = member.household
                if number and found.national_number and found.national_number != number:
                    raise HouseholdRefused(
                        rows,
                        problem(
                            "head_in_other_household",
                            _("The head is already in household %(household)s.")
                            % {"household": self.name_of(found)},
                            "member.id_number",
                        ),
                    )
        if found is None:
            return None
        if not found.village.is_within(self.unit):
            raise HouseholdRefused(
                rows,
                problem(
                    "household_outside_area",
                    _("This household is registered outside the area of the import."),
                    "household.national_number",
                ),
            )
        if found.status != HouseholdStatus.ACTIVE:
            raise HouseholdRefused(
                rows,
                problem(
                    "household_closed",
                    _("Household %(household)s is closed in the registry.")
                    % {"household": self.name_of(found)},
                    "household.national_number",
                ),
            )
        other = self.claimed.get(found.pk)
        if other is not None and other != head.key:
            raise HouseholdRefused(
                rows,
                problem(
                    "same_registry_household",
                    _("Household %(other)s of this file is already this registry household.")
                    % {"other": display_key(other)},
                    "household.national_number",
                ),
            )
        return found

    def members_here(
        self,
        rows: list[PersonRow],
        head: PersonRow,
        target: Household | None,
        state: RegistryState,
        plan: Plan,
    ) -> list[PersonRow]:
        """The rows whose person is not a member of another household (the head's first)."""
        elsewhere = self.elsewhere(head, target, state)
        if elsewhere is not None:
            raise HouseholdRefused(rows, elsewhere, head=head)
        kept = []
        for row in rows:
            found = self.elsewhere(row, target, state)
            if found is None:
                kept.append(row)
            else:
                plan.refuse([row], found)
        return kept

    def elsewhere(
        self, row: PersonRow, target: Household | None, state: RegistryState
    ) -> Problem | None:
        member = state.by_id_number.get(row.id_number)
        if member is None or (target is not None and member.household_id == target.pk):
            return None
        return problem(
            "id_in_other_household",
            _("This person is already a member of household %(household)s.")
            % {"household": self.name_of(member.household)},
            "member.id_number",
        )

    def check_heads(
        self,
        rows: list[PersonRow],
        head: PersonRow,
        target: Household | None,
        state: RegistryState,
    ) -> None:
        if target is None:
            return
        listed = {row.id_number for row in rows}
        for member in state.members_of.get(target.pk, []):
            if member.relation == codes.Relation.HEAD and member.id_number not in listed:
                raise HouseholdRefused(
                    rows,
                    problem(
                        "head_not_in_file",
                        _(
                            "The head of this household in the registry (%(name)s) is not in "
                            "the file; change the head in the registry first."
                        )
                        % {"name": member.name},
                        "member.relation",
                    ),
                )

    def name_of(self, household: Household) -> str:
        if household.village.is_within(self.unit):
            return str(household)
        return str(_("outside the area of the import"))

    # ---- the writes -------------------------------------------------------------------------

    def write(
        self,
        rows: list[PersonRow],
        head: PersonRow,
        size: int,
        village: OrgUnit,
        target: Household | None,
        state: RegistryState,
        plan: Plan,
    ) -> HouseholdWrite:
        new = target is None
        fields = national_rows.household_fields(
            head, current_grade=target.housing_grade if target else ""
        )
        status = national_rows.status_fields(head, new=new)
        fields.update(status)
        if fields.get("monitoring_category") and (
            fields.get("household_type", target.household_type if target else "")
            == codes.HouseholdType.POOR
        ):
            raise Refused(
                problem(
                    "category_for_poor",
                    _(
                        "A registered poor household is assisted as poor, not placed under "
                        "monitoring."
                    ),
                    "household.monitoring_category",
                )
            )
        fields["village"] = village
        if target is not None and target.village_id != village.pk:
            fields["group"] = None  # a village group of the village it leaves
        number = head.get("household.national_number") or None
        if number or new:
            fields["national_number"] = number or (target.national_number if target else None)
        write = HouseholdWrite(
            key=head.key, new=new, existing=target, village=village, fields=fields, changes={},
            status=None, members=[], income=None, income_existing=None, income_changes={},
            risks=None,
        )  # fmt: skip
        if target is None:
            self.new_household(write, status)
        else:
            self.claimed[target.pk] = head.key
            self.changed_household(write, target, status)
        self.plan_members(write, rows, state)
        self.plan_income(write, head, size, state)
        self.plan_risks(write, head, state)
        self.results(write, rows, head, plan)
        return write

    def new_household(self, write: HouseholdWrite, status: dict[str, str]) -> None:
        if status.get("monitoring_category") and "monitoring_identified_on" not in write.fields:
            write.fields["monitoring_identified_on"] = self.today

    def changed_household(
        self, write: HouseholdWrite, target: Household, status: dict[str, str]
    ) -> None:
        old_type, old_category = target.household_type, target.monitoring_category
        new_type = status.get("household_type", old_type)
        new_category = status.get("monitoring_category", old_category)
        if (new_type, new_category) != (old_type, old_category):
            write.status = {
                "old_household_type": old_type,
                "new_household_type": new_type,
                "old_monitoring_category": old_category,
                "new_monitoring_category": new_category,
            }
            if new_category and not old_category and "monitoring_identified_on" not in write.fields:
                write.fields["monitoring_identified_on"] = self.today
            if new_type == codes.HouseholdType.LIFTED_OUT and old_type == codes.HouseholdType.POOR:
                write.fields["lifted_out_year"] = self.today.year
        facts = {name: value for name, value in write.fields.items() if name not in STATUS}
        write.changes = diff({name: getattr(target, name) for name in facts}, facts)

    def plan_members(
        self, write: HouseholdWrite, rows: list[PersonRow], state: RegistryState
    ) -> None:
        current = (
            {m.id_number: m for m in state.members_of.get(write.existing.pk, [])}
            if (write.existing)
            else {}
        )
        for row in rows:
            existing = current.get(row.id_number)
            fields = national_rows.member_fields(row, new=existing is None)
            changes = (
                {}
                if existing is None
                else diff({name: getattr(existing, name) for name in fields}, fields)
            )
            write.members.append(MemberWrite(row.row, fields, existing, changes))

    def plan_income(
        self, write: HouseholdWrite, head: PersonRow, size: int, state: RegistryState
    ) -> None:
        found = national_rows.income_amounts(head, size)
        if found is None:
            return
        amounts, worked_out = found
        existing = state.incomes.get(write.existing.pk) if write.existing else None
        net = net_income(amounts)
        values: dict[str, Any] = {
            **{name: quantize(value) for name, value in amounts.items()},
            "claims_income": existing.claims_income if existing else Decimal("0.00"),
            "household_size": size,
            "net_income": quantize(net),
            "per_capita_net_income": quantize(net / size),
        }
        if existing is not None:
            changes = diff({name: getattr(existing, name) for name in values}, values)
            if not changes:
                return
            write.income_changes = changes
        else:
            write.income_changes = diff({}, values)
        values["note"] = str(
            _("From the national system; 财产性收入 or 生产经营性支出 worked out from 人均纯收入.")
            if worked_out
            else _("From the national system.")
        )
        write.income, write.income_existing = values, existing

    def plan_risks(self, write: HouseholdWrite, head: PersonRow, state: RegistryState) -> None:
        wanted = national_rows.risk_codes(head)
        if wanted is None:
            return
        current = state.risks.get(write.existing.pk, set()) if write.existing else set()
        if wanted != current:
            write.risks = (current, wanted)

    def results(
        self, write: HouseholdWrite, rows: list[PersonRow], head: PersonRow, plan: Plan
    ) -> None:
        household_changes = [HOUSEHOLD_LABELS.get(name, name) for name in write.changes]
        if write.status:
            household_changes.append(LABELS["household.household_type"])
        if write.income is not None:
            household_changes.append(LABELS["income.per_capita_net_income"])
        if write.risks is not None:
            household_changes.append(LABELS["risk.1"])
        for row, member in zip(rows, write.members, strict=True):
            if write.new or member.existing is None:
                outcome, changes = Outcome.NEW, []
            else:
                changes = [MEMBER_LABELS.get(name, name) for name in member.changes]
                if row is head:
                    changes = household_changes + changes
                outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
            plan.results.append(
                RowResult(row.row, row.key, row.name, row.id_number, outcome, changes)
            )
