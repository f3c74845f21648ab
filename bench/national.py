"""Importing the national 防返贫监测信息系统 export (the data hub's `national` source) end to end.

    .venv/bin/python bench/national.py [--people 20000] [--sample 200]

Builds a throw-away SQLite database holding only the org units of a township (an "empty
database", docs/datahub.md), writes a national file (layout (a), .xlsx, title block, header on
row 3) of synthetic people, about three to a household, through fupin's own writer, and
measures in this process, wall and CPU seconds:
- limit: fupin.tabular's raw read of the file (what no import can beat);
- ours: upload ▸ read, check, group and plan every household ▸ promote into the empty registry;
  then the same file again (every row planned against the registry, nothing written);
- baseline: the registry's own actions one household at a time (household_register,
  member_add, income_record, household_set_risks), timed on `--sample` households and
  extrapolated to the file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

VILLAGES = ("凉风村", "示范一村", "示范二村", "示范三村")


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["FUPIN_DATAHUB_DIR"] = str(folder / "datahub")
    os.environ["FUPIN_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def build_units() -> Any:
    from django.core.management import call_command

    from fupin.accounts.models import OrgUnit, User

    call_command("migrate", verbosity=0)
    county = OrgUnit.objects.create(code="500110", name="綦江区", kind="county", path="500110/")
    township = OrgUnit.objects.create(
        code="500110103", name="关坝镇", kind="township", parent=county, path="500110/500110103/"
    )
    for index, name in enumerate(VILLAGES, start=1):
        code = f"500110103{200 + index}"
        OrgUnit.objects.create(
            code=code, name=name, kind="village", parent=township, path=f"{township.path}{code}/"
        )
    officer = User.objects.create(username="bench", role="township_officer", org_unit=township)
    return township, officer


def people(count: int, *, offset: int = 0) -> Iterator[dict[str, str]]:
    """Households of a head, a spouse and a child (the last one smaller), as layout (a) cells."""
    from fupin.core import ids

    for index in range(offset, offset + count):
        household, place = divmod(index, 3)
        # a birth day per household and a sequence per place: every ID number is different
        born = dt.date(1940, 1, 1) + dt.timedelta(days=household + (9200 if place == 2 else 0))
        relation, sequence = (("户主", 11), ("配偶", 22), ("之子", 33))[place]
        yield {
            "县": "綦江区",
            "乡": "关坝镇",
            "村": VILLAGES[household % len(VILLAGES)],
            "户编号": f"5001101032{household:08d}",
            "姓名": f"测{household}{place}",
            "证件号码": ids.make("500110", born, sequence),
            "与户主关系": relation,
            "户类型": "脱贫户" if household % 5 == 0 else "一般农户",
            "监测对象类别": "脱贫不稳定户" if household % 50 == 0 else "",
            "致贫/返贫风险1": "因病" if household % 50 == 0 else "",
            "人均纯收入（元）": f"{9000 + household % 7000}",
            "工资性收入": f"{12000 + household % 9000}",
            "是否解决安全饮用水": "是",
            "享受低保政策情况": "否",
        }


def write_file(path: Path, count: int) -> None:
    from fupin.registry.national.layout import HEADERS, TITLE
    from fupin.tabular.writers import write_xlsx

    rows = ([person.get(header, "") for header in HEADERS] for person in people(count))
    write_xlsx(str(path), sheet_title=TITLE, title=TITLE, header_rows=[HEADERS], rows=rows)


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure_limit(path: Path) -> tuple[float, float, Any]:
    from fupin.tabular.readers import open_table

    def read() -> int:
        with open_table(str(path), filename=path.name) as table, closing(table.rows()) as rows:
            return sum(1 for _row in rows)

    return timed(read)


def measure_ours(path: Path, township: Any) -> dict[str, tuple[float, float, Any]]:
    from fupin.datahub import actions, pipeline

    def upload() -> Any:
        with open(path, "rb") as source:
            return actions.batch_upload(
                actor=None, feed="national", file_name=path.name, chunks=[source.read()],
                unit=township, queue=False,
            )  # fmt: skip

    found = {}
    for label in ("ours: empty registry", "ours: the same file again"):
        batch = upload()
        staged = timed(lambda batch=batch: pipeline.run_staging(batch.pk))
        actions.batch_promote(actor=None, batch=batch, queue=False)
        promoted = timed(lambda batch=batch: pipeline.run_promotion(batch.pk))
        result = promoted[2]
        assert result.status == "promoted", result.error_message
        counts = (
            f"{result.rows_new} new, {result.rows_unchanged} unchanged, "
            f"{result.rows_rejected} rejected, {result.rows_duplicate} duplicates"
        )
        found[label] = (staged[0] + promoted[0], staged[1] + promoted[1], counts)
    return found


def measure_baseline(officer: Any, sample: int, total: int) -> tuple[float, float, Any]:
    """The registry's actions, a household at a time, on households the file does not have."""
    from fupin.registry import actions

    rows = list(people(sample * 3, offset=(total // 3 + 1) * 3))
    village_codes = {name: f"500110103{200 + i}" for i, name in enumerate(VILLAGES, start=1)}

    def register() -> int:
        for start in range(0, len(rows), 3):
            head, *others = rows[start : start + 3]
            household = actions.household_register(
                actor=officer, village_code=village_codes[head["村"]], group_code=None,
                household={"household_type": head["户类型"]},
                head={"name": head["姓名"], "id_number": head["证件号码"]},
            )  # fmt: skip
            for person in others:
                actions.member_add(
                    actor=officer, household=household, expected_version=None,
                    data={"name": person["姓名"], "id_number": person["证件号码"],
                          "relation": person["与户主关系"]},
                )  # fmt: skip
            actions.income_record(
                actor=officer, household=household, expected_version=None, year=2025,
                amounts={"wage": head["工资性收入"]},
            )  # fmt: skip
            actions.household_set_risks(
                actor=officer, household=household, expected_version=None, risk_types=["01"]
            )
        return len(rows)

    wall, cpu, _count = timed(register)
    factor = total / len(rows)
    return wall * factor, cpu * factor, f"extrapolated from {len(rows)} people"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=200, help="households for the baseline")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fupin-bench-national-") as name:
        folder = Path(name)
        setup_django(folder)
        township, officer = build_units()
        path = folder / "监测对象信息.xlsx"
        write_file(path, options.people)
        size = path.stat().st_size / 1024 / 1024
        print(f"{options.people:,} people in a national file of {size:.1f} MiB (.xlsx)")
        print(f"{'what':<28} {'wall s':>8} {'cpu s':>8} {'people/s':>10}  note")
        results = {"limit: raw read": measure_limit(path)}
        results.update(measure_ours(path, township))
        results["baseline: one action each"] = measure_baseline(
            officer, options.sample, options.people
        )
        for what, (wall, cpu, note) in results.items():
            note = note if isinstance(note, str) else f"{note:,} rows"
            rate = options.people / wall if wall else 0
            print(f"{what:<28} {wall:>8.1f} {cpu:>8.1f} {rate:>10,.0f}  {note}")
        print(f"load average while measured: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
