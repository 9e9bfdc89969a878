"""Scorehouse as a dbt package: integration_tests/ is a host project that installs it as a
local package, points it at its own raw schema and builds it on two targets of one DuckDB
file. Its schemas follow each target's schema with the host's prefix, the two targets
never write into the same schema, and the test fixtures are not built."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scorehouse.contract import PROJECT_DIR
from scorehouse.devtools.generate import generate
from scorehouse.load import load

DBT = str(Path(sys.executable).parent / "dbt")
HOST = PROJECT_DIR / "integration_tests"
AS_OF = {"scorehouse_as_of_date": "2026-11-01"}
# What integration_tests/dbt_project.yml sets for the package.
RAW_SCHEMA = "it_raw"
PREFIX = "sh_"
LAYERS = {"config", "staging", "intermediate", "marts"}


def _dbt(host: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DBT_PROFILES_DIR": str(host), "SCOREHOUSE_IT_DB": str(db)}
    result = subprocess.run(
        [DBT, *args], cwd=host, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}"
    return result


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> tuple[Path, Path]:
    """The host project, copied with its package pointing at this repository, after a
    full `dbt build` on target dev and a build of the lead scores and their parents on
    target prod, both on a small generated dataset loaded into its own raw schema."""
    work = tmp_path_factory.mktemp("package")
    host = work / "host"
    shutil.copytree(HOST, host, ignore=shutil.ignore_patterns("target", "dbt_packages", "logs"))
    (host / "packages.yml").write_text(f"packages:\n  - local: {PROJECT_DIR}\n")
    generate(work / "data", scale=0.02, seed=7)
    db = work / "host.duckdb"
    load(work / "data" / "raw", db, raw_schema=RAW_SCHEMA)
    _dbt(host, db, "deps")
    vars_ = ["--vars", json.dumps(AS_OF)]
    _dbt(host, db, "build", "--target", "dev", *vars_)
    selection = ["--select", "+lead_scores", "--resource-type", "seed", "model"]
    _dbt(host, db, "build", "--target", "prod", *selection, *vars_)
    return host, db


def _schemas(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select distinct table_schema from information_schema.tables").fetchall()
    finally:
        con.close()
    return {row[0] for row in rows}


def test_each_target_builds_into_its_own_prefixed_schemas(host):
    _, db = host
    assert _schemas(db) == (
        {RAW_SCHEMA}
        | {f"it_dev_{PREFIX}{layer}" for layer in LAYERS}
        | {f"it_prod_{PREFIX}{layer}" for layer in LAYERS}
    )


def test_the_second_target_leaves_the_first_as_it_was(host):
    _, db = host
    con = duckdb.connect(str(db), read_only=True)
    try:
        dev, prod = (
            con.execute(f"select count(*) from it_{target}_{PREFIX}marts.lead_scores").fetchone()[0]
            for target in ("dev", "prod")
        )
        differ = con.execute(
            f"""
            select count(*) from (
                (select * from it_dev_{PREFIX}marts.lead_scores
                 except all select * from it_prod_{PREFIX}marts.lead_scores)
                union all
                (select * from it_prod_{PREFIX}marts.lead_scores
                 except all select * from it_dev_{PREFIX}marts.lead_scores)
            )
            """
        ).fetchone()[0]
        dev_marts = con.execute(
            "select count(*) from information_schema.tables "
            f"where table_schema = 'it_dev_{PREFIX}marts'"
        ).fetchone()[0]
    finally:
        con.close()
    assert dev > 0 and dev == prod and differ == 0
    # The full dev build's marts are all still there beside prod's few.
    assert dev_marts >= 13


def test_the_hosts_vars_do_not_reach_scorehouse(host):
    """The host sets `score_decimals: 1` and `backtest_count: 0` for itself: Scorehouse's
    vars are namespaced, so its scores keep their 6 decimals and its backtests run."""
    _, db = host
    con = duckdb.connect(str(db), read_only=True)
    try:
        finer = con.execute(
            f"select count(*) from it_dev_{PREFIX}marts.lead_scores "
            "where round(total_score, 1) <> total_score"
        ).fetchone()[0]
        backtests = con.execute(
            f"select count(*) from it_dev_{PREFIX}intermediate.int_scoring_runs "
            "where run_type = 'backtest'"
        ).fetchone()[0]
    finally:
        con.close()
    assert finer > 0
    assert backtests == 3


def test_the_fixtures_and_build_records_stay_with_the_project(host):
    path, db = host
    manifest = json.loads((path / "target" / "manifest.json").read_text())
    fixtures = {"seed.scorehouse.decay_cases", "seed.scorehouse.points_cases"}
    assert not fixtures & set(manifest["nodes"])
    assert not any(
        "fixtures" in node["fqn"]
        for node in manifest["nodes"].values()
        if node["package_name"] == "scorehouse"
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        fixture_tables = con.execute(
            "select count(*) from information_schema.tables "
            "where table_name in ('decay_cases', 'points_cases') "
            "or table_schema like '%scorehouse_meta%'"
        ).fetchone()[0]
    finally:
        con.close()
    assert fixture_tables == 0
