"""Publish the BI-facing marts, atomically, as a DuckDB file every DuckDB 1.x and 2.x
reader opens and as one Parquet file per mart (docs/publication.md).

DuckDB lets one process write a file, and a writer blocks readers of that file. So BI
tools and the dashboard never read the build's warehouse: after a green build, the marts
are copied into a new file beside the publication (`.<name>.<pid>.tmp`), which is then
renamed over it in one step. A reader that is connected keeps the version it opened (the
old file stays alive until it closes); a new reader sees the new version.

The file is written in DuckDB's storage format `STORAGE_VERSION` (v1.0.0), not in the
default format of the DuckDB that writes it (2.0's, which no DuckDB 1.x reader opens:
Evidence and most drivers are on 1.x). Its tables are in `main`, as always; its schema
`marts` holds the same marts as views, the time spine and the dated backtest, under the
names the build's warehouse has, so that MetricFlow (profile target `published`) queries
the publication as it queries the warehouse. `_publication` says when, from which build
and as of which date it was published; `_publication_marts` how many rows each mart has.

The Parquet files of one publication are written into a new folder,
`parquet.versions/<version>/`, and become visible in one step: the link `parquet` beside
the DuckDB file is switched to that folder (a new symbolic link renamed over the old
one). A reader that resolves `parquet` once reads one publication; the DuckDB file names
its folder (`_publication.parquet_version`). The folder of the previous publication is
kept, for readers still on it; older ones are removed. The rows of every file are sorted
(by all columns), so the same marts give the same bytes.

A publication is always one build. Every `dbt build` and `dbt run` records itself in the
warehouse's table `scorehouse_meta.builds` (hooks in macros/utils/record_build_start.sql
and record_build_end.sql: start, end, success, the marts it built) and the quality gate
adds its verdict (`record_check_verdict`). `publish` refuses, leaving the previous
publication as it was, unless the latest build that may have touched the marts
finished, succeeded, built every BI mart and passed the quality gate; otherwise the marts
could come from two builds (a killed or failed build, a `--select` build, a `dbt
retry`). A finished build that built no BI mart (`scorehouse validate`, say, also when it
fails) left them as they were and is passed over. Two publishes into one folder take
turns (a lock file, `.<name>.lock`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorehouse.errors import ScorehouseError
from scorehouse.sql import one_row

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


# The build records (macros/utils/record_build_start.sql), in the build's warehouse.
BUILDS_TABLE = "scorehouse_meta.builds"

# The oldest DuckDB storage format that holds every type of the marts: DuckDB 1.0 and
# every later version open the file. DuckDB 2.0 writes its own format (storage version
# 69) by default, which no DuckDB 1.x opens.
STORAGE_VERSION = "v1.0.0"

# In the publication, the schema where MetricFlow finds what it reads in the warehouse's
# schema `marts` (models/semantic): the BI marts (views on the tables in `main`), the time
# spine and the dated backtest (a view, so it is always the published backtest's).
SEMANTIC_SCHEMA = "marts"
TIME_SPINE = "metricflow_time_spine"
DATED_BACKTEST = "model_performance_dated"

# Beside the DuckDB file: the link readers open, and the folders it switches between.
PARQUET_LINK = "parquet"
PARQUET_VERSIONS = "parquet.versions"


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
        invocation_id, command, as_of_date, started_at, ended_at, succeeded = row[:6]
        build = Build(
            invocation_id,
            command,
            as_of_date,
            started_at,
            ended_at,
            succeeded,
            tuple(row[6] or ()),
            row[7],
        )
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


def parquet_folder(published_db: Path) -> Path:
    """The Parquet files of the publication `published_db`: a link beside it (`parquet`)
    to the folder of the current publication."""
    return Path(published_db).parent / PARQUET_LINK


def remove_stale_staging(published_db: Path) -> list[Path]:
    """Remove what publishes killed before their switch left beside `published_db`: the
    staging files (`.<name>.<pid>.tmp`, its `.wal`, the new link `.<name>.<pid>.link`) and
    Parquet folders (`parquet.versions/.<version>-<pid>.tmp`) whose pid is no running
    process. A running publish's own files are left alone. Returns what it removed."""
    published_db = Path(published_db)
    files = re.compile(rf"\.{re.escape(published_db.name)}\.(\d+)\.(tmp|tmp\.wal|link)")
    folders = re.compile(r"\.\d{8}T\d{12}-(\d+)\.tmp")
    versions = published_db.parent / PARQUET_VERSIONS
    candidates = sorted(published_db.parent.iterdir())
    if versions.is_dir():
        candidates += sorted(versions.iterdir())
    removed = []
    for path in candidates:
        pattern = folders if path.parent == versions else files
        match = pattern.fullmatch(path.name)
        if match is None or _running(int(match.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@contextlib.contextmanager
def _publishing(published_db: Path) -> Iterator[None]:
    """Hold the lock of the publication `published_db` (`.<name>.lock` beside it): two
    publishes into one folder (from two warehouses) take turns, so that the DuckDB file
    and the Parquet link always switch to the same publication. The operating system
    releases it when the process ends, however it ends."""
    lock = published_db.with_name(f".{published_db.name}.lock")
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _copy_marts(
    con: duckdb.DuckDBPyConnection,
    build_db: Path,
    marts_schema: str,
    published_at: dt.datetime,
    version: str,
    parquet_staging: Path,
) -> dict[str, int]:
    """Write the publication attached as `publication` on `con` from the warehouse
    attached as `build`, and its Parquet files into `parquet_staging`, once the build
    passed `build_problem`. Returns the rows per BI mart."""
    build = latest_build(con, "build")
    problem = build_problem(build_db, build)
    if problem or build is None:
        raise ScorehouseError(problem or f"{build_db}: no recorded build")
    con.execute("use publication")
    counts: dict[str, int] = {}
    for mart in BI_MARTS:
        try:
            # Sorted by every column: the same marts give the same Parquet bytes.
            con.execute(
                f"create table main.{mart} as "
                f"select * from build.{marts_schema}.{mart} order by all"
            )
        except duckdb.CatalogException as exc:
            raise ScorehouseError(f"{build_db}: mart {marts_schema}.{mart} is missing") from exc
        counts[mart] = one_row(con.execute(f"select count(*) from main.{mart}"))[0]
    # The build's scoring date, as the marts carry it (no lead scored: as recorded).
    scored_as_of = one_row(
        con.execute(
            "select coalesce(max(scored_as_of), ?) from main.lead_scores", [build.as_of_date]
        )
    )[0]
    con.execute(
        "create table main._publication as select ?::timestamp as published_at, "
        "?::date as scored_as_of, ? as build_invocation_id, ? as parquet_version",
        [published_at, scored_as_of, build.invocation_id, version],
    )
    con.execute("create table main._publication_marts (mart varchar, row_count bigint)")
    con.executemany("insert into main._publication_marts values (?, ?)", list(counts.items()))

    con.execute(f"create schema {SEMANTIC_SCHEMA}")
    for mart in BI_MARTS:
        con.execute(f"create view {SEMANTIC_SCHEMA}.{mart} as select * from main.{mart}")
    try:
        con.execute(
            f"create table {SEMANTIC_SCHEMA}.{TIME_SPINE} as "
            f"select * from build.{marts_schema}.{TIME_SPINE} order by all"
        )
    except duckdb.CatalogException as exc:
        raise ScorehouseError(
            f"{build_db}: {marts_schema}.{TIME_SPINE} (the semantic layer's time spine) is "
            "missing; run `scorehouse run` to build, check and publish"
        ) from exc
    # As models/semantic/model_performance_dated.sql dates it: by the scoring date.
    con.execute(
        f"create view {SEMANTIC_SCHEMA}.{DATED_BACKTEST} as "
        "select model_performance.*, _publication.scored_as_of "
        "from main.model_performance cross join main._publication"
    )

    parquet_staging.mkdir(parents=True)
    stamp = (
        f"{{scorehouse_build: {_literal(build.invocation_id)}, "
        f"scorehouse_scored_as_of: {_literal(str(scored_as_of))}}}"
    )
    for table in (*BI_MARTS, "_publication_marts", "_publication"):
        target = _literal(str(parquet_staging / f"{table}.parquet"))
        con.execute(f"copy main.{table} to {target} (format parquet, kv_metadata {stamp})")
    con.execute("use memory")
    con.execute("detach build")
    con.execute("checkpoint publication")
    con.execute("detach publication")
    return counts


def _switch_parquet(published_db: Path, version: str) -> str | None:
    """Point the link `parquet` at `parquet.versions/<version>` in one step (a new link
    renamed over the old one). Returns the version it pointed to before, if any."""
    link = parquet_folder(published_db)
    previous = Path(os.readlink(link)).name if link.is_symlink() else None
    new_link = published_db.with_name(f".{published_db.name}.{os.getpid()}.link")
    new_link.unlink(missing_ok=True)
    new_link.symlink_to(Path(PARQUET_VERSIONS) / version, target_is_directory=True)
    os.replace(new_link, link)
    return previous


def _remove_old_versions(published_db: Path, keep: set[str | None]) -> None:
    """Remove the Parquet folders of publications before the previous one: a reader that
    resolved the link before this publish still finds every file of its publication."""
    versions = published_db.parent / PARQUET_VERSIONS
    for path in versions.iterdir():
        if re.fullmatch(r"\d{8}T\d{12}-\d+", path.name) and path.name not in keep:
            shutil.rmtree(path)


def publish(build_db: Path, published_db: Path, *, marts_schema: str = "marts") -> dict[str, int]:
    """Copy the BI marts of `build_db` into `published_db` (DuckDB, storage format
    `STORAGE_VERSION`) and into Parquet files (`parquet_folder`), replacing both
    atomically, when they all come from one complete, checked build (`build_problem`);
    otherwise raise ScorehouseError and leave the publication as it was. Returns the rows
    per BI mart."""
    build_db, published_db = Path(build_db), Path(published_db)
    if not build_db.exists():
        raise ScorehouseError(f"{build_db}: no warehouse to publish from; run a build first")
    published_db.parent.mkdir(parents=True, exist_ok=True)
    link = parquet_folder(published_db)
    with _publishing(published_db):
        if link.exists() and not link.is_symlink():
            raise ScorehouseError(
                f"{link} is a folder, not the link that `scorehouse publish` switches: move "
                "it away, then publish again"
            )
        remove_stale_staging(published_db)
        published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        version = f"{published_at:%Y%m%dT%H%M%S%f}-{os.getpid()}"
        versions = published_db.parent / PARQUET_VERSIONS
        parquet_staging = versions / f".{version}.tmp"
        staging = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp")
        staging_wal = staging.with_name(staging.name + ".wal")
        staging.unlink(missing_ok=True)
        try:
            con = duckdb.connect()
            try:
                con.execute(
                    f"attach {_literal(str(staging))} as publication "
                    f"(storage_version {_literal(STORAGE_VERSION)})"
                )
                con.execute(f"attach {_literal(str(build_db))} as build (read_only)")
                counts = _copy_marts(
                    con, build_db, marts_schema, published_at, version, parquet_staging
                )
            finally:
                con.close()
            parquet_staging.rename(versions / version)
            previous = _switch_parquet(published_db, version)
            os.replace(staging, published_db)
            _remove_old_versions(published_db, keep={version, previous})
        finally:
            staging.unlink(missing_ok=True)
            staging_wal.unlink(missing_ok=True)
            if parquet_staging.exists():
                shutil.rmtree(parquet_staging)
    return counts
