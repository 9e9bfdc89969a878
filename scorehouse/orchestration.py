"""Dagster code location: the dbt project as assets, published for BI, on a daily schedule.

    DAGSTER_HOME=$PWD/data/dagster dagster dev -m scorehouse.orchestration   # UI, schedule

(`dagster dev` needs the dagster-webserver package; DAGSTER_HOME, an existing folder, keeps
the runs' history between sessions; without it Dagster uses a temporary folder.)

Each daily partition D is scored as of D + 1 (midnight after D), so the run for a day
sees all of that day's data. The schedule runs the last complete day every morning.
The publication asset runs only after every dbt model and test has passed.

Each asset holds the warehouse's lock while it uses the warehouse (scorehouse/lock.py), as
the `scorehouse` commands do: a run that finds it held, by a `scorehouse load` say, waits
for it (at most LOCK_WAIT_SECONDS), then fails with the line that names the holder.

The scoring date reaches dbt as environment variable SCOREHOUSE_AS_OF_DATE, not as a var,
so that every partition's build reuses dbt's partial parse (scorehouse/dbt.py).
"""

# No `from __future__ import annotations` here: Dagster reads the annotation of each
# asset's `context` parameter at definition time, and refuses it as a string.
import contextlib
import datetime as dt
import os
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    DailyPartitionsDefinition,
    Definitions,
    MaterializeResult,
    asset,
    build_schedule_from_partitioned_job,
    define_asset_job,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from scorehouse.checks import run_checks
from scorehouse.contract import PROJECT_DIR, PROJECT_PARTS
from scorehouse.dbt import AS_OF_ENV, dbt_executable, run_dbt
from scorehouse.errors import ScorehouseError
from scorehouse.export import export_to, load_config
from scorehouse.lock import warehouse_lock
from scorehouse.publish import publish

# How long an asset waits for another run to release the warehouse before it fails.
LOCK_WAIT_SECONDS = 3600

DAILY = DailyPartitionsDefinition(start_date=os.environ.get("SCOREHOUSE_START_DATE", "2025-11-01"))


def prepare_manifest(project: DbtProject) -> None:
    """Write the dbt manifest the assets are defined from, with the project's own dbt and
    profiles. (dagster-dbt's own preparer runs a `dbt` found on PATH, with no profiles
    folder: with the virtual environment not activated, `dagster dev` then loads no code
    location.)"""
    code = run_dbt(["parse", "--quiet"], project_dir=project.project_dir)
    if code != 0 or not project.manifest_path.exists():
        raise ScorehouseError(
            f"dbt parse failed (exit {code}) in {project.project_dir}: no manifest for the "
            "Dagster assets; run `.venv/bin/dbt parse` there to see why"
        )


def manifest_is_stale(project: DbtProject) -> bool:
    """Whether the manifest is missing or older than a file of the dbt project."""
    if not project.manifest_path.exists():
        return True
    written = project.manifest_path.stat().st_mtime
    for part in PROJECT_PARTS:
        path = Path(project.project_dir) / part
        files = path.rglob("*") if path.is_dir() else [path]
        if any(f.is_file() and f.stat().st_mtime > written for f in files):
            return True
    return False


dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
# The manifest must exist before the assets are defined. Under `dagster dev`, it is
# written again when a project file changed since, so that a reload shows the change.
if not dbt_project.manifest_path.exists() or (
    os.environ.get("DAGSTER_IS_DEV_CLI") and manifest_is_stale(dbt_project)
):
    prepare_manifest(dbt_project)


def build_db() -> Path:
    """The DuckDB warehouse dbt builds (SCOREHOUSE_DB)."""
    return Path(os.environ.get("SCOREHOUSE_DB", PROJECT_DIR / "data" / "scorehouse.duckdb"))


def published_db() -> Path:
    """The publication BI tools and the CRM export read (SCOREHOUSE_PUBLISHED_DB)."""
    return Path(
        os.environ.get(
            "SCOREHOUSE_PUBLISHED_DB", PROJECT_DIR / "data" / "published" / "scorehouse.duckdb"
        )
    )


def _lock(context: AssetExecutionContext, asset_name: str):
    """The warehouse's lock, held by this asset's step; a wait is logged once."""
    command = f"dagster {context.job_name} {asset_name} {context.partition_key}"
    return warehouse_lock(build_db(), command, wait=LOCK_WAIT_SECONDS, on_wait=context.log.info)


def as_of_for(partition_key: str) -> str:
    """The scoring date of a daily partition: the midnight that ends it."""
    return (dt.date.fromisoformat(partition_key) + dt.timedelta(days=1)).isoformat()


@contextlib.contextmanager
def scoring_date_env(as_of: str):
    """SCOREHOUSE_AS_OF_DATE set to `as_of` for the `with` block, then as it was.
    DbtCliResource.cli passes the environment of the moment it starts dbt, and takes no
    environment of its own; dbt is started inside the block."""
    previous = os.environ.get(AS_OF_ENV)
    os.environ[AS_OF_ENV] = as_of
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(AS_OF_ENV, None)
        else:
            os.environ[AS_OF_ENV] = previous


@dbt_assets(manifest=dbt_project.manifest_path, partitions_def=DAILY)
def scorehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """Every dbt seed, model and test, built as of the partition's scoring date."""
    # dbt is a subprocess: this step's process holds the lock around it.
    with _lock(context, "dbt build"):
        with scoring_date_env(as_of_for(context.partition_key)):
            invocation = dbt.cli(["build"], context=context)
        yield from invocation.stream()


@asset(deps=[scorehouse_dbt_assets], partitions_def=DAILY)
def published_marts(context: AssetExecutionContext) -> MaterializeResult:
    """The BI marts, once the quality checks pass, copied atomically to the publication."""
    publication = published_db()
    with _lock(context, "published_marts"):
        # The report goes beside the warehouse, as `scorehouse check` writes it.
        report = run_checks(build_db(), build_db().resolve().parent / "quality")
        if not report.success:
            raise RuntimeError(
                "quality checks failed, nothing published:\n" + "\n".join(report.failures)
            )
        counts = publish(build_db(), publication)
    context.log.info(f"published {sum(counts.values())} rows to {publication}")
    return MaterializeResult(
        metadata={"path": str(publication), **{f"rows_{k}": v for k, v in counts.items()}}
    )


@asset(deps=[published_marts], partitions_def=DAILY)
def crm_export(context: AssetExecutionContext) -> MaterializeResult:
    """The changed scores sent to each of the export settings' `run_destinations`
    (crm_export.yml, or the file SCOREHOUSE_EXPORT_CONFIG names), as `scorehouse run`
    does after it publishes. Every destination is tried; the asset fails if one failed,
    and that destination's batches wait for the next run."""
    config = load_config(
        Path(os.environ.get("SCOREHOUSE_EXPORT_CONFIG", PROJECT_DIR / "crm_export.yml"))
    )
    delivered, failures = {}, []
    with _lock(context, "crm_export"):
        for target in config.run_destinations:
            try:
                result = export_to(
                    target, db=build_db(), published_db=published_db(), config=config
                )
            except ScorehouseError as exc:
                failures.append(f"{target.destination}: {exc}")
                continue
            context.log.info(result.describe())
            delivered[target.destination] = result.records_sent
            if result.failure:
                failures.append(f"{target.destination}: {result.failure_line()}")
    if failures:
        raise RuntimeError("CRM export failed:\n" + "\n".join(failures))
    records = {f"records {name}": count for name, count in delivered.items()}
    return MaterializeResult(metadata={"destinations": len(delivered), **records})


daily_job = define_asset_job("daily_scoring", selection="*", partitions_def=DAILY)
daily_schedule = build_schedule_from_partitioned_job(daily_job, hour_of_day=6, minute_of_hour=30)

defs = Definitions(
    assets=[scorehouse_dbt_assets, published_marts, crm_export],
    jobs=[daily_job],
    schedules=[daily_schedule],
    resources={
        "dbt": DbtCliResource(
            project_dir=dbt_project, profiles_dir=str(PROJECT_DIR), dbt_executable=dbt_executable()
        )
    },
)
