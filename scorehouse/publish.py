"""Publish the BI-facing marts to a separate, read-only DuckDB file, atomically.

DuckDB lets one process write a file, and a writer blocks readers of that file. So BI
tools and the dashboard never read the build's warehouse: after a green build, the marts
are copied into a new file beside the publication (`.<name>.<pid>.tmp`), which is then
renamed over it in one step. A reader that is connected keeps the version it opened (the
old file stays alive until it closes); a new reader sees the new version.

A publication is always one build. Every `dbt build` and `dbt run` records itself in the
warehouse's table `scorehouse_meta.builds` (hooks in macros/utils/record_build.sql: start,
end, success, the marts it built) and the quality gate adds its verdict
(`record_check_verdict`). `publish` refuses, leaving the previous publication as it was,
unless the latest build that may have touched the marts finished, succeeded, built every
BI mart and passed the quality gate; otherwise the marts could come from two builds (a
killed or failed build, a `--select` build, a `dbt retry`). A finished build that built
no BI mart (`scorehouse validate`, say, also when it fails) left them as they were and is
passed over.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorehouse.errors import ScorehouseError

BI_MARTS = (
    "lead_scores",
    "lead_score_breakdown",
    "account_scores",
    "account_score_breakdown",
    "customer_health",
    "score_history",
    "score_alerts",
    "model_performance",
    "model_performance_summary",
    "model_calibration",
    "staging_row_counts",
    "signal_catalogue",
    "rule_coverage",
)


# The build records (macros/utils/record_build.sql), in the build's warehouse.
BUILDS_TABLE = "scorehouse_meta.builds"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Build:
    """One recorded dbt build or run of the warehouse (a row of `BUILDS_TABLE`)."""

    invocation_id: str
    command: str
    as_of_date: dt.date | None
    started_at: dt.datetime
    ended_at: dt.datetime | None  # None: still running, or killed
    succeeded: bool | None
    marts_built: tuple[str, ...]
    checks_passed: bool | None  # None: the quality gate has not run on it

    def describe(self) -> str:
        return (
            f"the marts' latest build (dbt {self.command} as of {self.as_of_date}, "
            f"started {self.started_at:%Y-%m-%d %H:%M:%S} UTC)"
        )

    def touched_marts(self) -> bool:
        """Whether it may have replaced a BI mart: it did not finish (a killed build
        records nothing of what it built), or it built one. A mart that fails to build
        is left as it was (its new version is renamed over it only once complete)."""
        return self.ended_at is None or bool(set(self.marts_built) & set(BI_MARTS))


def latest_build(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> Build | None:
    """The latest recorded build that may have touched the BI marts, in the warehouse
    open on `con` (attached there as `catalog`, if given); None when none is recorded."""
    table = f"{catalog}.{BUILDS_TABLE}" if catalog else BUILDS_TABLE
    try:
        rows = con.execute(
            "select invocation_id, command, as_of_date, started_at, ended_at, succeeded, "
            f"marts_built, checks_passed from {table} order by started_at desc"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    for row in rows:
        build = Build(*row[:6], tuple(row[6] or ()), row[7])
        if build.touched_marts():
            return build
    return None


def build_problem(build_db: Path, build: Build | None) -> str | None:
    """Why the marts of `build_db`, last touched by `build`, must not be published (one
    line saying what to do), or None when they all come from one complete, checked build."""
    prefix = f"{build_db}: nothing was published:"
    if build is None:
        return (
            f"{prefix} the warehouse has no record of a complete dbt build ({BUILDS_TABLE}); "
            "run `scorehouse run` to build, check and publish"
        )
    rerun = f"run `scorehouse run --as-of {build.as_of_date}` to build, check and publish"
    if build.ended_at is None:
        return (
            f"{prefix} {build.describe()} did not finish (killed?), so the marts may come "
            f"from two builds; {rerun}"
        )
    if not build.succeeded:
        return (
            f"{prefix} {build.describe()} failed, so the marts may come from two builds; "
            f"fix the cause, then {rerun}"
        )
    missing = [mart for mart in BI_MARTS if mart not in build.marts_built]
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        return (
            f"{prefix} {build.describe()} built {len(BI_MARTS) - len(missing)} of the "
            f"{len(BI_MARTS)} BI marts (not {shown}): a `--select` build or a `dbt retry` "
            f"leaves marts from two builds; {rerun}"
        )
    if build.checks_passed is None:
        return (
            f"{prefix} {build.describe()} has not been through the quality gate; run "
            "`scorehouse check`, then publish (or `scorehouse run`)"
        )
    if not build.checks_passed:
        return (
            f"{prefix} {build.describe()} failed the quality checks (`scorehouse check`); "
            f"fix the data or the rules, then {rerun}"
        )
    return None


def record_check_verdict(db_path: Path, invocation_id: str, passed: bool) -> None:
    """Record the quality gate's verdict on the marts of the build `invocation_id`."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute(
            f"update {BUILDS_TABLE} set checked_at = ?, checks_passed = ? where invocation_id = ?",
            [dt.datetime.now(dt.UTC).replace(tzinfo=None), passed, invocation_id],
        )
    finally:
        con.close()


def _running(pid: int) -> bool:
    """Whether a process `pid` runs on this machine (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(published_db: Path) -> list[Path]:
    """Remove the staging files (`.<name>.<pid>.tmp`, and their `.wal`) that publishes
    killed before their rename left beside `published_db`: those whose pid is no running
    process. A running publish's own file is left alone. Returns the files removed."""
    pattern = re.compile(rf"\.{re.escape(published_db.name)}\.(\d+)\.tmp(\.wal)?")
    removed = []
    for path in sorted(published_db.parent.iterdir()):
        match = pattern.fullmatch(path.name)
        if match is None or _running(int(match.group(1))):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def publish(build_db: Path, published_db: Path, *, marts_schema: str = "marts") -> dict[str, int]:
    """Copy the BI marts of `build_db` into `published_db`, replacing it atomically, when
    they all come from one complete, checked build (`build_problem`); otherwise raise
    ScorehouseError and leave `published_db` as it was."""
    build_db, published_db = Path(build_db), Path(published_db)
    if not build_db.exists():
        raise ScorehouseError(f"{build_db}: no warehouse to publish from; run a build first")
    published_db.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(published_db)
    staging = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp")
    staging_wal = staging.with_name(staging.name + ".wal")
    staging.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(staging))
        try:
            con.execute(f"attach {_literal(str(build_db))} as build (read_only)")
            problem = build_problem(build_db, latest_build(con, "build"))
            if problem:
                raise ScorehouseError(problem)
            for mart in BI_MARTS:
                try:
                    con.execute(f"create table {mart} as select * from build.{marts_schema}.{mart}")
                except duckdb.CatalogException as exc:
                    raise ScorehouseError(
                        f"{build_db}: mart {marts_schema}.{mart} is missing"
                    ) from exc
                counts[mart] = con.execute(f"select count(*) from {mart}").fetchone()[0]
            scored_as_of = con.execute("select max(scored_as_of) from lead_scores").fetchone()[0]
            con.execute(
                "create table _publication as select ? as published_at, ? as scored_as_of",
                [dt.datetime.now(dt.UTC).replace(tzinfo=None), scored_as_of],
            )
            con.execute("detach build")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(staging, published_db)
    finally:
        staging.unlink(missing_ok=True)
        staging_wal.unlink(missing_ok=True)
    return counts
