"""How fast the screening engine runs the standard rule pack, against the limit and a baseline.

    .venv/bin/python bench/screening.py [--people 1000000] [--engines duckdb,postgres,spark]
                                        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

Generates a county-scale snapshot straight into Parquet with the core's deterministic township
generator (fupin/rules/tests/township.py) scaled up — about 2.5 people per household and ~1.9
department rows per person — then, each in a fresh process (so each peak RSS is its own):

- ours: the whole standard rule pack (fupin/screening/rulepack/standard.yaml) compiled with a
  county scope and run by each engine (DuckDB, PostgreSQL — copying the snapshot into temporary
  tables is part of its time — and Spark in local mode); and the same on DUCKDB for SUBSET, the
  eight rules also written by hand;
- limit: one hand-written DuckDB query doing the eight SUBSET checks (HAND_SQL);
- baseline: a plain per-record Python loop over the SUBSET rules (the way spreadsheet scripts
  do it, with dict indexes), on a sample of households, extrapolated to all.

It checks that the hand-written query finds exactly what our engine finds, and prints a
Markdown table (people screened per second, ratios, peak RSS). Nothing is asserted: the numbers
go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCREENING_DATE = dt.date(2020, 12, 31)
SCOPE_PREFIX = "500110"
SUBSET = (
    "unsafe_housing",
    "income_below_line_not_monitored",
    "medical_spending_over_share",
    "no_basic_medical_insurance",
    "child_out_of_school",
    "duplicate_id_number",
    "deceased_still_active",
    "incapable_household_not_flagged",
)
CHUNK_HOUSEHOLDS = 20_000
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEPARTMENT_TABLES = ("medical_claims", "student_enrollments", "register_events")

# ---- the snapshot ---------------------------------------------------------------------------


def generate(path: Path, people: int, seed: int = 20201231) -> dict[str, int]:
    """A county snapshot of about `people` people, written in chunks of households."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from fupin.rules.snapshot import Snapshot, arrow_schema, conform
    from fupin.rules.tests.township import Township

    households = max(int(people / 2.5), 1)
    snapshot = Snapshot.create(path)
    catalog = snapshot.catalog
    writers = {
        name: pq.ParquetWriter(snapshot.table_path(name), arrow_schema(table), compression="zstd")
        for name, table in catalog.tables.items()
    }
    counts: Counter[str] = Counter()
    township = Township(seed)
    for start in range(1, households + 1, CHUNK_HOUSEHOLDS):
        for household_id in range(start, min(start + CHUNK_HOUSEHOLDS, households + 1)):
            township.household(household_id)
        for name, rows in township.rows.items():
            if rows:
                table = catalog.tables[name]
                data = pa.Table.from_pylist(_typed(table, rows), schema=arrow_schema(table))
                writers[name].write_table(conform(table, data))
                counts[name] += len(rows)
                rows.clear()
    for writer in writers.values():
        writer.close()
    for name, rows in counts.items():
        snapshot._update_manifest(name, rows)
    return dict(counts)


def _typed(table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    columns = list(table.columns)
    return [{column: row.get(column) for column in columns} for row in rows]


# ---- one measurement per process ------------------------------------------------------------


def pack_sources(codes: tuple[str, ...] | None = None) -> list[Any]:
    from fupin.rules.language import RuleSource
    from fupin.screening.pack import read_pack

    return [
        RuleSource(spec["code"], spec["subject"], spec["text"])
        for spec in read_pack()
        if codes is None or spec["code"] in codes
    ]


def parameters() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from fupin.screening.parameters import run_parameters

    return run_parameters(on=SCREENING_DATE)


def measure_engine(engine_name: str, snapshot_path: Path, subset: bool, pg_url: str) -> dict:
    from fupin.rules.engines import get_engine
    from fupin.rules.language import Scope, compile_rules
    from fupin.rules.snapshot import Snapshot

    rules = compile_rules(
        pack_sources(SUBSET if subset else None), scope=Scope(code_prefixes=(SCOPE_PREFIX,))
    )
    options: dict[str, Any] = {}
    if engine_name == "postgres":
        options["conninfo"] = pg_url
    if engine_name == "spark":
        from fupin.rules.engines.spark_engine import local_session

        options["session"] = local_session(cores=os.cpu_count() or 2, driver_memory="3g")
    engine = get_engine(engine_name, **options)
    params = parameters()
    began = time.perf_counter()
    hits = engine.run(
        rules, snapshot=Snapshot(snapshot_path), screening_date=SCREENING_DATE, params=params
    )
    seconds = time.perf_counter() - began
    if engine_name == "spark":
        options["session"].stop()
    found = sorted({(hit.rule_code, hit.subject_id) for hit in hits})
    return {"seconds": seconds, "hits": len(hits), "rules": len(rules), "found": found}


HAND_SQL = """
WITH hh AS (SELECT * FROM households WHERE village_code LIKE '{prefix}%'),
p AS (SELECT persons.* FROM persons JOIN hh USING (household_id)),
member AS (SELECT * FROM persons WHERE status = 'active'),
age AS (
  SELECT person_id, date_part('year', DATE '{day}') - date_part('year', birth_date)
    - CASE WHEN strftime(DATE '{day}', '%m%d') < strftime(birth_date, '%m%d') THEN 1 ELSE 0 END
    AS years
  FROM p),
holders AS (SELECT id_number, count(*) AS n FROM persons WHERE status = 'active'
            GROUP BY id_number),
claims_12 AS (
  SELECT * FROM medical_claims
  WHERE visit_on > DATE '{day}' - INTERVAL 12 MONTH AND visit_on <= DATE '{day}'),
claim_rows AS (SELECT row_number() OVER () AS rid, * FROM claims_12),
claim_members AS (
  SELECT c.rid, c.out_of_pocket, m.household_id FROM claim_rows c
    JOIN member m ON c.person_id = m.person_id
  UNION ALL
  SELECT c.rid, c.out_of_pocket, m.household_id FROM claim_rows c
    JOIN member m ON c.person_id IS NULL AND c.id_number = m.id_number),
household_claims AS (
  SELECT household_id, sum(out_of_pocket) AS oop
  FROM (SELECT DISTINCT rid, household_id, out_of_pocket FROM claim_members)
  GROUP BY household_id),
send_home AS (
  SELECT p.person_id FROM p JOIN student_enrollments s ON s.person_id = p.person_id
  WHERE s.enrolment = '送教上门'
    AND s.period_year * 12 + s.period_month BETWEEN {month_index} - 11 AND {month_index}
  UNION
  SELECT p.person_id FROM p JOIN student_enrollments s
    ON s.person_id IS NULL AND s.id_number = p.id_number
  WHERE s.enrolment = '送教上门'
    AND s.period_year * 12 + s.period_month BETWEEN {month_index} - 11 AND {month_index}),
dead AS (
  SELECT p.person_id FROM p JOIN register_events e ON e.person_id = p.person_id
  WHERE e.event = '死亡'
  UNION
  SELECT p.person_id FROM p JOIN register_events e
    ON e.person_id IS NULL AND e.id_number = p.id_number
  WHERE e.event = '死亡'),
labour AS (
  SELECT household_id, count(*) AS members,
         count(*) FILTER (WHERE labour_skill IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力'))
           AS able
  FROM member GROUP BY household_id)
SELECT 'unsafe_housing', household_id FROM hh
  WHERE status = 'active' AND housing_grade IN ('C', 'D')
UNION ALL
SELECT 'income_below_line_not_monitored', hh.household_id FROM hh
  JOIN incomes i ON i.household_id = hh.household_id AND i.year = {year}
  WHERE hh.household_type = '脱贫户' AND hh.monitoring_category IS NULL
    AND i.per_capita_net_income < {line}
UNION ALL
SELECT 'medical_spending_over_share', hh.household_id FROM hh
  LEFT JOIN household_claims hc ON hc.household_id = hh.household_id
  JOIN incomes i ON i.household_id = hh.household_id AND i.year = {year} - 1
  WHERE coalesce(hc.oop, 0) > {share} * i.net_income
UNION ALL
SELECT 'no_basic_medical_insurance', person_id FROM p
  WHERE status = 'active' AND NOT resident_medical_insurance AND NOT employee_medical_insurance
UNION ALL
SELECT 'child_out_of_school', p.person_id FROM p JOIN age USING (person_id)
  WHERE p.status = 'active' AND age.years BETWEEN 6 AND 15 AND p.school_status = '失学辍学'
    AND p.person_id NOT IN (SELECT person_id FROM send_home)
UNION ALL
SELECT 'duplicate_id_number', p.person_id FROM p JOIN holders h USING (id_number)
  WHERE p.status = 'active' AND h.n > 1
UNION ALL
SELECT 'deceased_still_active', p.person_id FROM p
  WHERE p.status = 'active' AND p.person_id IN (SELECT person_id FROM dead)
UNION ALL
SELECT 'incapable_household_not_flagged', hh.household_id FROM hh
  JOIN labour l ON l.household_id = hh.household_id
  WHERE l.members > 0 AND l.able = 0 AND NOT hh.fully_incapable
"""


def measure_hand(snapshot_path: Path) -> dict:
    import duckdb

    params = parameters()
    sql = HAND_SQL.format(
        prefix=SCOPE_PREFIX,
        day=SCREENING_DATE.isoformat(),
        year=SCREENING_DATE.year,
        month_index=SCREENING_DATE.year * 12 + SCREENING_DATE.month,
        line=params["monitoring_income_line"],
        share=params["rigid_spending_share"],
    )
    connection = duckdb.connect(":memory:", config={"autoload_known_extensions": False})
    began = time.perf_counter()
    for name in (
        "households",
        "persons",
        "incomes",
        "medical_claims",
        "student_enrollments",
        "register_events",
    ):
        connection.read_parquet(str(snapshot_path / f"{name}.parquet")).create_view(name)
    rows = connection.execute(sql).fetchall()
    seconds = time.perf_counter() - began
    found = sorted({(code, int(subject)) for code, subject in rows})
    return {"seconds": seconds, "hits": len(rows), "rules": len(SUBSET), "found": found}


# ---- the per-record Python loop (baseline) --------------------------------------------------


def measure_loop(snapshot_path: Path, sample_households: int) -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    params = parameters()
    read = lambda name: pq.read_table(snapshot_path / f"{name}.parquet")  # noqa: E731
    households = read("households")
    sample = households.filter(pc.less_equal(households["household_id"], sample_households))
    ids = sample["household_id"]
    persons = read("persons")
    holders = Counter(
        persons.filter(pc.equal(persons["status"], "active"))["id_number"].to_pylist()
    )  # the whole county's ID counts, once (a COUNTIF column), not part of the timing
    sample_table = persons.filter(pc.is_in(persons["household_id"], ids))
    person_ids = pa.array(sample_table["person_id"].to_pylist())
    id_numbers = pa.array(sample_table["id_number"].to_pylist())

    def sample_of(name: str) -> Any:
        table = read(name)
        return table.filter(
            pc.or_(
                pc.is_in(table["person_id"], person_ids), pc.is_in(table["id_number"], id_numbers)
            )
        )

    incomes = read("incomes")
    tables = {
        "incomes": incomes.filter(pc.is_in(incomes["household_id"], ids)),
        **{name: sample_of(name) for name in DEPARTMENT_TABLES},
    }
    # timed: the sample's rows as records (a script reads each row), then the loop
    began = time.perf_counter()
    sample_persons = sample_table.to_pylist()
    records = {name: table.to_pylist() for name, table in tables.items()}
    department = {name: records[name] for name in DEPARTMENT_TABLES}
    found = loop_rules(
        sample.to_pylist(), sample_persons, records["incomes"], department, holders, params
    )
    seconds = time.perf_counter() - began
    people = len(sample_persons)
    return {"seconds": seconds, "hits": len(found), "people": people, "found": sorted(found)}


def _index(rows: list[dict[str, Any]]) -> tuple[dict[Any, list], dict[Any, list]]:
    """Department rows by matched person, and the unmatched ones by ID number."""
    by_person: dict[Any, list] = defaultdict(list)
    by_id_number: dict[Any, list] = defaultdict(list)
    for row in rows:
        if row["person_id"] is not None:
            by_person[row["person_id"]].append(row)
        else:
            by_id_number[row["id_number"]].append(row)
    return by_person, by_id_number


def _rows_of(index: tuple[dict[Any, list], dict[Any, list]], person: dict[str, Any]) -> list:
    return index[0].get(person["person_id"], []) + index[1].get(person["id_number"], [])


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def loop_rules(
    households: list[dict[str, Any]],
    persons: list[dict[str, Any]],
    incomes: list[dict[str, Any]],
    department: dict[str, list[dict[str, Any]]],
    holders: Counter[str],
    params: dict[str, Any],
) -> set[tuple[str, int]]:
    """The SUBSET rules, one record at a time, as a spreadsheet script would."""
    day, year = SCREENING_DATE, SCREENING_DATE.year
    income_of = {(i["household_id"], i["year"]): i for i in incomes}
    members = defaultdict(list)
    for person in persons:
        if person["status"] == "active":
            members[person["household_id"]].append(person)
    since = dt.date(day.year - 1, day.month, day.day)
    index = {name: _index(rows) for name, rows in department.items()}
    found: set[tuple[str, int]] = set()
    for h in households:
        if not h["village_code"].startswith(SCOPE_PREFIX):
            continue
        hid = h["household_id"]
        if h["status"] == "active" and h["housing_grade"] in ("C", "D"):
            found.add(("unsafe_housing", hid))
        now, before = income_of.get((hid, year)), income_of.get((hid, year - 1))
        if (
            h["household_type"] == "脱贫户"
            and h["monitoring_category"] is None
            and now
            and now["per_capita_net_income"] is not None
            and now["per_capita_net_income"] < params["monitoring_income_line"]
        ):
            found.add(("income_below_line_not_monitored", hid))
        claims = {id(c): c for m in members[hid] for c in _rows_of(index["medical_claims"], m)}
        spent = sum(
            (c["out_of_pocket"] or Decimal(0))
            for c in claims.values()
            if since < c["visit_on"] <= day
        )
        if (
            before
            and before["net_income"] is not None
            and spent > (params["rigid_spending_share"] * before["net_income"])
        ):
            found.add(("medical_spending_over_share", hid))
        able = [
            m
            for m in members[hid]
            if m["labour_skill"] in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")
        ]
        if members[hid] and not able and h["fully_incapable"] is False:
            found.add(("incapable_household_not_flagged", hid))
    month_index = day.year * 12 + day.month
    for p in persons:
        pid = p["person_id"]
        if p["status"] != "active":
            continue
        if p["resident_medical_insurance"] is False and p["employee_medical_insurance"] is False:
            found.add(("no_basic_medical_insurance", pid))
        if (
            p["birth_date"]
            and 6 <= _age(p["birth_date"], day) <= 15
            and p["school_status"] == "失学辍学"
            and not any(
                s["enrolment"] == "送教上门"
                and month_index - 11 <= s["period_year"] * 12 + s["period_month"] <= month_index
                for s in _rows_of(index["student_enrollments"], p)
            )
        ):
            found.add(("child_out_of_school", pid))
        if holders[p["id_number"]] > 1:
            found.add(("duplicate_id_number", pid))
        if any(e["event"] == "死亡" for e in _rows_of(index["register_events"], p)):
            found.add(("deceased_still_active", pid))
    return found


# ---- driver ---------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    path = Path(args.snapshot)
    if args.measure == "hand":
        result = measure_hand(path)
    elif args.measure == "loop":
        result = measure_loop(path, args.sample)
    else:
        engine, _, subset = args.measure.partition(":")
        result = measure_engine(engine, path, subset == "subset", args.pg_url)
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_mib"] = round(max(self_kib, children_kib) / 1024)
    result["found"] = result["found"] if args.keep_found else len(result["found"])
    print(json.dumps(result, default=str))


def run_child(measure: str, snapshot: Path, args: argparse.Namespace, keep: bool = False) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        measure,
        "--snapshot",
        str(snapshot),
        "--pg-url",
        args.pg_url,
        "--sample",
        str(args.sample),
    ]
    if keep:
        command.append("--keep-found")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--engines", default="duckdb,postgres,spark")
    parser.add_argument("--pg-url", default=os.environ.get("FUPIN_RULES_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--sample", type=int, default=4_000, help="households in the loop")
    parser.add_argument("--child", dest="measure", help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", help=argparse.SUPPRESS)
    parser.add_argument("--keep-found", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    if args.measure:
        import django

        django.setup()
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as folder:
        report(Path(folder) / "snapshot", args)


def report(snapshot: Path, args: argparse.Namespace) -> None:
    began = time.perf_counter()
    rows = generate(snapshot, args.people)
    people = rows["persons"]
    department = sum(
        n
        for name, n in rows.items()
        if name not in ("households", "persons", "incomes", "risks", "measures")
    )
    print(
        f"generated {rows['households']:,} households, {people:,} people, "
        f"{department:,} department rows in {time.perf_counter() - began:.0f} s",
        file=sys.stderr,
    )
    results: list[tuple[str, str, str, dict]] = []
    ours_subset = run_child("duckdb:subset", snapshot, args, keep=True)
    hand = run_child("hand", snapshot, args, keep=True)
    same = ours_subset.get("found") == hand.get("found")
    for name in args.engines.split(","):
        results.append(("ours", f"{name}, whole pack", "pack", run_child(name, snapshot, args)))
        print(f"{name}: {results[-1][3]}", file=sys.stderr)
    results.append(("ours", "duckdb, 8 rules", "subset", ours_subset))
    results.append(("limit", "hand-written DuckDB query, 8 rules", "subset", hand))
    loop = run_child("loop", snapshot, args)
    scale = people / max(loop.get("people", 1), 1)
    loop_all = {**loop, "seconds": loop["seconds"] * scale} if "seconds" in loop else loop
    results.append(
        (
            "baseline",
            f"Python loop, 8 rules (sample of {loop.get('people', 0):,} people, extrapolated)",
            "subset",
            loop_all,
        )
    )
    print_table(results, people, hand, ours_subset, same, rows, department)


def print_table(results, people, hand, ours, same, rows, department) -> None:
    print(
        f"\n{rows['households']:,} households, {people:,} people, {department:,} department "
        f"rows; screening date {SCREENING_DATE}; {platform.python_version()}, "
        f"{os.cpu_count()} cores\n"
    )
    print("| role | what | rules | seconds | people/s | × limit | hits | peak RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for role, what, _kind, result in results:
        if "seconds" not in result:
            print(f"| {role} | {what} | | failed: {result.get('error')} | | | | |")
            continue
        rate = people / result["seconds"]
        versus = result["seconds"] / hand["seconds"] if _kind == "subset" else None
        print(
            f"| {role} | {what} | {result.get('rules', 8)} | {result['seconds']:.2f} | "
            f"{rate:,.0f} | {'' if versus is None else f'{versus:.2f}'} | {result['hits']:,} | "
            f"{result['peak_mib']:,} |"
        )
    loop = results[-1][3]
    if "seconds" in loop and "seconds" in ours:
        print(
            f"\nours (DuckDB, 8 rules) vs the loop: {loop['seconds'] / ours['seconds']:,.0f}× "
            f"faster; vs the hand-written query: {ours['seconds'] / hand['seconds']:.2f}×"
        )
    print(f"hand-written query finds exactly what our engine finds: {same}")


if __name__ == "__main__":
    main()
