"""Importing department files end to end (fupin.datahub), against the limit and a baseline.

    .venv/bin/python bench/import.py [--rows 1000000] [--xlsx-rows 100000] [--people 100000]
                                     [--postgres postgres://postgres@127.0.0.1:5432/NAME]

Builds a throw-away SQLite database (with --postgres: a PostgreSQL one) with a registry of
synthetic people, a CSV and an xlsx of medical claims for them, then measures, each in a fresh
process (for its peak RSS):
- limit: the fastest raw read of the file, every cell as text and nothing else done with it
  (pyarrow's CSV reader on every core; python-calamine's iter_rows for the xlsx);
- reference: fupin.tabular's own read (open_table().rows(): encoding, header, stripped cells);
- ours: the whole pipeline — upload (hash, copy), read, validate, match by ID number, stage,
  compare with the table, promote in one transaction — into an empty table, then the same file
  again (every row compared, nothing written); "× limit" and "× tabular" divide its time by
  the two reads';
- floor: what the database alone needs to store those rows (one INSERT … SELECT inside it);
- baseline: a plain load-then-loop with one ORM `create` per row (csv.DictReader, or openpyxl
  `load_workbook`), timed on a sample and extrapolated to the whole file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "姓名",
    "身份证号",
    "结算编号",
    "住院/门诊",
    "就诊日期",
    "医疗总费用",
    "报销金额",
    "合规自付",
    "就诊医院",
]
SAMPLE = 20_000


BENCH_DATABASE = "FUPIN_BENCH_DATABASE"  # a PostgreSQL URL, passed on to the child processes


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = os.environ.get(BENCH_DATABASE) or (
        f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ["FUPIN_DATAHUB_DIR"] = str(folder / "datahub")
    os.environ["FUPIN_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def peak_rss_mib() -> float:
    """The process's high-water mark (VmHWM; ru_maxrss would carry the parent's over exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- preparing ----------------------------------------------------------------------------


def fresh_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database of `url` (the bench's own, thrown away)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')


def build_registry(people: int) -> list[tuple[str, str]]:
    from django.core.management import call_command

    from fupin.accounts.models import OrgUnit
    from fupin.core import ids
    from fupin.registry.models import Household, Member

    call_command("migrate", verbosity=0)
    county = OrgUnit.objects.create(code="500110", name="綦江区", kind="county", path="500110/")
    township = OrgUnit.objects.create(
        code="500110103", name="关坝镇", kind="township", parent=county, path="500110/500110103/"
    )
    village = OrgUnit.objects.create(
        code="500110103201",
        name="凉风村",
        kind="village",
        parent=township,
        path="500110/500110103/500110103201/",
    )
    households = Household.objects.bulk_create(
        [Household(village=village, household_type="脱贫户") for _ in range(people // 4)],
        batch_size=2000,
    )
    found = []
    members = []
    for n in range(people):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=n // 900)
        number = ids.make("500110", birth, n % 900 + 1)
        name = f"测试{n}"
        found.append((name, number))
        members.append(
            Member(
                household=households[n // 4],
                name=name,
                sex="1",
                id_number=number,
                birth_date=birth,
                relation="户主" if n % 4 == 0 else "之子",
            )
        )
    Member.objects.bulk_create(members, batch_size=2000)
    return found


def claim_rows(people: list[tuple[str, str]], count: int, prefix: str):
    """Claims numbered from 0 with their own prefix: the two files share no claim, so each
    one's first import writes all its rows."""
    for n in range(count):
        name, number = people[n % len(people)]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=n % 365)
        total = 100 + n % 9000
        kind = "住院" if n % 10 == 0 else "门诊"
        amounts = [f"{total}.50", f"{total // 2}.25", f"{total - total // 2}.25"]
        yield [name, number, f"{prefix}{n:09d}", kind, day.isoformat(), *amounts, "关坝镇卫生院"]


def write_files(folder: Path, rows: int, xlsx_rows: int, people: list[tuple[str, str]]) -> None:
    from fupin.tabular.writers import write_xlsx

    with open(folder / "claims.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(claim_rows(people, rows, "JS"))
    write_xlsx(
        folder / "claims.xlsx",
        sheet_title="结算明细",
        title="医保结算明细",
        header_rows=[HEADER],
        rows=claim_rows(people, xlsx_rows, "XL"),
    )


# ---- measuring (each in its own process) --------------------------------------------------


def measure_limit(path: Path) -> dict[str, float]:
    """The fastest raw read: pyarrow's CSV reader (all columns text), or calamine's rows."""
    started = time.perf_counter()
    if path.suffix == ".csv":
        from pyarrow import csv as pacsv
        from pyarrow import string

        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{index}": string() for index in range(len(HEADER))}
            ),
        )
        count = table.num_rows
    else:
        import python_calamine

        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        count = sum(1 for _row in sheet.iter_rows())
    return {"rows": count, "seconds": time.perf_counter() - started}


def measure_tabular(path: Path) -> dict[str, float]:
    from fupin.tabular.readers import open_table

    started = time.perf_counter()
    count = 0
    with open_table(path, filename=path.name) as table:
        for _row in table.rows():
            count += 1
    return {"rows": count, "seconds": time.perf_counter() - started}


def measure_ours(path: Path) -> dict[str, float]:
    from fupin.accounts.models import OrgUnit
    from fupin.datahub import actions, pipeline
    from fupin.datahub.models import ImportBatch

    township = OrgUnit.objects.get(code="500110103")
    results: dict[str, float] = {}
    for run in ("first", "again"):
        started = time.perf_counter()
        with open(path, "rb") as source:
            batch = actions.batch_upload(
                actor=None,
                feed="medical",
                file_name=path.name,
                chunks=iter(lambda: source.read(1 << 20), b""),
                unit=township,
                queue=False,
            )
        pipeline.run_staging(batch.pk)
        staged = time.perf_counter()
        actions.batch_promote(actor=None, batch=ImportBatch.objects.get(pk=batch.pk), queue=False)
        pipeline.run_promotion(batch.pk)
        done = ImportBatch.objects.get(pk=batch.pk)
        assert done.status == "promoted" and done.adds_up, done.status
        # the first import writes every row; the second finds every row unchanged
        expected = "rows_new" if run == "first" else "rows_unchanged"
        assert getattr(done, expected) == done.rows_read, (run, done.rows_new, done.rows_read)
        results[f"{run}_seconds"] = time.perf_counter() - started
        results[f"{run}_stage_seconds"] = staged - started
        results[f"{run}_rows"] = done.rows_read
        results[f"{run}_new"] = done.rows_new
    return results


def measure_floor(path: Path) -> dict[str, float]:
    """What the database alone needs to store the rows: the rows the first import of this file
    wrote, copied back into the department table by one INSERT … SELECT inside the database
    (no Python, no checks) and committed. The rows are first set aside in a temporary table
    and deleted from the department table (not timed), so the table ends as it was."""
    from django.db import connection, transaction

    from fupin.datahub.models import ImportBatch, MedicalClaim

    batch = ImportBatch.objects.filter(file_name=path.name, rows_new__gt=0).latest("pk")
    table = connection.ops.quote_name(MedicalClaim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE kept AS SELECT * FROM {table} WHERE batch_id = %s", [batch.pk]
        )
        cursor.execute(f"DELETE FROM {table} WHERE batch_id = %s", [batch.pk])
        cursor.execute("SELECT count(*) FROM kept")
        (count,) = cursor.fetchone()
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(f"INSERT INTO {table} SELECT * FROM kept")
        seconds = time.perf_counter() - started
    return {"rows": count, "seconds": seconds}


def measure_baseline(path: Path) -> dict[str, float]:
    """Load, then loop with one ORM create per row (on a sample), as one would without fupin."""
    from django.db import connection

    from fupin.datahub.models import ImportBatch, MedicalClaim
    from fupin.registry.models import Member

    batch = ImportBatch.objects.order_by("pk").first()
    people = dict(Member.objects.values_list("id_number", "pk"))
    started = time.perf_counter()
    if path.suffix == ".csv":
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115
        records = csv.DictReader(handle)
        with open(path, encoding="utf-8") as lines:
            total = sum(1 for _ in lines) - 1
        loaded = time.perf_counter()
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(path).active
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        records = (dict(zip(HEADER, row, strict=False)) for row in rows)
        total = len(rows)
        loaded = time.perf_counter()
    count = 0
    for record in records:
        MedicalClaim.objects.create(
            batch=batch,
            source_row=count + 2,
            natural_key=f"baseline-{path.suffix}-{record['结算编号']}",
            id_number=record["身份证号"],
            name=record["姓名"],
            person_id=people.get(record["身份证号"]),
            period_year=2025,
            period_month=1,
            claim_no=record["结算编号"],
            visit_type=record["住院/门诊"],
            visit_on=record["就诊日期"],
            total_cost=record["医疗总费用"],
            reimbursed=record["报销金额"],
            out_of_pocket=record["合规自付"],
            hospital=record["就诊医院"],
        )
        count += 1
        if count >= SAMPLE:
            break
    looped = time.perf_counter() - loaded
    connection.close()
    return {
        "rows": total,
        "seconds": (loaded - started) + looped * total / count,
        "sampled": count,
    }


def child(kind: str, path: Path, folder: Path) -> None:
    setup_django(folder)
    measure = {
        "limit": measure_limit,
        "tabular": measure_tabular,
        "ours": measure_ours,
        "baseline": measure_baseline,
        "floor": measure_floor,
    }[kind]
    result = measure(path)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


def run_child(kind: str, path: Path, folder: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(folder)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# ---- the table ----------------------------------------------------------------------------


def rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f}"


def line(kind: str, what: str, role: str, rows: float, seconds: float, *rest: str) -> str:
    cells = [kind, what, role, f"{rows:,.0f}", f"{seconds:.2f}", rate(rows, seconds), *rest]
    return "| " + " | ".join(cells) + " |"


def table(folder: Path) -> list[str]:
    lines = [
        "| file | what | role | rows | seconds | rows/s | × limit | × tabular | peak RSS MiB |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("claims.csv", "claims.xlsx"):
        path = folder / name
        limit = run_child("limit", path, folder)
        tabular = run_child("tabular", path, folder)
        ours = run_child("ours", path, folder)
        floor = run_child("floor", path, folder)
        baseline = run_child("baseline", path, folder)
        kind = path.suffix[1:]
        fastest = "pyarrow.csv.read_csv, all text" if kind == "csv" else "python-calamine iter_rows"

        def ratios(
            seconds: float, limit: float = limit["seconds"], own: float = tabular["seconds"]
        ) -> list[str]:
            return [f"{seconds / limit:.1f}", f"{seconds / own:.1f}"]

        rows = ours["first_rows"]
        lines += [
            line(
                kind,
                f"{fastest} (raw read)",
                "limit",
                limit["rows"],
                limit["seconds"],
                "1.0",
                "",
                f"{limit['peak_rss_mib']:.0f}",
            ),
            line(
                kind,
                "fupin.tabular open_table().rows()",
                "reference",
                tabular["rows"],
                tabular["seconds"],
                ratios(tabular["seconds"])[0],
                "1.0",
                f"{tabular['peak_rss_mib']:.0f}",
            ),
            line(
                kind,
                "pipeline: upload ▸ read ▸ check ▸ match ▸ stage ▸ promote (new rows)",
                "ours",
                rows,
                ours["first_seconds"],
                *ratios(ours["first_seconds"]),
                f"{ours['peak_rss_mib']:.0f}",
            ),
            line(
                kind,
                "of which upload ▸ read ▸ check ▸ match ▸ stage (the preview)",
                "ours",
                rows,
                ours["first_stage_seconds"],
                *ratios(ours["first_stage_seconds"]),
                "",
            ),
            line(
                kind,
                "the same file again (all rows compared, none written)",
                "ours",
                ours["again_rows"],
                ours["again_seconds"],
                *ratios(ours["again_seconds"]),
                "",
            ),
            line(
                kind,
                "the database alone: the new rows copied into the table in SQL, committed",
                "floor",
                floor["rows"],
                floor["seconds"],
                *ratios(floor["seconds"]),
                "",
            ),
            line(
                kind,
                f"load, then one ORM create per row ({baseline['sampled']:,} sampled, "
                "extrapolated)",
                "baseline",
                baseline["rows"],
                baseline["seconds"],
                *ratios(baseline["seconds"]),
                f"{baseline['peak_rss_mib']:.0f}",
            ),
        ]
    return lines


def connection_vendor() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10_000)
    return f"PostgreSQL {major}.{minor}"


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes): other work running beside the measurements."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on this PostgreSQL database instead of SQLite (dropped and created anew), "
        "e.g. postgres://postgres@127.0.0.1:5432/fupin_bench_import",
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "FOLDER"))
    options = parser.parse_args()
    if options.child:
        kind, path, folder = options.child
        child(kind, Path(path), Path(folder))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as name:
        folder = Path(name)
        if options.postgres:
            fresh_postgres(options.postgres)
            os.environ[BENCH_DATABASE] = options.postgres
        setup_django(folder)
        people = build_registry(options.people)
        write_files(folder, options.rows, options.xlsx_rows, people)
        sizes = [(folder / name).stat().st_size / 2**20 for name in ("claims.csv", "claims.xlsx")]
        print(
            f"registry of {len(people):,} people; {options.rows:,}-row CSV ({sizes[0]:.1f} MiB), "
            f"{options.xlsx_rows:,}-row xlsx ({sizes[1]:.1f} MiB)"
        )
        print(f"database: {connection_vendor()}; load average before: {load_average()}")
        for line in table(folder):
            print(line)
        print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
