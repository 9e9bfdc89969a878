"""`scorehouse build --changed`: a configuration edit rebuilds what it changed and what is
downstream of it, and anything dbt's state comparison cannot see (the date, a new load,
the vars) makes it build everything, saying why (scorehouse.build_state)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from scorehouse import build_state
from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError
from tests_py.conftest import NO_DATA_TESTS, copy_project

AS_OF = "2026-11-01"


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A project folder with what build_state reads (dbt_project.yml, seeds, a manifest)
    and a warehouse with one raw load."""
    project = tmp_path / "project"
    (project / "target").mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "dbt_project.yml", project / "dbt_project.yml")
    shutil.copytree(PROJECT_DIR / "seeds", project / "seeds")
    (project / "target" / "manifest.json").write_text("{}")
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema raw; create table raw._loads (load_id bigint)")
    con.execute("insert into raw._loads values (1)")
    con.close()
    return project, db


def test_without_a_recorded_build_it_builds_everything(tmp_path):
    project, db = _project(tmp_path)
    plan = build_state.plan(db, AS_OF, [], project)
    assert plan.select == []
    assert "no earlier build" in plan.reason


def test_after_a_recorded_build_it_builds_what_changed(tmp_path):
    project, db = _project(tmp_path)
    build_state.record(db, AS_OF, [], project)
    plan = build_state.plan(db, AS_OF, [], project)
    assert plan.select == ["--select", "state:modified+", "--state", str(build_state.state_dir(db))]
    assert json.loads((build_state.state_dir(db) / "build.json").read_text())["last raw load"] == 1


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("date", "scoring date 2026-11-01 -> 2026-11-02"),
        ("load", "last raw load 1 -> 2"),
        ("vars", "dbt_project.yml"),
        ("arguments", "dbt arguments"),
        ("environment", "SCOREHOUSE_ENV demo -> production"),
    ],
)
def test_what_the_manifest_cannot_compare_makes_it_build_everything(
    tmp_path, monkeypatch, change, said
):
    project, db = _project(tmp_path)
    monkeypatch.setenv("SCOREHOUSE_ENV", "demo" if change == "environment" else "production")
    build_state.record(db, AS_OF, [], project)
    as_of, args = AS_OF, []
    if change == "date":
        as_of = "2026-11-02"
    elif change == "load":
        con = duckdb.connect(str(db))
        con.execute("insert into raw._loads values (2)")
        con.close()
    elif change == "vars":
        path = project / "dbt_project.yml"
        path.write_text(
            path.read_text().replace(
                "scorehouse_top_reasons_count: 3", "scorehouse_top_reasons_count: 4"
            )
        )
    elif change == "arguments":
        args = ["--full-refresh"]
    else:
        monkeypatch.setenv("SCOREHOUSE_ENV", "production")
    plan = build_state.plan(db, as_of, args, project)
    assert plan.select == []
    assert said in plan.reason and "building everything" in plan.reason


def test_loads_it_cannot_see_make_it_build_everything(tmp_path):
    """Raw tables loaded by something else than `scorehouse load` (no raw._loads): a new
    load could not be seen, so nothing is taken for current."""
    project, db = _project(tmp_path)
    build_state.record(db, AS_OF, [], project)
    con = duckdb.connect(str(db))
    con.execute("drop table raw._loads")
    con.close()
    plan = build_state.plan(db, AS_OF, [], project)
    assert plan.select == [] and "no raw load" in plan.reason
    assert not build_state.staging_is_current(db)


def test_a_selection_of_ones_own_is_refused(tmp_path):
    project, db = _project(tmp_path)
    with pytest.raises(ScorehouseError, match="--changed chooses what to build"):
        build_state.plan(db, AS_OF, ["--select", "lead_scores"], project)


def test_a_rule_edit_rebuilds_scoring_and_not_staging(tmp_path, generated_raw):
    """After one rule's points change, the build selects the seed, the scoring models and
    the marts downstream, and neither staging nor the event aggregates; the new points
    reach the breakdown."""
    project = copy_project(tmp_path / "project")
    project.load(generated_raw)
    project.dbt("build", *NO_DATA_TESTS, as_of=AS_OF)
    build_state.record(project.db, AS_OF, [], project.path)
    project.edit_seed(
        "scoring/scoring_rules.csv", ",/pricing,,,15,exponential,", ",/pricing,,,40,exponential,"
    )
    plan = build_state.plan(project.db, AS_OF, [], project.path)
    assert plan.select[:2] == ["--select", "state:modified+"]
    project.dbt("build", *NO_DATA_TESTS, *plan.select, as_of=AS_OF)
    results = json.loads((project.path / "target" / "run_results.json").read_text())["results"]
    built = {r["unique_id"].split(".")[-1] for r in results}
    assert {"scoring_rules", "int_rule_points_decayed", "lead_scores", "score_snapshots"} <= built
    assert not {name for name in built if name.startswith(("stg_", "base_"))}
    assert "int_page_views_daily" not in built and "int_contact_signals_daily" not in built
    points = project.query(
        "select distinct base_points / occurrences from marts.lead_score_breakdown "
        "where rule_id = 'pricing_page'"
    )
    assert points == [(40.0,)]


def test_staging_is_current_until_a_new_load(tmp_path):
    """`scorehouse validate` rebuilds staging only when a load came since the last build."""
    project, db = _project(tmp_path)
    assert not build_state.staging_is_current(db)
    build_state.record(db, AS_OF, [], project)
    assert build_state.staging_is_current(db)
    con = duckdb.connect(str(db))
    con.execute("insert into raw._loads values (2)")
    con.close()
    assert not build_state.staging_is_current(db)
