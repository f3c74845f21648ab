"""How fast fupin.tabular reads department files, against the baseline and the limit.

    .venv/bin/python bench/tabular_read.py [--rows 1000000]

Writes a CSV of `--rows` person rows (ID number, name, village, date, amount) and an xlsx of a
tenth as many into a temporary folder, then reads each file with every reader in a fresh
process (so each peak RSS is that reader's own) and prints a Markdown table:

- limit: the fastest raw reader (csv.reader; python-calamine's iter_rows), no cell handling;
- baseline: what one would write without fupin.tabular (csv.reader building a dict per row;
  openpyxl's load_workbook, then a loop);
- ours: open_table(...).rows(), cells turned into office texts; for xlsx both engines.

Nothing is asserted: the numbers go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HEADER = ["证件号码", "姓名", "行政村", "识别日期", "金额"]
VILLAGES = ["凉风村", "示范一村", "示范二村", "示范三村"]
NAMES = ["张三", "李四", "王五", "赵六", "陈七"]
Reader = Callable[[Path], int]


# --- the readers ------------------------------------------------------------------------


def csv_raw(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return sum(1 for _row in csv.reader(stream))


def csv_dicts(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = csv.reader(stream)
        header = next(rows)
        for row in rows:
            record = dict(zip(header, row, strict=False))
            count += bool(record)
    return count + 1


def ours(path: Path) -> int:
    from fupin.tabular.readers import open_table

    with open_table(path, filename=path.name) as table:
        return sum(1 for _row in table.rows())


def ours_streaming(path: Path) -> int:
    from fupin.tabular.readers import open_table

    with open_table(path, filename=path.name, engine="openpyxl") as table:
        return sum(1 for _row in table.rows())


def ours_with_header(path: Path) -> int:
    from fupin.tabular.readers import data_rows, locate_header, open_table

    with open_table(path, filename=path.name) as table:
        header = locate_header(table, expected=HEADER)
        return header.row_number + sum(1 for _row in data_rows(table, header))


def calamine_raw(path: Path) -> int:
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(path) as workbook:
        return sum(1 for _row in workbook.get_sheet_by_index(0).iter_rows())


def openpyxl_load(path: Path) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(path, data_only=True)
    return sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))


def openpyxl_read_only(path: Path) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


READERS: dict[str, tuple[str, str, Reader]] = {
    "csv-raw": ("limit", "csv.reader, no cell handling", csv_raw),
    "csv-dicts": ("baseline", "csv.reader + a dict per row", csv_dicts),
    "csv-ours": ("ours", "open_table().rows()", ours),
    "csv-ours-header": ("ours", "locate_header + data_rows", ours_with_header),
    "xlsx-calamine": ("limit", "python-calamine iter_rows, no cell handling", calamine_raw),
    "xlsx-openpyxl": ("baseline", "openpyxl load_workbook, then loop", openpyxl_load),
    "xlsx-openpyxl-ro": ("reference", "openpyxl read_only loop", openpyxl_read_only),
    "xlsx-ours": ("ours", "open_table().rows() (auto: calamine)", ours),
    "xlsx-ours-streaming": ("ours", "open_table(engine='openpyxl').rows()", ours_streaming),
}


# --- the files --------------------------------------------------------------------------


def person_rows(count: int) -> Iterator[list[str]]:
    from fupin.core import ids

    first = dt.date(1940, 1, 1)
    for number in range(count):
        birth = first + dt.timedelta(days=number % 25_000)
        yield [
            ids.make("500110", birth, number % 1000),
            NAMES[number % len(NAMES)],
            VILLAGES[number % len(VILLAGES)],
            (dt.date(2020, 1, 1) + dt.timedelta(days=number % 365)).isoformat(),
            f"{number % 100_000}.50",
        ]


def make_files(folder: Path, csv_rows: int, xlsx_rows: int) -> tuple[Path, Path]:
    from fupin.tabular.writers import write_csv, write_xlsx

    csv_path = folder / "persons.csv"
    write_csv(csv_path, HEADER, person_rows(csv_rows))
    xlsx_path = folder / "persons.xlsx"
    write_xlsx(
        xlsx_path, sheet_title="名单", title=None, header_rows=[HEADER], rows=person_rows(xlsx_rows)
    )
    return csv_path, xlsx_path


# --- measuring --------------------------------------------------------------------------


def measure_one(name: str, path: Path) -> dict[str, float]:
    """Run in a fresh process: time one reader and report this process's peak RSS."""
    reader = READERS[name][2]
    import_readers()  # time the reading, not the imports
    started = time.perf_counter()
    rows = reader(path)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "seconds": seconds, "peak_mib": peak_kib / 1024}


def measure(name: str, path: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--one", name, str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def idle_peak_mib() -> float:
    command = [sys.executable, __file__, "--idle"]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(done.stdout)


def import_readers() -> None:
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401

    import fupin.tabular.readers  # noqa: F401


def report(csv_path: Path, xlsx_path: Path) -> None:
    print(f"python {platform.python_version()}, {platform.machine()}, {date_today()}")
    sizes = [f"{path.name} {path.stat().st_size / 2**20:.1f} MiB" for path in (csv_path, xlsx_path)]
    print(", ".join(sizes))
    print(f"peak RSS of an idle interpreter with the readers imported: {idle_peak_mib():.0f} MiB\n")
    print("| file | reader | role | rows | seconds | rows/s | peak RSS MiB |")
    print("|---|---|---|---:|---:|---:|---:|")
    for name, (role, label, _reader) in READERS.items():
        path = csv_path if name.startswith("csv") else xlsx_path
        result = measure(name, path)
        rate = result["rows"] / result["seconds"]
        print(
            f"| {path.suffix[1:]} | {label} | {role} | {result['rows']:,.0f} "
            f"| {result['seconds']:.2f} | {rate:,.0f} | {result['peak_mib']:.0f} |",
            flush=True,
        )


def date_today() -> str:
    return dt.date.today().isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows; xlsx gets a tenth")
    parser.add_argument("--one", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--idle", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(measure_one(options.one[0], Path(options.one[1]))))
        return
    if options.idle:
        import_readers()
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return
    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as folder:
        csv_path, xlsx_path = make_files(Path(folder), options.rows, options.rows // 10)
        report(csv_path, xlsx_path)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
