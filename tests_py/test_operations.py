"""Daily operation: history per date (re-running a date replaces it exactly), and safe
publishing (a reader is never blocked, a failed build leaves the publication as it was)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb
import pytest

from tests_py.conftest import copy_project

CLI = [sys.executable, "-m", "scorehouse.cli"]


def cli(project, *args, check=True):
    result = subprocess.run(
        [
            *CLI,
            *args,
            "--db",
            str(project.db),
            "--published-db",
            str(project.path / "published.duckdb"),
            "--project-dir",
            str(project.path),
            "--docs-dir",
            str(project.path / "quality"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"scorehouse {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
        )
    return result


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory, generated_raw):
    project = copy_project(tmp_path_factory.mktemp("ops"))
    project.load(generated_raw)
    cli(project, "backfill", "--from", "2026-10-28", "--to", "2026-11-01")
    return project


def history(project):
    return project.query("select * from marts.score_history order by all")


def test_each_backfilled_day_is_in_the_history(backfilled):
    dates = [
        str(d)
        for (d,) in backfilled.query(
            "select distinct as_of_date from marts.score_history order by 1"
        )
    ]
    assert dates == ["2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31", "2026-11-01"]
    (changes,) = backfilled.query(
        "select count(total_score_change_7d) from marts.score_history where as_of_date = '2026-11-01'"
    )[0]
    assert changes == 0, "no date 7 days before was scored"


def test_rerunning_a_date_changes_nothing(backfilled):
    before = history(backfilled)
    cli(backfilled, "backfill", "--from", "2026-10-30", "--to", "2026-10-30")
    assert history(backfilled) == before
    alerts = backfilled.query("select alert_type, count(*) from marts.score_alerts group by 1")
    assert alerts, "consecutive days should raise some alerts"


def test_a_failed_build_leaves_the_publication_untouched(backfilled):
    published = backfilled.path / "published.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    before = con.execute("select * from lead_scores order by all").fetchall()
    con.close()
    backfilled.edit_seed(
        "scoring/grade_bands.csv", "acquisition,fit,B,50,75", "acquisition,fit,B,50,80"
    )
    try:
        result = cli(backfilled, "run", "--as-of", "2026-11-02", check=False)
    finally:
        backfilled.edit_seed(
            "scoring/grade_bands.csv", "acquisition,fit,B,50,80", "acquisition,fit,B,50,75"
        )
    assert result.returncode != 0
    assert "was left as it was" in result.stderr
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select * from lead_scores order by all").fetchall() == before
    assert (
        con.execute("select max(scored_as_of) from _publication").fetchone()[0].isoformat()
        == "2026-11-01"
    )
    con.close()


def test_a_reader_stays_connected_while_a_build_runs_and_publishes(backfilled):
    published = backfilled.path / "published.duckdb"
    reader = duckdb.connect(str(published), read_only=True)
    seen_dates, errors, done = set(), [], threading.Event()

    def keep_reading():
        while not done.is_set():
            try:
                seen_dates.add(
                    str(reader.execute("select max(scored_as_of) from lead_scores").fetchone()[0])
                )
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                errors.append(exc)
            time.sleep(0.05)

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        cli(backfilled, "run", "--as-of", "2026-11-02")
    finally:
        done.set()
        thread.join()
    reader.close()
    assert not errors
    assert seen_dates == {"2026-11-01"}, "a connected reader keeps the version it opened"
    fresh = duckdb.connect(str(published), read_only=True)
    assert (
        str(fresh.execute("select max(scored_as_of) from lead_scores").fetchone()[0])
        == "2026-11-02"
    )
    fresh.close()


def test_a_failed_quality_check_leaves_the_publication_untouched(backfilled):
    published = backfilled.path / "published.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    before = con.execute("select * from _publication").fetchall()
    con.close()
    path = backfilled.path / "dbt_project.yml"
    original = path.read_text()
    path.write_text(
        # Every lead scored above zero: a valid setting that this build cannot meet.
        original.replace("quality_min_scored_share: 0.01", "quality_min_scored_share: 1.0")
    )
    try:
        result = cli(backfilled, "run", "--as-of", "2026-11-03", check=False)
    finally:
        path.write_text(original)
    assert result.returncode == 1
    assert "quality checks failed" in result.stderr and "scored_share" in result.stderr
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select * from _publication").fetchall() == before
    con.close()
