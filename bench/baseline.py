"""Run bench/baseline.sql on raw files and write its `lead_scores` (acquisition) to Parquet.

    .venv/bin/python bench/baseline.py --raw DIR [--raw DAY_DIR ...] --as-of 2026-10-30 \
        --loaded-at "2026-11-24 13:00:00" [--loaded-at ...] --out scores.parquet

Each `--raw` folder is one load (in load order) with its load time (`--loaded-at`, which
decides what counts as a future event); `--loads-from WAREHOUSE` reads the load times
from the warehouse's `raw._loads` instead. The vars come from `dbt_project.yml`, the
scoring configuration from the seeds. DuckDB runs with the project's settings (threads
from SCOREHOUSE_THREADS, memory limit from SCOREHOUSE_DUCKDB_MEMORY, UTC).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import duckdb
import yaml

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
TABLES = ["accounts", "contacts", "opportunities", "invoices", "page_views"]
TABLES += ["email_events", "form_submissions"]
# The project's vars that baseline.sql reads, as DuckDB variables named without the
# `scorehouse_` prefix of the vars.
VARS = [
    "future_tolerance_hours",
    "internal_domains",
    "test_account_patterns",
    "bot_user_agent_patterns",
    "activity_signals",
    "top_reasons_count",
]


def load_times(warehouse: Path) -> list[dt.datetime]:
    """The load time of each load recorded in the warehouse, in load order."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select load_id, min(_loaded_at) from raw._loads group by load_id order by load_id"
        ).fetchall()
    finally:
        con.close()
    return [r[1] for r in rows]


def run(raw_dirs: list[Path], loaded_at: list[dt.datetime], as_of: dt.date, out: Path) -> int:
    if len(raw_dirs) != len(loaded_at):
        raise SystemExit(f"{len(raw_dirs)} raw folders but {len(loaded_at)} load times")
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    con = duckdb.connect(
        config={
            "threads": int(os.environ.get("SCOREHOUSE_THREADS", "2")),
            "memory_limit": os.environ.get("SCOREHOUSE_DUCKDB_MEMORY", "6GB"),
        }
    )
    con.execute("set TimeZone = 'UTC'")
    con.execute("set variable as_of = cast(? as date)", [as_of])
    con.execute("set variable seeds = ?", [str(PROJECT_DIR / "seeds")])
    con.execute("set variable loaded_at = cast(? as timestamp[])", [loaded_at])
    for name in VARS:
        con.execute(f"set variable {name} = ?", [project[f"scorehouse_{name}"]])
    dirs = [d.resolve() for d in raw_dirs]
    con.execute("set variable raw_dirs = ?", [[str(d) for d in dirs]])
    for table in TABLES:
        files = [str(d / f"{table}.csv") for d in dirs if (d / f"{table}.csv").exists()]
        con.execute(f"set variable files_{table} = ?", [files])
    con.execute((BENCH_DIR / "baseline.sql").read_text())
    out.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy baseline_lead_scores to '{out}' (format parquet)")
    rows = con.execute("select count(*) from baseline_lead_scores").fetchone()[0]
    print(f"baseline: {rows:,} acquisition lead scores as of {as_of} -> {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, action="append", required=True)
    parser.add_argument("--loaded-at", type=dt.datetime.fromisoformat, action="append")
    parser.add_argument("--loads-from", type=Path, help="warehouse whose raw._loads to read")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    times = args.loaded_at or []
    if args.loads_from:
        times = load_times(args.loads_from)[: len(args.raw)]
    return run(args.raw, times, args.as_of, args.out)


if __name__ == "__main__":
    sys.exit(main())
