"""The Dagster code location loads, holds the daily schedule, and materialises the dbt
assets and the publication in-process."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import materialize

from scorehouse.contract import PROJECT_DIR
from tests_py.conftest import copy_project, free_port


def test_definitions_hold_the_assets_and_the_daily_schedule():
    from scorehouse.orchestration import as_of_for, defs

    schedule = defs.get_schedule_def("daily_scoring_schedule")
    assert schedule.cron_schedule == "30 6 * * *"
    assert as_of_for("2026-10-31") == "2026-11-01"
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"marts/lead_scores", "marts/customer_health", "published_marts", "crm_export"} <= keys


def test_materialise_in_process(tmp_path, generated_raw, monkeypatch):
    from scorehouse import orchestration

    project = copy_project(tmp_path / "project")
    project.load(generated_raw)
    published = tmp_path / "published.duckdb"
    monkeypatch.setenv("SCOREHOUSE_DB", str(project.db))
    monkeypatch.setenv("SCOREHOUSE_PUBLISHED_DB", str(published))
    # The CRM export, to a HubSpot folder (crm_export.yml's run_destinations).
    settings = yaml.safe_load((PROJECT_DIR / "crm_export.yml").read_text())
    settings["run_destinations"] = [{"format": "hubspot", "out_dir": "hubspot"}]
    (tmp_path / "crm_export.yml").write_text(yaml.safe_dump(settings))
    monkeypatch.setenv("SCOREHOUSE_EXPORT_CONFIG", str(tmp_path / "crm_export.yml"))
    result = materialize(
        [
            orchestration.scorehouse_dbt_assets,
            orchestration.published_marts,
            orchestration.crm_export,
        ],
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
    files = sorted(p.name.split("-")[1] for p in (tmp_path / "hubspot").iterdir())
    assert files == ["companies", "contacts"]
    (metadata,) = [
        event.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key.to_user_string() == "crm_export"
    ]
    assert metadata["destinations"].value == 1


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


def _running_in_group(group: int) -> list[str]:
    """The processes of a process group that still run (not the ended, <defunct> ones)."""
    lines = subprocess.run(
        ["ps", "-o", "pid=,stat=,args=", "-g", str(group)], capture_output=True, text=True
    ).stdout.splitlines()
    return [line.strip() for line in lines if not line.split()[1].startswith("Z")]


LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries { name
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
ASSETS = "{ assetNodes { assetKey { path } } }"


@pytest.mark.skipif(
    importlib.util.find_spec("dagster_webserver") is None,
    reason="dagster-webserver is not installed: `dagster dev` cannot serve its UI",
)
def test_dagster_dev_serves_the_assets_and_stops_cleanly(tmp_path):
    """The README's `dagster dev -m scorehouse.orchestration` starts, serves the UI on
    127.0.0.1 with the code location loaded and every asset listed, and stops on Ctrl-C
    (SIGINT), its webserver, daemon and code servers with it."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "SCOREHOUSE_DB": str(tmp_path / "w.duckdb")}
    dagster = Path(sys.executable).parent / "dagster"
    process = subprocess.Popen(
        [str(dagster), "dev", "-m", "scorehouse.orchestration", "-p", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that all of it can be ended
    )
    try:
        deadline, entries = time.monotonic() + 240, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                entries = _graphql(port, LOCATIONS)["workspaceOrError"]["locationEntries"]
            except (OSError, KeyError, TypeError, ValueError):
                entries = None
            if entries and entries[0]["locationOrLoadError"] is not None:
                break
            time.sleep(2)
        assert entries, f"dagster dev did not serve 127.0.0.1:{port}"
        (location,) = entries
        assert location["name"] == "scorehouse.orchestration"
        assert location["locationOrLoadError"]["__typename"] == "RepositoryLocation", location
        keys = {"/".join(node["assetKey"]["path"]) for node in _graphql(port, ASSETS)["assetNodes"]}
        assert {"marts/lead_scores", "marts/customer_health", "published_marts"} <= keys
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        output = process.communicate(timeout=90)[0].decode(errors="replace")
        assert process.returncode == 0, output[-3000:]
        assert "Dagster services shut down." in output
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
        # Nothing of it is left running (webserver, daemon, code servers): the group is
        # empty within seconds (a child just ended may show a moment as <defunct>).
        deadline = time.monotonic() + 20
        while (left := _running_in_group(process.pid)) and time.monotonic() < deadline:
            time.sleep(1)
        assert not left, f"processes left after dagster dev stopped: {left}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
