"""`scorehouse`: generate demo data, load raw files, build, publish and summarise.

scorehouse demo                        # generate + load + dbt build + publish + summary
scorehouse generate --scale 1          # demo raw files into data/raw, truth into data/truth
scorehouse load --input-dir DIR        # your own CSV/Parquet exports into the raw schema
scorehouse load --append --input-dir D # add a daily increment to the raw tables
scorehouse split --out D --first-day X # demo: a full export as base + daily increments
scorehouse copy-raw --to postgres      # the loaded raw schema into PostgreSQL (or spark)
scorehouse crosscheck --with postgres  # the marts of DuckDB and another engine, compared
scorehouse build --as-of 2026-11-01    # dbt build for one scoring date
scorehouse run --as-of 2026-11-01      # the daily job: dbt build, then publish for BI
scorehouse backfill --from D1 --to D2  # score history for past dates, then publish
scorehouse check                       # Great Expectations checks on the marts, HTML report
scorehouse publish                     # copy the BI marts to the read-only file
scorehouse summary                     # rows staged / quarantined per table and reason
scorehouse evaluate                    # demo only: grades and AUC against the hidden truth
scorehouse calibrate --model all       # learn rule points and grade bands from outcomes
scorehouse adopt NAME                  # make a candidate rule set the current rules

The commands that use the DuckDB warehouse run one at a time: each holds the warehouse's
lock (scorehouse/lock.py) until it ends, and refuses to start while another holds it,
unless given `--wait [SECONDS]`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import shlex
import sys
import time
from pathlib import Path

from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError


def default_db() -> Path:
    return Path(os.environ.get("SCOREHOUSE_DB", PROJECT_DIR / "data" / "scorehouse.duckdb"))


def default_docs_dir() -> Path:
    return PROJECT_DIR / "data" / "quality"


def default_published_db() -> Path:
    return Path(
        os.environ.get(
            "SCOREHOUSE_PUBLISHED_DB", PROJECT_DIR / "data" / "published" / "scorehouse.duckdb"
        )
    )


def _as_of(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--as-of must be a date YYYY-MM-DD, got {text!r}"
        ) from exc


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"--wait takes a number of seconds, got {text!r}")
    return seconds


def cmd_generate(args: argparse.Namespace) -> int:
    from scorehouse.generate import generate

    summary = generate(
        Path(args.out), scale=args.scale, seed=args.seed, end_date=args.end_date, fmt=args.format
    )
    for table, rows in summary["rows"].items():
        print(f"{table:<24} {rows:>10,} rows")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    import tempfile

    from scorehouse.load import load
    from scorehouse.mapping import apply_mapping

    with tempfile.TemporaryDirectory(prefix="scorehouse-mapped-") as mapped:
        input_dir, allow_missing = Path(args.input_dir), args.allow_missing
        if args.mapping:
            # The mapping says what the export holds: tables it does not map load empty.
            for note in apply_mapping(Path(args.mapping), Path(mapped)):
                print(f"mapping note: {note}")
            input_dir, allow_missing = Path(mapped), True
        results = load(
            input_dir,
            Path(args.db),
            raw_schema=args.raw_schema,
            max_bad_lines=args.max_bad_lines,
            allow_missing=allow_missing,
            loaded_at=args.loaded_at,
            append=args.append,
        )
    for result in results:
        print(f"{result.table:<24} {result.rows:>10,} rows  from {result.file or '-'}")
        for note in result.notes:
            print(f"{'':<24}   note: {note}")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    from scorehouse.increments import split_increments

    counts = split_increments(Path(args.input_dir), Path(args.out), args.first_day, args.days)
    for folder, tables in counts.items():
        rows = ", ".join(f"{table} {n:,}" for table, n in tables.items())
        print(f"{Path(args.out) / folder}: {rows}")
    return 0


def cmd_copy_raw(args: argparse.Namespace) -> int:
    from scorehouse.engines import copy_raw

    copied = copy_raw(args.to, Path(args.db), raw_schema=args.raw_schema)
    for table in copied:
        print(f"{table.table:<24} {table.rows:>10,} rows  copied to {args.to}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check the scoring configuration against the warehouse's data, without scoring:
    the seeds, the custom fields staged from the raw tables (the signal catalogue), and
    the configuration check with its tests. dbt prints each problem on one line."""
    import time

    from scorehouse.dbt import run_dbt

    start = time.monotonic()
    code = run_dbt(
        ["--quiet", "build", "--select", "+int_scoring_rules_checked"]
        + ["--indirect-selection", "cautious"],
        project_dir=args.project_dir,
        db=args.db,
    )
    seconds = time.monotonic() - start
    if code != 0:
        print(f"scorehouse: the scoring configuration is not valid (above; {seconds:.1f}s)")
        return code
    print(f"scorehouse: the scoring configuration is valid ({seconds:.1f}s)")
    return 0


def cmd_crosscheck(args: argparse.Namespace) -> int:
    from scorehouse.crosscheck import crosscheck

    engines = list(dict.fromkeys(args.engines))
    problems = crosscheck(Path(args.db), engines)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    if problems:
        print(
            f"scorehouse: the marts differ between duckdb and {', '.join(engines)} "
            f"({len(problems)} difference(s) listed)",
            file=sys.stderr,
        )
        return 1
    print(f"every published mart is equal on duckdb and {', '.join(engines)}")
    return 0


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def cmd_build(args: argparse.Namespace) -> int:
    from scorehouse.dbt import resolve_as_of, run_dbt

    as_of = resolve_as_of(args.as_of, args.dbt_args, _today())
    return run_dbt(["build", *args.dbt_args], as_of=as_of)


def cmd_run(args: argparse.Namespace) -> int:
    from scorehouse.contract import load_contract
    from scorehouse.dbt import resolve_as_of, run_dbt, split_vars
    from scorehouse.load import tables_without_data
    from scorehouse.publish import publish

    as_of = resolve_as_of(args.as_of, args.dbt_args, _today())
    user_vars = split_vars(args.dbt_args)[1]
    disabled = set(user_vars.get("disabled_sources") or [])
    empty = [t for t in tables_without_data(Path(args.db)) if t not in disabled]
    contract = load_contract()
    excluded = [f"source:{contract[t].source}.{t}" for t in empty if t in contract]
    if excluded:
        print(f"scorehouse: no data for {', '.join(empty)} in the export: freshness not checked")
    freshness = ["source", "freshness", *(["--exclude", *excluded] if excluded else [])]
    # The user's vars too: `disabled_sources` switches sources off for the check as well.
    code = run_dbt(freshness, vars=user_vars, project_dir=args.project_dir, db=args.db)
    if code != 0:
        print(
            f"scorehouse: a raw source is stale or unreadable (dbt source freshness, exit {code});"
            f" nothing was built and the publication at {args.published_db} was left as it was."
            " Load fresh data, or set SCOREHOUSE_ENV=demo to only warn on stale data.",
            file=sys.stderr,
        )
        return code
    code = run_dbt(["build", *args.dbt_args], as_of=as_of, project_dir=args.project_dir, db=args.db)
    if code != 0:
        print(
            f"scorehouse: dbt build failed (exit {code}); the publication at "
            f"{args.published_db} was left as it was. Fix the cause, then rerun this command "
            "(`scorehouse publish` refuses the marts of a failed build).",
            file=sys.stderr,
        )
        return code
    if not quality_gate(Path(args.db), Path(args.docs_dir), Path(args.project_dir)):
        print(
            f"scorehouse: quality checks failed; the publication at {args.published_db} was "
            "left as it was.",
            file=sys.stderr,
        )
        return 1
    counts = publish(Path(args.db), Path(args.published_db))
    print(f"published {sum(counts.values()):,} rows of {len(counts)} marts to {args.published_db}")
    return 0


def quality_gate(db: Path, docs_dir: Path, project_dir: Path = PROJECT_DIR) -> bool:
    """Run the Great Expectations checkpoint on the marts; print failures and the report."""
    from scorehouse.checks import run_checks

    report = run_checks(db, docs_dir, project_dir=project_dir)
    status = "passed" if report.success else f"FAILED ({len(report.failures)})"
    print(f"quality checks {status}: {report.evaluated} expectations; report {report.docs_index}")
    for failure in report.failures:
        print(f"  - {failure}", file=sys.stderr)
    return report.success


def cmd_check(args: argparse.Namespace) -> int:
    return 0 if quality_gate(Path(args.db), Path(args.docs_dir), Path(args.project_dir)) else 1


def latest_scored_date(db_path: Path) -> dt.date | None:
    """The latest date in the score history, or None before the first run."""
    import duckdb

    if not db_path.exists():
        return None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "select max(as_of_date) from intermediate.int_score_snapshots"
        ).fetchone()[0]
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def cmd_backfill(args: argparse.Namespace) -> int:
    from scorehouse.dbt import run_dbt
    from scorehouse.publish import publish

    if args.to_date < args.from_date:
        raise ScorehouseError(f"--to {args.to_date} is before --from {args.from_date}")
    # Each date's build rescores the marts as of that date; end on the latest date ever
    # scored, so a backfill of the past leaves the current marts current.
    current = max(args.to_date, latest_scored_date(Path(args.db)) or args.to_date)
    day = args.from_date
    history_only = {"backtest_count": 0, "candidate_rule_set": None}
    # The first date builds everything the date-dependent models need (`@`: the models
    # downstream of int_scoring_runs and all their parents); later dates rebuild only
    # what depends on the scoring date.
    selection = "@int_scoring_runs"
    while day <= args.to_date:
        as_of = day.isoformat()
        print(f"== scoring {as_of}", flush=True)
        code = run_dbt(
            ["build", "--select", selection, "--indirect-selection", "cautious"],
            as_of=as_of,
            vars=history_only,
            project_dir=args.project_dir,
            db=args.db,
        )
        if code != 0:
            print(f"scorehouse: backfill stopped at {as_of} (dbt exit {code})", file=sys.stderr)
            return code
        selection = "int_scoring_runs+"
        day += dt.timedelta(days=1)
    code = run_dbt(["build"], as_of=current.isoformat(), project_dir=args.project_dir, db=args.db)
    if code != 0:
        return code
    if not quality_gate(Path(args.db), Path(args.docs_dir), Path(args.project_dir)):
        print("scorehouse: quality checks failed; nothing was published", file=sys.stderr)
        return 1
    publish(Path(args.db), Path(args.published_db))
    print(
        f"backfilled {args.from_date} .. {args.to_date}, rescored {current} and published "
        f"{args.published_db}"
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from scorehouse.publish import publish

    counts = publish(Path(args.db), Path(args.published_db))
    print(f"published {sum(counts.values()):,} rows of {len(counts)} marts to {args.published_db}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from scorehouse.summary import format_summary, staging_summary

    print(format_summary(staging_summary(Path(args.db))))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from scorehouse.evaluate import evaluate

    print(evaluate(Path(args.db), Path(args.truth_dir)))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from scorehouse.calibrate import calibrate

    name = args.name or (
        "calibrated" if args.models == ["all"] else "calibrated_" + "_".join(args.models)
    )
    results, report = calibrate(
        args.models,
        db=Path(args.db),
        as_of=args.as_of,
        name=name,
        seed=args.seed,
        project_dir=Path(args.project_dir),
        report=Path(args.report) if args.report else None,
        write=not args.dry_run,
        wait=args.wait,
    )
    for r in results:
        current, candidate = r.auc["current"]["out_of_time"], r.auc[name]["out_of_time"]
        shown = (
            f"{current:.3f} -> {candidate:.3f}"
            if current is not None and candidate is not None
            else "n/a (one class only on the newest date)"
        )
        kept = sum(1 for rule in r.rules if float(rule["points"]) != 0)
        print(f"{r.model_id}: out-of-time AUC {shown}; {kept} rules score")
    where = "not written (--dry-run)" if args.dry_run else "in seeds/scoring/*_candidates.csv"
    print(f"candidate rule set {name}: {where}; report {report}")
    return 0


def cmd_adopt(args: argparse.Namespace) -> int:
    from scorehouse.calibrate import adopt

    row = adopt(args.name, project_dir=Path(args.project_dir))
    print(
        f"rule-set version {row['version']} ({row['config_hash']}): {args.name} is now the "
        f"current rules of {row['models']}; {row['summary']}. Rebuild to score with them."
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from scorehouse.dbt import run_dbt
    from scorehouse.generate import generate
    from scorehouse.load import load
    from scorehouse.publish import publish
    from scorehouse.summary import format_summary, staging_summary

    os.environ.setdefault("SCOREHOUSE_ENV", "demo")  # generated data: stale sources only warn
    out = Path(args.out)
    timings = {}
    start = time.monotonic()
    generate(out, scale=args.scale, seed=args.seed)
    timings["generate"] = time.monotonic() - start
    meta = json.loads((out / "raw" / "_generated.json").read_text())
    as_of = (dt.date.fromisoformat(meta["end_date"]) + dt.timedelta(days=1)).isoformat()

    start = time.monotonic()
    loaded = load(out / "raw", Path(args.db))
    timings["load"] = time.monotonic() - start
    print(f"loaded {sum(r.rows for r in loaded):,} raw rows into {args.db}")

    start = time.monotonic()
    code = run_dbt(["build"], as_of=as_of, db=args.db)
    timings["dbt build"] = time.monotonic() - start
    if code != 0:
        print(f"dbt build failed (exit {code})", file=sys.stderr)
        return code
    if not quality_gate(Path(args.db), default_docs_dir()):
        return 1
    publish(Path(args.db), Path(args.published_db))
    print()
    print(f"Scorehouse demo, scored as of {as_of}; BI marts published to {args.published_db}")
    print(format_summary(staging_summary(Path(args.db))))
    print()
    print("  ".join(f"{step}: {seconds:.1f}s" for step, seconds in timings.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scorehouse", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write deterministic demo raw files and hidden truth")
    gen.add_argument("--out", default=str(PROJECT_DIR / "data"))
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--end-date", type=dt.date.fromisoformat, default=dt.date(2026, 10, 31))
    gen.add_argument("--format", choices=["csv", "parquet"], default="csv")
    gen.set_defaults(func=cmd_generate)

    ld = sub.add_parser("load", help="load CSV/Parquet exports into the raw schema")
    ld.add_argument("--input-dir", default=str(PROJECT_DIR / "data" / "raw"))
    ld.add_argument(
        "--mapping",
        help="a mapping file (YAML) that turns your export into the contract "
        "(docs/own-data.md); replaces --input-dir",
    )
    ld.add_argument("--db", default=str(default_db()))
    ld.add_argument("--raw-schema", default="raw")
    ld.add_argument(
        "--max-bad-lines",
        type=int,
        default=0,
        help="tolerate up to N malformed CSV lines per file (kept in _load_rejects)",
    )
    ld.add_argument(
        "--allow-missing",
        action="store_true",
        help="load a table with no file as empty instead of failing",
    )
    ld.add_argument(
        "--loaded-at",
        type=dt.datetime.fromisoformat,
        default=None,
        help="load time to stamp on the rows (UTC, ISO 8601); default: now",
    )
    ld.add_argument(
        "--append",
        action="store_true",
        help="add the rows to the raw tables (a daily increment) instead of replacing them; "
        "tables with no file are left as they are",
    )
    ld.set_defaults(func=cmd_load)

    sp = sub.add_parser(
        "split",
        help="split a full export into a base export and daily increments (by day received)",
    )
    sp.add_argument("--input-dir", default=str(PROJECT_DIR / "data" / "raw"))
    sp.add_argument("--out", required=True, help="new folder: base/ and one folder per day")
    sp.add_argument("--first-day", type=dt.date.fromisoformat, required=True)
    sp.add_argument("--days", type=int, default=1)
    sp.set_defaults(func=cmd_split)

    cp = sub.add_parser(
        "copy-raw",
        help="copy the loaded raw schema from the DuckDB warehouse into PostgreSQL or Spark",
    )
    cp.add_argument("--to", choices=["postgres", "spark"], required=True)
    cp.add_argument("--db", default=str(default_db()), help="the DuckDB warehouse to copy from")
    cp.add_argument("--raw-schema", default="raw")
    cp.set_defaults(func=cmd_copy_raw)

    cc = sub.add_parser(
        "crosscheck",
        help="compare the published marts of DuckDB with those of PostgreSQL and/or Spark",
    )
    cc.add_argument(
        "--with", dest="engines", action="append", choices=["postgres", "spark"], required=True
    )
    cc.add_argument("--db", default=str(default_db()), help="the DuckDB warehouse (reference)")
    cc.set_defaults(func=cmd_crosscheck)

    bd = sub.add_parser(
        "build", help="dbt build for one scoring date (further arguments go to dbt build)"
    )
    bd.add_argument("--as-of", type=_as_of, help="scoring date (default: today, UTC)")
    bd.set_defaults(func=cmd_build)

    rn = sub.add_parser(
        "run",
        help="the daily job: dbt build for a date, then publish (further arguments go to dbt)",
    )
    rn.add_argument("--as-of", type=_as_of, help="scoring date (default: today, UTC)")
    rn.add_argument("--db", default=str(default_db()))
    rn.add_argument("--published-db", default=str(default_published_db()))
    rn.add_argument("--project-dir", default=str(PROJECT_DIR))
    rn.add_argument("--docs-dir", default=str(default_docs_dir()), help="quality report folder")
    rn.set_defaults(func=cmd_run)

    ck = sub.add_parser("check", help="Great Expectations checks on the marts (HTML report)")
    ck.add_argument("--db", default=str(default_db()))
    ck.add_argument("--docs-dir", default=str(default_docs_dir()))
    ck.add_argument("--project-dir", default=str(PROJECT_DIR))
    ck.set_defaults(func=cmd_check)

    bf = sub.add_parser(
        "backfill", help="score every date of a range into the history, then publish"
    )
    bf.add_argument("--from", dest="from_date", type=dt.date.fromisoformat, required=True)
    bf.add_argument("--to", dest="to_date", type=dt.date.fromisoformat, required=True)
    bf.add_argument("--db", default=str(default_db()))
    bf.add_argument("--published-db", default=str(default_published_db()))
    bf.add_argument("--project-dir", default=str(PROJECT_DIR))
    bf.add_argument("--docs-dir", default=str(default_docs_dir()), help="quality report folder")
    bf.set_defaults(func=cmd_backfill)

    pb = sub.add_parser("publish", help="copy the BI marts to the read-only published file")
    pb.add_argument("--db", default=str(default_db()))
    pb.add_argument("--published-db", default=str(default_published_db()))
    pb.set_defaults(func=cmd_publish)

    va = sub.add_parser(
        "validate", help="check the scoring seeds against the warehouse's data, without scoring"
    )
    va.add_argument("--db", default=str(default_db()))
    va.add_argument("--project-dir", default=str(PROJECT_DIR))
    va.set_defaults(func=cmd_validate)

    sm = sub.add_parser("summary", help="rows staged and quarantined per table and reason")
    sm.add_argument("--db", default=str(default_db()))
    sm.set_defaults(func=cmd_summary)

    ev = sub.add_parser("evaluate", help="won-opportunity rate by grade against the demo truth")
    ev.add_argument("--db", default=str(default_db()))
    ev.add_argument("--truth-dir", default=str(PROJECT_DIR / "data" / "truth"))
    ev.set_defaults(func=cmd_evaluate)

    cb = sub.add_parser(
        "calibrate",
        help="learn rule points and grade bands from the backtest outcomes, as a candidate "
        "rule set with a report (docs/calibration.md)",
    )
    cb.add_argument(
        "--model",
        dest="models",
        action="append",
        required=True,
        help="a model with an outcome (repeat for several), or all",
    )
    cb.add_argument("--name", help="candidate rule set to write (default: calibrated_<models>)")
    cb.add_argument("--as-of", type=_as_of, help="scoring date (default: the warehouse's)")
    cb.add_argument("--seed", type=int, default=0, help="random seed of the fit")
    cb.add_argument("--report", help="report path (default: data/reports/calibration-<name>.md)")
    cb.add_argument("--dry-run", action="store_true", help="write the report only, not the seeds")
    cb.add_argument("--db", default=str(default_db()))
    cb.add_argument("--project-dir", default=str(PROJECT_DIR))
    _add_wait(cb, "wait for the warehouse's lock to copy it")
    cb.set_defaults(func=cmd_calibrate)

    ad = sub.add_parser(
        "adopt", help="make a candidate rule set the current rules (its changelog row too)"
    )
    ad.add_argument("name", help="the candidate rule set, e.g. calibrated_acquisition")
    ad.add_argument("--project-dir", default=str(PROJECT_DIR))
    ad.set_defaults(func=cmd_adopt)

    dm = sub.add_parser("demo", help="generate, load, build and summarise the demo")
    dm.add_argument("--out", default=str(PROJECT_DIR / "data"))
    dm.add_argument("--db", default=str(default_db()))
    dm.add_argument("--published-db", default=str(default_published_db()))
    dm.add_argument("--scale", type=float, default=1.0)
    dm.add_argument("--seed", type=int, default=42)
    dm.set_defaults(func=cmd_demo)

    for command in sorted(WRITERS | READERS):
        _add_wait(
            sub.choices[command],
            "if another run holds the warehouse, wait until it ends (at most SECONDS; "
            "--wait alone: no limit) instead of stopping at once",
        )
    return parser


def _add_wait(parser: argparse.ArgumentParser, help: str) -> None:
    """The `--wait [SECONDS]` option of the commands that take the warehouse's lock."""
    parser.add_argument(
        "--wait",
        type=_seconds,
        nargs="?",
        const=math.inf,
        default=None,
        metavar="SECONDS",
        help=help,
    )


# Commands that pass any further arguments on to `dbt build`, e.g. `--select lead_scores+`
# (`run` then publishes only if the build rebuilt every BI mart: see scorehouse/publish.py).
PASS_THROUGH = {"build", "run"}

# The commands that use the DuckDB warehouse (--db; `build`: SCOREHOUSE_DB, the file dbt
# builds). Each holds the warehouse's lock from start to end, so that one runs at a time
# (scorehouse/lock.py); dbt, run by build, run, backfill, validate and demo, is a
# subprocess that works under its parent's lock. These write the warehouse...
WRITERS = {"load", "build", "run", "backfill", "validate", "demo"}
# ... and these only read it: publish copies its marts, copy-raw its raw tables, and
# check (which records its verdict there), summary, evaluate and crosscheck query it.
# They take the same exclusive lock (DuckDB refuses a reader while a writer has the file
# open, and a writer while a reader has), but only of a warehouse that exists: a missing
# one, they report themselves.
READERS = {"check", "summary", "evaluate", "publish", "copy-raw", "crosscheck"}


def warehouse_lock_for(
    args: argparse.Namespace, argv: list[str]
) -> contextlib.AbstractContextManager:
    """The warehouse lock the command of `args` holds while it runs (nothing for commands
    that do not use the warehouse). `argv` is what the lock file records as its command."""
    from scorehouse.lock import warehouse_lock

    if args.command not in WRITERS | READERS:
        return contextlib.nullcontext()
    db = Path(args.db) if "db" in vars(args) else default_db()
    if args.command in READERS and not db.exists():
        return contextlib.nullcontext()
    return warehouse_lock(db, shlex.join(["scorehouse", *argv]), wait=args.wait)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in PASS_THROUGH:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.dbt_args = extra
    try:
        with warehouse_lock_for(args, sys.argv[1:] if argv is None else argv):
            return args.func(args)
    except ScorehouseError as exc:
        print(f"scorehouse: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # DuckDB's own lock: a process outside Scorehouse's lock has the warehouse open.
        from scorehouse.lock import duckdb_lock_message

        message = duckdb_lock_message(exc)
        if message is None:
            raise
        print(f"scorehouse: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
