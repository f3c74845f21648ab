"""A deterministic synthetic township for cross-engine tests: random, but the same every run.

No real person's data: ID numbers are "ID" + a serial, phones come from a tiny pool so that
some are shared, and a few ID numbers are duplicated on purpose.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from fupin.rules.catalog import default_catalog
from fupin.rules.snapshot import Snapshot

VILLAGES = ["500110103201", "500110103202", "500110103203", "500110104201"]
START = dt.date(2019, 1, 1)


class Township:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in default_catalog().tables}
        self.next_person = 1

    def pick(self, values: list[Any] | tuple[Any, ...], none_share: float = 0.0) -> Any:
        return None if self.random.random() < none_share else self.random.choice(values)

    def codes(self, name: str) -> tuple[str, ...]:
        return default_catalog().codes(name).values

    def day(self, start: dt.date = START, days: int = 730) -> dt.date:
        return start + dt.timedelta(days=self.random.randrange(days))

    def money(self, high: int) -> Decimal:
        return Decimal(self.random.randrange(high * 100)) / 100

    def chance(self, share: float) -> bool:
        return self.random.random() < share

    def household(self, household_id: int) -> None:
        monitored = self.chance(0.3)
        self.rows["households"].append(
            {
                "household_id": household_id,
                "village_code": self.pick(VILLAGES),
                "group_code": "01",
                "household_type": self.pick(self.codes("household_type")),
                "monitoring_category": self.pick(self.codes("monitoring_category"))
                if monitored
                else None,
                "monitoring_identified_on": self.day() if monitored else None,
                "lifted_out_year": self.pick([2016, 2017, 2018, 2019], 0.5),
                "main_cause": self.pick(self.codes("poverty_cause"), 0.3),
                "fully_incapable": self.chance(0.1),
                "housing_grade": self.pick(self.codes("housing_grade"), 0.2),
                "water_safe": self.pick([True, True, True, False], 0.1),
                "status": "active" if self.chance(0.95) else "closed",
            }
        )
        for _ in range(self.random.randrange(0, 6)):
            self.person(household_id)
        for year in (2019, 2020):
            if self.chance(0.9):
                self.income(household_id, year)
        if self.chance(0.5):
            self.rows["measures"].append(
                {
                    "household_id": household_id,
                    "kind": self.pick(self.codes("measure_kind")),
                    "started_on": self.day(),
                    "ended_on": None,
                }
            )
        if self.chance(0.3):
            self.rows["risks"].append({"household_id": household_id, "risk_type": "01"})

    def income(self, household_id: int, year: int) -> None:
        size = self.random.randrange(0, 7)
        net = self.money(60000)
        per_capita = (net / size).quantize(Decimal("0.01")) if size else Decimal(0)
        if self.chance(0.2):
            per_capita += Decimal("0.01")
        self.rows["incomes"].append(
            {
                "household_id": household_id,
                "year": year,
                "wage": self.money(30000),
                "household_size": size,
                "net_income": net,
                "per_capita_net_income": per_capita,
            }
        )

    def person(self, household_id: int) -> None:
        person_id = self.next_person
        self.next_person += 1
        id_number = (
            f"ID{self.random.randrange(1, person_id + 1):06d}" if self.chance(0.03) else None
        )
        self.rows["persons"].append(
            {
                "person_id": person_id,
                "household_id": household_id,
                "id_number": id_number or f"ID{person_id:06d}",
                "name": f"成员{person_id}",
                "sex": self.pick(["1", "2"]),
                "birth_date": self.day(dt.date(1940, 1, 1), 365 * 80),
                "relation": self.pick(self.codes("relation")),
                "school_status": self.pick(self.codes("school_status")),
                "health": self.pick(self.codes("health")),
                "labour_skill": self.pick(self.codes("labour_skill")),
                "resident_medical_insurance": self.chance(0.85),
                "employee_medical_insurance": self.chance(0.1),
                "dibao": self.chance(0.1),
                "tekun": self.chance(0.03),
                "phone": f"1380000{self.random.randrange(400):04d}" if self.chance(0.7) else None,
                "status": "active" if self.chance(0.92) else "removed",
            }
        )
        self.department_rows(person_id, id_number or f"ID{person_id:06d}")

    def department_rows(self, person_id: int, id_number: str) -> None:
        matched = person_id if self.chance(0.6) else None
        base = {"id_number": id_number, "person_id": matched}
        for _ in range(self.random.randrange(0, 3)):
            visit = self.day()
            self.rows["medical_claims"].append(
                {
                    **base,
                    "claim_no": f"C{len(self.rows['medical_claims'])}",
                    "visit_on": visit,
                    "visit_type": self.pick(self.codes("visit_type")),
                    "total_cost": self.money(20000),
                    "out_of_pocket": self.money(12000),
                    "period_year": visit.year,
                    "period_month": visit.month,
                }
            )
        tables = {
            "civil_affairs_benefits": lambda: {
                "benefit": self.pick(self.codes("benefit")),
                "amount": self.money(800),
            },
            "register_events": lambda: {
                "event": self.pick(self.codes("register_event")),
                "event_on": self.day(),
            },
            "vehicle_registrations": lambda: {"plate_no": "渝B00000", "registered_on": self.day()},
            "employment": lambda: {
                "job_kind": "务工" if self.chance(0.7) else self.pick(self.codes("job_kind")),
                "monthly_wage": self.money(40000),
            },
            "student_enrollments": lambda: {"enrolment": self.pick(self.codes("enrolment"))},
            "water_checks": lambda: {"safe": self.chance(0.7), "checked_on": self.day()},
        }
        for table, make in tables.items():
            if self.chance(0.15):
                year, month = self.pick([2019, 2020]), self.random.randrange(1, 13)
                row = {**base, "period_year": year, "period_month": month, **make()}
                self.rows[table].append(row)


def generate_township(path: Path, *, households: int, seed: int) -> Snapshot:
    township = Township(seed)
    for household_id in range(1, households + 1):
        township.household(household_id)
    snapshot = Snapshot.create(path)
    for table, rows in township.rows.items():
        snapshot.write_rows(table, rows)
    snapshot.write_rows("persons__outside", outside_rows(township.rows["persons"], households))
    return snapshot


def outside_rows(persons: list[dict[str, Any]], households: int) -> list[dict[str, Any]]:
    """People of another area who share an ID number (every 50th person) or a phone (every
    40th) with someone here: the key columns the tallies read, nothing else."""
    rows = []
    for person in persons:
        number = person["person_id"]
        if number % 50 == 0:
            rows.append({"household_id": households + number, "id_number": person["id_number"]})
        if number % 40 == 0 and person["phone"]:
            rows.append({"household_id": households + number, "phone": person["phone"]})
    return [{**row, "status": "active"} for row in rows]
