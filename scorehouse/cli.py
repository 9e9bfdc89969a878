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
from scorehouse.engines import ENGINES
from scorehouse.errors import ScorehouseError
from scorehouse.sql import one_row


def default_db() -> Path:
    return Path(os.environ.get("SCOREHOUSE_DB", PROJECT_DIR / "data" / "scorehouse.duckdb"))


def default_docs_dir(db: Path | None = None) -> Path:
    """The quality report's folder: `quality` beside the warehouse checked (`db`, else
    SCOREHOUSE_DB's), so that checking one warehouse never overwrites another's report."""
    return Path(db if db is not None else default_db()).resolve().parent / "quality"


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
    from scorehouse.devtools.generate import generate

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
    from scorehouse.devtools.increments import split_increments

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
    the configuration check with its tests. dbt prints each problem on one line. When a
    build of the warehouse is recorded and no raw load came since, its staging is
    current: only the seeds and the check are built."""
    import time

    from scorehouse import build_state
    from scorehouse.dbt import run_dbt

    start = time.monotonic()
    if build_state.staging_is_current(args.db):
        selection = ["+int_scoring_rules_checked,resource_type:seed"]
        selection += ["int_scoring_config_problems", "int_scoring_rules_checked"]
    else:
        selection = ["+int_scoring_rules_checked"]
    code = run_dbt(
        ["--quiet", "build", "--select", *selection, "--indirect-selection", "cautious"],
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
    from scorehouse.devtools.crosscheck import crosscheck

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
    """dbt build for one date. A build of everything that succeeds on the DuckDB
    warehouse is recorded, so that `--changed` builds only what a later configuration
    edit changed (scorehouse.build_state)."""
    from scorehouse import build_state
    from scorehouse.dbt import resolve_as_of, run_dbt

    as_of = resolve_as_of(args.as_of, args.dbt_args, _today())
    target = _dbt_target(args.dbt_args)
    db = default_db() if default_db().is_absolute() else PROJECT_DIR / default_db()
    select: list[str] = []
    if args.changed:
        if target != "duckdb":
            raise ScorehouseError(
                f"--changed needs the DuckDB warehouse (target {target}): it reads the raw "
                "loads there; build everything on this target"
            )
        plan = build_state.plan(db, as_of, args.dbt_args)
        print(f"scorehouse: {plan.reason}", flush=True)
        select = plan.select
    # `db` as the other commands pass it (scorehouse.dbt.warehouse_setting): the same
    # profile, so that `validate` and `build` share dbt's parse of the project.
    code = run_dbt(["build", *args.dbt_args, *select], as_of=as_of, db=db)
    if code == 0:
        _record_build(db, as_of, args.dbt_args, PROJECT_DIR)
    return code


def _record_build(db: Path, as_of: str, dbt_args: list[str], project_dir: Path) -> None:
    """After a build that succeeded: what it saw, for a later `build --changed`, when it
    built every model of the DuckDB warehouse. Not recorded: said, not fatal."""
    from scorehouse import build_state

    if _dbt_target(dbt_args) != "duckdb" or build_state.selects_nodes(dbt_args):
        return
    try:
        build_state.record(db, as_of, dbt_args, project_dir)
    except (ScorehouseError, OSError) as exc:
        print(
            f"scorehouse: warning: this build is not recorded for --changed: {exc}", file=sys.stderr
        )


def _dbt_target(dbt_args: list[str]) -> str:
    """The profile target dbt builds: `--target`/`-t`, else SCOREHOUSE_TARGET (profiles.yml)."""
    for i, arg in enumerate(dbt_args):
        if arg in ("--target", "-t") and i + 1 < len(dbt_args):
            return dbt_args[i + 1]
        if arg.startswith("--target="):
            return arg.split("=", 1)[1]
    return os.environ.get("SCOREHOUSE_TARGET", "duckdb")


def cmd_run(args: argparse.Namespace) -> int:
    """The daily job, one line per stage (freshness, build, checks, publish) and a closing
    summary; dbt's output goes to a log file beside the warehouse (`--verbose`: shown too)."""
    from scorehouse.contract import load_contract
    from scorehouse.dbt import DbtLog, new_log_path, resolve_as_of, run_dbt, split_vars
    from scorehouse.export import load_config as load_export_config
    from scorehouse.load import tables_without_data

    as_of = resolve_as_of(args.as_of, args.dbt_args, _today())
    # Read first: a bad export setting stops the run before it builds anything.
    exports = None if args.no_export else load_export_config(Path(args.export_config))
    user_vars = split_vars(args.dbt_args)[1]
    disabled = set(user_vars.get("scorehouse_disabled_sources") or [])
    empty = [t for t in tables_without_data(Path(args.db)) if t not in disabled]
    contract = load_contract()
    excluded = [f"source:{contract[t].source}.{t}" for t in empty if t in contract]
    log = DbtLog(new_log_path(args.db, "run"), verbose=args.verbose)
    stages = Stages()
    print(f"scorehouse run as of {as_of}; dbt's output: {_shown(log.path)}", flush=True)
    freshness = ["source", "freshness", *(["--exclude", *excluded] if excluded else [])]
    # The user's vars too: `scorehouse_disabled_sources` switches sources off for the check as well.
    stages.start("freshness", args.verbose)
    code = run_dbt(freshness, vars=user_vars, project_dir=args.project_dir, db=args.db, log=log)
    note = f"; no data, not checked: {', '.join(empty)}" if empty else ""
    stages.dbt_done("freshness", code, log, note)
    if code != 0:
        print(
            f"scorehouse: a raw source is stale or unreadable (dbt source freshness, exit {code});"
            f" nothing was built and the publication at {args.published_db} was left as it was."
            " Load fresh data, or set SCOREHOUSE_ENV=demo to only warn on stale data."
            f" Full log: {log.path}",
            file=sys.stderr,
        )
        return code
    stages.start("build", args.verbose)
    code = run_dbt(
        ["build", *args.dbt_args], as_of=as_of, project_dir=args.project_dir, db=args.db, log=log
    )
    stages.dbt_done("build", code, log)
    if code != 0:
        print(
            f"scorehouse: dbt build failed (exit {code}); the publication at "
            f"{args.published_db} was left as it was. Fix the cause, then rerun this command "
            f"(`scorehouse publish` refuses the marts of a failed build). Full log: {log.path}",
            file=sys.stderr,
        )
        return code
    _record_build(Path(args.db), as_of, args.dbt_args, Path(args.project_dir))
    if not check_stage(stages, Path(args.db), docs_dir_for(args), Path(args.project_dir)):
        print(
            f"scorehouse: quality checks failed; the publication at {args.published_db} was "
            "left as it was.",
            file=sys.stderr,
        )
        return 1
    counts = publish_stage(stages, Path(args.db), Path(args.published_db))
    exported = exports is None or export_stage(
        stages, exports, Path(args.db), Path(args.published_db)
    )
    print_run_summary(Path(args.db), as_of, counts, Path(args.published_db))
    return 0 if exported else 1


def export_stage(stages: Stages, config, db: Path, published_db: Path) -> bool:
    """One `export` line per destination of the settings' `run_destinations`, after the
    publication. Each destination is tried even if one before it failed; a failure is
    on standard error, and its batches wait for the next run."""
    from scorehouse.export import export_to

    ok = True
    for target in config.run_destinations:
        stages.start("export")
        try:
            result = export_to(target, db=db, published_db=published_db, config=config)
        except ScorehouseError as exc:
            stages.done("export", False, f"{target.destination}: nothing sent")
            print(f"scorehouse: export to {target.destination}: {exc}", file=sys.stderr)
            ok = False
            continue
        detail = result.describe().removeprefix("export to ")
        stages.done("export", result.failure is None, detail)
        if result.failure:
            print(f"scorehouse: {result.failure_line()}", file=sys.stderr)
            ok = False
    return ok


def _duration(seconds: float) -> str:
    """12.3s, or 4m05s from a minute on, or 1h02m from an hour on."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def _shown(path: Path | None) -> str:
    """`path` relative to the working folder when it lies under it (shorter to read)."""
    if path is None:
        return "(none)"
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Stages:
    """Prints one line per stage of a command: name, outcome, duration, what it did.

    On a terminal the stage's name shows while it runs, then the line is completed in
    place (a carriage return, no escape code); into a pipe or file each line is written
    once, when the stage ends. Failure details go to standard error."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.started = time.monotonic()
        self._live = False

    def start(self, name: str, verbose: bool = False) -> None:
        self.started = time.monotonic()
        self._live = sys.stdout.isatty() and not verbose
        if self._live:
            print(f"{self.prefix}{name:<10} ...", end="\r", flush=True)

    def done(self, name: str, ok: bool, detail: str, seconds: float | None = None) -> None:
        seconds = time.monotonic() - self.started if seconds is None else seconds
        outcome = "ok" if ok else "FAILED"
        line = f"{self.prefix}{name:<10} {outcome:<6} {_duration(seconds):>7}  {detail}"
        print(line.rstrip() + (" " * 8 if self._live else ""), flush=True)
        self._live = False

    def dbt_done(self, name: str, code: int, log, note: str = "", show_log: bool = True) -> None:
        """The line of a dbt stage (`log.last`: what dbt did), and on failure the lines
        that say what failed, with the log's path, on standard error."""
        result = log.last
        detail = _dbt_detail(result) if result is not None else f"dbt exit {code}"
        where = f"; log {_shown(log.path)}" if show_log else ""
        self.done(
            name,
            code == 0,
            f"{detail}{note}{where}",
            seconds=result.seconds if result is not None else None,
        )
        if code != 0 and result is not None:
            for line in result.failures:
                print(f"  {line}", file=sys.stderr, flush=True)


def _dbt_detail(result) -> str:
    """What a dbt command did, from its counts: `331 passed, 2 warnings, 1 error, ...`."""
    if result.freshness:
        fresh = result.freshness
        parts = [f"{sum(fresh.values())} sources: {fresh.get('pass', 0)} fresh"]
        if fresh.get("warn"):
            parts.append(f"{fresh['warn']} stale (warn)")
        if fresh.get("error"):
            parts.append(f"{fresh['error']} stale (error)")
        if fresh.get("runtime error"):
            parts.append(f"{fresh['runtime error']} unreadable")
        return ", ".join(parts)
    stats = result.stats
    if not stats:
        return f"dbt exit {result.code}"
    parts = [f"{stats.get('total', 0)} nodes: {stats.get('pass', 0)} passed"]
    for key, label in (("warn", "warning"), ("error", "error"), ("skip", "skipped")):
        if stats.get(key):
            suffix = "s" if key != "skip" and stats[key] != 1 else ""
            parts.append(f"{stats[key]} {label}{suffix}")
    if stats.get("noop"):
        parts.append(f"{stats['noop']} no-op")
    return ", ".join(parts)


def docs_dir_for(args: argparse.Namespace) -> Path:
    """The quality report's folder: `--docs-dir`, else beside the warehouse checked."""
    return Path(args.docs_dir) if args.docs_dir else default_docs_dir(Path(args.db))


def check_stage(stages: Stages, db: Path, docs_dir: Path, project_dir: Path) -> bool:
    """The quality gate as a stage line; failures, one per line, on standard error."""
    from scorehouse.checks import run_checks

    stages.start("checks")
    report = run_checks(db, docs_dir, project_dir=project_dir)
    failed = f"{len(report.failures)} of " if not report.success else ""
    stages.done(
        "checks",
        report.success,
        f"{failed}{report.evaluated} expectations failed; report {_shown(report.docs_index)}"
        if not report.success
        else f"{report.evaluated} expectations met; report {_shown(report.docs_index)}",
    )
    for failure in report.failures:
        print(f"  - {failure}", file=sys.stderr)
    return report.success


def publish_stage(stages: Stages, db: Path, published_db: Path) -> dict[str, int]:
    """Publish as a stage line; a refusal (ScorehouseError) ends the stage as failed."""
    from scorehouse.publish import publish

    stages.start("publish")
    try:
        counts = publish(db, published_db)
    except ScorehouseError:
        stages.done("publish", False, f"nothing published to {_shown(published_db)}")
        raise
    stages.done(
        "publish",
        True,
        f"{sum(counts.values()):,} rows of {len(counts)} marts to {_shown(published_db)}",
    )
    return counts


def run_summary(db: Path, as_of: str, counts: dict[str, int], published_db: Path) -> list[str]:
    """The closing summary of a run: rows in, entities scored per kind, new MQLs and
    alerts of the scoring date, and what was published (from the warehouse's marts)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        total, staged = one_row(
            con.execute(
                "select coalesce(sum(row_count), 0), "
                "coalesce(sum(case when row_outcome = 'staged' then row_count end), 0) "
                "from marts.staging_row_counts"
            )
        )
        leads, accounts, customers = (
            one_row(con.execute(f"select count(distinct {key}) from marts.{mart}"))[0]
            for mart, key in (
                ("lead_scores", "contact_id"),
                ("account_scores", "account_id"),
                ("customer_health", "account_id"),
            )
        )
        (mqls,) = one_row(
            con.execute("select count(distinct contact_id) from marts.lead_scores where is_mql")
        )
        alerts = con.execute(
            "select alert_type, count(*) from marts.score_alerts "
            "where as_of_date = cast(? as date) group by alert_type order by alert_type",
            [as_of],
        ).fetchall()
    finally:
        con.close()
    new_mqls = dict(alerts).get("mql_reached", 0)
    shown_alerts = ", ".join(f"{n:,} {kind}" for kind, n in alerts) or "none"
    return [
        f"rows in    {total:,} raw rows: {staged:,} staged, {total - staged:,} quarantined "
        "(`scorehouse summary`: where each went)",
        f"scored     {leads:,} leads, {accounts:,} accounts, {customers:,} customers as of {as_of}",
        f"MQLs       {new_mqls:,} new today (alert mql_reached), {mqls:,} in all",
        f"alerts     {shown_alerts} (today)",
        f"published  {sum(counts.values()):,} rows of {len(counts)} marts to {published_db}",
    ]


def print_run_summary(db: Path, as_of: str, counts: dict[str, int], published_db: Path) -> None:
    print()
    for line in run_summary(db, as_of, counts, published_db):
        print(line)


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
    return 0 if quality_gate(Path(args.db), docs_dir_for(args), Path(args.project_dir)) else 1


def latest_scored_date(db_path: Path) -> dt.date | None:
    """The latest date in the score history (marts.score_snapshots, or where releases before
    it kept the history, intermediate.int_score_snapshots), or None before the first run."""
    import duckdb

    if not db_path.exists():
        return None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for table in ("marts.score_snapshots", "intermediate.int_score_snapshots"):
            try:
                return one_row(con.execute(f"select max(as_of_date) from {table}"))[0]
            except duckdb.CatalogException:
                continue
        return None
    finally:
        con.close()


def backfill_eta(durations: list[float], left: int) -> float:
    """Seconds the `left` dates still need, from the mean of the dates done. The first
    date also builds the parents of the scoring runs, so once later dates are done it
    is left out of the mean (it would overstate every later date)."""
    typical = durations[1:] or durations
    return sum(typical) / len(typical) * left if typical else 0.0


def cmd_backfill(args: argparse.Namespace) -> int:
    """Score every date of a range into the history (one line per date: n of N, outcome,
    duration, ETA), rescore the current date, check and publish (one line per stage)."""
    from scorehouse.dbt import DbtLog, new_log_path, run_dbt

    if args.to_date < args.from_date:
        raise ScorehouseError(f"--to {args.to_date} is before --from {args.from_date}")
    # Each date's build rescores the marts as of that date; end on the latest date ever
    # scored, so a backfill of the past leaves the current marts current.
    current = max(args.to_date, latest_scored_date(Path(args.db)) or args.to_date)
    total = (args.to_date - args.from_date).days + 1
    log = DbtLog(new_log_path(args.db, "backfill"), verbose=args.verbose)
    print(
        f"scorehouse backfill {args.from_date} .. {args.to_date} ({total} dates), then "
        f"rescore {current}; dbt's output: {_shown(log.path)}",
        flush=True,
    )
    # The first date builds everything the date-dependent models need (`@`: the models
    # downstream of int_scoring_runs and all their parents); later dates rebuild only
    # what depends on the scoring date.
    selection = "@int_scoring_runs"
    durations: list[float] = []
    width = len(str(total))
    for n in range(1, total + 1):
        as_of = (args.from_date + dt.timedelta(days=n - 1)).isoformat()
        stages = Stages(prefix=f"{n:>{width}} of {total}  {as_of}  ")
        stages.start("build", args.verbose)
        code = run_dbt(
            ["build", "--select", selection, "--indirect-selection", "cautious"],
            as_of=as_of,
            history_only=True,
            project_dir=args.project_dir,
            db=args.db,
            log=log,
        )
        durations.append(log.last.seconds if log.last is not None else 0.0)
        left = total - n
        note = f"; ETA {_duration(backfill_eta(durations, left))} for {left} more" if left else ""
        stages.dbt_done("build", code, log, note if code == 0 else "", show_log=False)
        if code != 0:
            print(
                f"scorehouse: backfill stopped at {as_of} (dbt exit {code}); the dates before "
                f"it are in the history, nothing was published. Full log: {log.path}",
                file=sys.stderr,
            )
            return code
        selection = "int_scoring_runs+"
    stages = Stages()
    stages.start("rescore", args.verbose)
    code = run_dbt(
        ["build"], as_of=current.isoformat(), project_dir=args.project_dir, db=args.db, log=log
    )
    stages.dbt_done("rescore", code, log, f" (as of {current})" if code == 0 else "")
    if code != 0:
        print(
            f"scorehouse: the rescoring build as of {current} failed (dbt exit {code}); "
            f"nothing was published. Full log: {log.path}",
            file=sys.stderr,
        )
        return code
    # The rescoring build built every model as of `current`, with no dbt argument.
    _record_build(Path(args.db), current.isoformat(), [], Path(args.project_dir))
    if not check_stage(stages, Path(args.db), docs_dir_for(args), Path(args.project_dir)):
        print("scorehouse: quality checks failed; nothing was published", file=sys.stderr)
        return 1
    counts = publish_stage(stages, Path(args.db), Path(args.published_db))
    print_run_summary(Path(args.db), current.isoformat(), counts, Path(args.published_db))
    print(
        f"backfilled {args.from_date} .. {args.to_date}, rescored {current} and published "
        f"{args.published_db}"
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from scorehouse.publish import parquet_folder, publish

    counts = publish(Path(args.db), Path(args.published_db))
    print(
        f"published {sum(counts.values()):,} rows of {len(counts)} marts to {args.published_db}"
        f" and, as Parquet, to {parquet_folder(Path(args.published_db))}/"
    )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from scorehouse.summary import format_summary, staging_summary

    print(format_summary(staging_summary(Path(args.db))))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from scorehouse.devtools.evaluate import evaluate

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


def cmd_export(args: argparse.Namespace) -> int:
    """Send the scores that changed since the last delivery to a CRM (docs/crm-export.md).
    It takes the warehouse's lock itself, for its whole run (the export's state lives
    in the warehouse, and two exports at once could send one change twice)."""
    from dataclasses import replace

    from scorehouse.export import BATCHES, default_destination, drop_batch, export, load_config
    from scorehouse.lock import warehouse_lock

    config = load_config(Path(args.config))
    settings = {}
    for option, name, value, least in (
        ("--batch-size", "batch_size", args.batch_size, 1),
        ("--attempts", "attempts", args.attempts, 1),
        ("--retry-delay", "retry_base_seconds", args.retry_delay, 0),
        ("--timeout", "timeout_seconds", args.timeout, 0.001),
    ):
        if value is None:
            continue
        if not value >= least:
            raise ScorehouseError(f"{option} must be at least {least:g}, got {value:g}")
        settings[name] = value
    config = replace(config, webhook=replace(config.webhook, **settings))
    db = Path(args.db)
    if not db.exists():
        raise ScorehouseError(
            f"{db}: no warehouse to keep the export's state in; run `scorehouse run` first "
            "(or pass --db)"
        )
    out_dir = None if args.format == "webhook" else Path(args.out_dir)
    command = shlex.join(["scorehouse", "export", "--format", args.format])
    with warehouse_lock(db, command, wait=args.wait):
        if args.drop_batch:
            destination = args.destination or default_destination(args.format, args.url, out_dir)
            batch = drop_batch(db, destination, args.drop_batch)
            print(
                f"dropped batch {batch.batch_id} ({batch.record_count:,} records) of "
                f"{destination}; it stays in {BATCHES}, and the next export sends those "
                "records' current values again"
            )
            return 0
        result = export(
            args.format,
            db=db,
            published_db=Path(args.published_db),
            config=config,
            url=args.url,
            out_dir=out_dir,
            destination=args.destination,
            full=args.full,
            token=os.environ.get("SCOREHOUSE_EXPORT_TOKEN") or None,
        )
    print(result.describe())
    for path in result.files:
        print(f"  wrote {path}")
    if result.failure:
        print(f"scorehouse: {result.failure_line()}", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from scorehouse.dbt import run_dbt
    from scorehouse.devtools.generate import generate
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
    _record_build(Path(args.db), as_of, [], PROJECT_DIR)
    if not quality_gate(Path(args.db), default_docs_dir(Path(args.db))):
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
    # The engines are named as the targets of profiles.yml that build on them.
    cp.add_argument("--to", choices=ENGINES, required=True)
    cp.add_argument("--db", default=str(default_db()), help="the DuckDB warehouse to copy from")
    cp.add_argument("--raw-schema", default="raw")
    cp.set_defaults(func=cmd_copy_raw)

    cc = sub.add_parser(
        "crosscheck",
        help="compare the published marts of DuckDB with those of PostgreSQL and/or Spark",
    )
    cc.add_argument("--with", dest="engines", action="append", choices=ENGINES, required=True)
    cc.add_argument("--db", default=str(default_db()), help="the DuckDB warehouse (reference)")
    cc.set_defaults(func=cmd_crosscheck)

    bd = sub.add_parser(
        "build", help="dbt build for one scoring date (further arguments go to dbt build)"
    )
    bd.add_argument("--as-of", type=_as_of, help="scoring date (default: today, UTC)")
    bd.add_argument(
        "--changed",
        action="store_true",
        help="build only what changed since the last build of this warehouse (a seed, model "
        "or macro edit, and what is downstream of it); everything when the date, the raw "
        "loads or the vars changed",
    )
    bd.set_defaults(func=cmd_build)

    rn = sub.add_parser(
        "run",
        help="the daily job: dbt build for a date, then publish (further arguments go to dbt)",
    )
    rn.add_argument("--as-of", type=_as_of, help="scoring date (default: today, UTC)")
    rn.add_argument("--db", default=str(default_db()))
    rn.add_argument("--published-db", default=str(default_published_db()))
    rn.add_argument("--project-dir", default=str(PROJECT_DIR))
    rn.add_argument(
        "--docs-dir",
        default=None,
        help="quality report folder (default: quality/ beside the warehouse, --db)",
    )
    rn.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show dbt's output as it runs (it always goes to the log file)",
    )
    rn.add_argument(
        "--export-config",
        default=str(PROJECT_DIR / "crm_export.yml"),
        help="the export settings whose run_destinations get the changed scores after "
        "the publication (docs/crm-export.md)",
    )
    rn.add_argument("--no-export", action="store_true", help="publish, but send nothing to the CRM")
    rn.set_defaults(func=cmd_run)

    ck = sub.add_parser("check", help="Great Expectations checks on the marts (HTML report)")
    ck.add_argument("--db", default=str(default_db()))
    ck.add_argument(
        "--docs-dir",
        default=None,
        help="quality report folder (default: quality/ beside the warehouse, --db)",
    )
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
    bf.add_argument(
        "--docs-dir",
        default=None,
        help="quality report folder (default: quality/ beside the warehouse, --db)",
    )
    bf.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show dbt's output as it runs (it always goes to the log file)",
    )
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

    ex = sub.add_parser(
        "export",
        help="send the scores that changed since the last export to a CRM: HubSpot or "
        "Salesforce import files, or a webhook (docs/crm-export.md)",
    )
    ex.add_argument("--format", choices=["hubspot", "salesforce", "webhook"], required=True)
    ex.add_argument("--url", help="webhook: the address to POST the JSON batches to")
    ex.add_argument(
        "--out-dir",
        default=str(PROJECT_DIR / "data" / "exports"),
        help="hubspot, salesforce: the folder to write the CSV files into",
    )
    ex.add_argument(
        "--destination",
        help="the name the export's state is kept under (default: the format and the "
        "--url or --out-dir)",
    )
    ex.add_argument(
        "--full", action="store_true", help="send every score, changed or not (ignore the state)"
    )
    ex.add_argument("--batch-size", type=int, help="webhook: records per POST")
    ex.add_argument("--attempts", type=int, help="webhook: tries per batch, the first included")
    ex.add_argument(
        "--retry-delay", type=float, help="webhook: seconds before the 2nd try, doubled after"
    )
    ex.add_argument("--timeout", type=float, help="webhook: seconds to wait for an answer")
    ex.add_argument(
        "--drop-batch",
        metavar="BATCH_ID",
        help="give up on an undelivered batch its receiver will never take, then stop",
    )
    ex.add_argument(
        "--config",
        default=str(PROJECT_DIR / "crm_export.yml"),
        help="the export settings: field names, reasons length, webhook tries",
    )
    ex.add_argument("--db", default=str(default_db()), help="the warehouse that keeps the state")
    ex.add_argument("--published-db", default=str(default_published_db()))
    _add_wait(ex, "if another run holds the warehouse, wait until it ends (at most SECONDS)")
    ex.set_defaults(func=cmd_export)

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
    target = os.environ.get("SCOREHOUSE_TARGET", "duckdb")
    if args.command == "build" and target != "duckdb":
        # dbt builds another engine's warehouse: the lock is that target's, not the DuckDB
        # file's, so that builds on two engines can run side by side (make test runs
        # PostgreSQL's beside Spark's) while two on one engine still take turns.
        db = PROJECT_DIR / "data" / f"target-{target}"
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
