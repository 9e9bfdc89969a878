"""Dagster code location: the dbt project as assets, published for BI, on a daily schedule.

    dagster dev -m scorehouse.orchestration        # UI and the daily schedule, locally

Each daily partition D is scored as of D + 1 (midnight after D), so the run for a day
sees all of that day's data. The schedule runs the last complete day every morning.
The publication asset runs only after every dbt model and test has passed.

Each asset holds the warehouse's lock while it uses the warehouse (scorehouse/lock.py), as
the `scorehouse` commands do: a run that finds it held, by a `scorehouse load` say, waits
for it (at most LOCK_WAIT_SECONDS), then fails with the line that names the holder.
"""

import datetime as dt
import json
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
from scorehouse.contract import PROJECT_DIR
from scorehouse.dbt import dbt_executable
from scorehouse.lock import warehouse_lock
from scorehouse.publish import publish

# How long an asset waits for another run to release the warehouse before it fails.
LOCK_WAIT_SECONDS = 3600

DAILY = DailyPartitionsDefinition(start_date=os.environ.get("SCOREHOUSE_START_DATE", "2025-11-01"))

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
if not dbt_project.manifest_path.exists():
    # Outside `dagster dev`, the manifest must exist before the assets are defined.
    dbt_project.preparer.prepare(dbt_project)


def build_db() -> Path:
    """The DuckDB warehouse dbt builds (SCOREHOUSE_DB)."""
    return Path(os.environ.get("SCOREHOUSE_DB", PROJECT_DIR / "data" / "scorehouse.duckdb"))


def _lock(context: AssetExecutionContext, asset_name: str):
    """The warehouse's lock, held by this asset's step; a wait is logged once."""
    command = f"dagster {context.job_name} {asset_name} {context.partition_key}"
    return warehouse_lock(build_db(), command, wait=LOCK_WAIT_SECONDS, on_wait=context.log.info)


def as_of_for(partition_key: str) -> str:
    """The scoring date of a daily partition: the midnight that ends it."""
    return (dt.date.fromisoformat(partition_key) + dt.timedelta(days=1)).isoformat()


@dbt_assets(manifest=dbt_project.manifest_path, partitions_def=DAILY)
def scorehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """Every dbt seed, model and test, built as of the partition's scoring date."""
    dbt_vars = json.dumps({"as_of_date": as_of_for(context.partition_key)})
    # dbt is a subprocess: this step's process holds the lock around it.
    with _lock(context, "dbt build"):
        yield from dbt.cli(["build", "--vars", dbt_vars], context=context).stream()


@asset(deps=[scorehouse_dbt_assets], partitions_def=DAILY)
def published_marts(context: AssetExecutionContext) -> MaterializeResult:
    """The BI marts, once the quality checks pass, copied atomically to the publication."""
    published_db = Path(
        os.environ.get(
            "SCOREHOUSE_PUBLISHED_DB", PROJECT_DIR / "data" / "published" / "scorehouse.duckdb"
        )
    )
    with _lock(context, "published_marts"):
        report = run_checks(build_db(), PROJECT_DIR / "data" / "quality")
        if not report.success:
            raise RuntimeError(
                "quality checks failed, nothing published:\n" + "\n".join(report.failures)
            )
        counts = publish(build_db(), published_db)
    context.log.info(f"published {sum(counts.values())} rows to {published_db}")
    return MaterializeResult(
        metadata={"path": str(published_db), **{f"rows_{k}": v for k, v in counts.items()}}
    )


daily_job = define_asset_job("daily_scoring", selection="*", partitions_def=DAILY)
daily_schedule = build_schedule_from_partitioned_job(daily_job, hour_of_day=6, minute_of_hour=30)

defs = Definitions(
    assets=[scorehouse_dbt_assets, published_marts],
    jobs=[daily_job],
    schedules=[daily_schedule],
    resources={
        "dbt": DbtCliResource(
            project_dir=dbt_project, profiles_dir=str(PROJECT_DIR), dbt_executable=dbt_executable()
        )
    },
)
