"""Split a full export into a base export and daily increments, as a scheduler would
receive them: each event goes to the day it was received (`received_at`, or
`occurred_at` when that is missing or unparseable), so late events land in a later
day's increment. Used to rehearse incremental daily runs on the demo data.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from scorehouse.errors import ScorehouseError
from scorehouse.load import _literal, configure, find_file
from scorehouse.sql import one_row

EVENT_TABLES = ("page_views", "email_events", "product_usage_events")


def _day_of_receipt(column: str) -> str:
    return f"try_cast(trim({column}) as timestamptz)"


def split_increments(
    input_dir: Path, out_dir: Path, first_day: dt.date, days: int = 1
) -> dict[str, dict[str, int]]:
    """Write `out_dir/base/` (every table; events received before `first_day`) and
    `out_dir/<day>/` for `days` days (events received that day). Events received after
    the last day are left out: they have not arrived yet. Returns rows per folder/table."""
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    if days < 1:
        raise ScorehouseError(f"--days must be 1 or more, got {days}")
    if out_dir.exists():
        raise ScorehouseError(f"{out_dir} already exists; choose a new folder")
    base = out_dir / "base"
    base.mkdir(parents=True)
    counts: dict[str, dict[str, int]] = {"base": {}}
    con = duckdb.connect()
    try:
        configure(con)
        for path in sorted(input_dir.iterdir()):
            table = path.name.split(".")[0]
            if table not in EVENT_TABLES and not path.name.startswith("_"):
                shutil.copy(path, base / path.name)
        for table in EVENT_TABLES:
            found = find_file(input_dir, table)
            if found is None:
                raise ScorehouseError(f"{input_dir}: no file for event table {table}")
            if found.suffix == ".parquet":
                reader = f"read_parquet({_literal(str(found))})"
            else:
                reader = f"read_csv({_literal(str(found))}, header=true, all_varchar=true)"
            # One streamed pass over the file per folder: nothing is held in memory, so
            # the split works on exports larger than the machine's memory.
            received_day = (
                f"cast(coalesce({_day_of_receipt('received_at')}, "
                f"{_day_of_receipt('occurred_at')}) as date)"
            )
            folders = [("base", f"{received_day} is null or {received_day} < date '{first_day}'")]
            for offset in range(days):
                day = first_day + dt.timedelta(days=offset)
                folders.append((day.isoformat(), f"{received_day} = date '{day}'"))
            for folder, condition in folders:
                (out_dir / folder).mkdir(exist_ok=True)
                target = _literal(str(out_dir / folder / f"{table}.csv"))
                written = one_row(
                    con.execute(
                        f"copy (select * from {reader} where {condition}) to {target} (header true)"
                    )
                )
                counts.setdefault(folder, {})[table] = written[0]
    finally:
        con.close()
    return counts
