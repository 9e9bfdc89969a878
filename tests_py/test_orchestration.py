"""The Dagster code location loads, holds the daily schedule, and materialises the dbt
assets and the publication in-process."""

from __future__ import annotations

import duckdb
from dagster import materialize

from tests_py.conftest import copy_project


def test_definitions_hold_the_assets_and_the_daily_schedule():
    from scorehouse.orchestration import as_of_for, defs

    schedule = defs.get_schedule_def("daily_scoring_schedule")
    assert schedule.cron_schedule == "30 6 * * *"
    assert as_of_for("2026-10-31") == "2026-11-01"
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"marts/lead_scores", "marts/customer_health", "published_marts"} <= keys


def test_materialise_in_process(tmp_path, generated_raw, monkeypatch):
    from scorehouse import orchestration

    project = copy_project(tmp_path / "project")
    project.load(generated_raw)
    published = tmp_path / "published.duckdb"
    monkeypatch.setenv("SCOREHOUSE_DB", str(project.db))
    monkeypatch.setenv("SCOREHOUSE_PUBLISHED_DB", str(published))
    result = materialize(
        [orchestration.scorehouse_dbt_assets, orchestration.published_marts],
        resources={"dbt": orchestration.defs.resources["dbt"]},
        partition_key="2026-10-31",
    )
    assert result.success
    con = duckdb.connect(str(published), read_only=True)
    assert (
        str(con.execute("select max(scored_as_of) from lead_scores").fetchone()[0]) == "2026-11-01"
    )
    assert con.execute("select count(*) from lead_scores").fetchone()[0] > 0
    con.close()
