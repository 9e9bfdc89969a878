"""Daily operation: history per date (re-running a date replaces it exactly), safe
publishing (a reader is never blocked, a failed build leaves the publication as it was),
and what the commands print: one line per stage, a closing summary, dbt's output in a log
file (the failing nodes' errors on failure), no colour codes into a pipe, and a new
scoring date that costs dbt no parsing."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from scorehouse.contract import PROJECT_DIR
from tests_py.conftest import NO_DATA_TESTS, copy_project

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
    project = copy_project(tmp_path_factory.mktemp("ops"), parsed=False)
    project.load(generated_raw)
    project.backfill = cli(project, "backfill", "--from", "2026-10-30", "--to", "2026-11-01")
    return project


def log_of(result) -> Path:
    """The log file a `scorehouse run` or `backfill` named on its first line."""
    match = re.search(r"dbt's output: (\S+)", result.stdout)
    assert match, result.stdout
    return Path(match.group(1))


def assert_no_colour(result):
    assert "\x1b" not in result.stdout + result.stderr, "an escape code went into a pipe"


def test_backfill_prints_a_line_per_date_with_its_eta_then_the_stages(backfilled):
    result = backfilled.backfill
    assert_no_colour(result)
    lines = result.stdout.splitlines()
    dates = [line for line in lines if re.match(r"\d of 3  2026-", line)]
    assert [line[:18] for line in dates] == [
        f"{n} of 3  {day}"
        for n, day in enumerate(["2026-10-30", "2026-10-31", "2026-11-01"], start=1)
    ]
    for n, line in enumerate(dates, start=1):
        assert re.search(r"build +ok +(\d+\.\d|\d+m\d\d)s  \d+ nodes: \d+ passed", line), line
        assert ("; ETA " in line) == (n < 3), line
    assert re.search(r"; ETA \S+ for 2 more$", dates[0])
    stages = [line.split()[0] for line in lines if re.match(r"(rescore|checks|publish) ", line)]
    assert stages == ["rescore", "checks", "publish"]
    for label in ("rows in", "scored", "MQLs", "alerts", "published"):
        assert sum(line.startswith(label) for line in lines) == 1, label
    assert len(lines) < 20, "one line per date and stage, not dbt's output"
    log = log_of(result)
    assert log.parent == backfilled.db.parent / "logs"
    text = log.read_text()
    assert text.count("Done. PASS=") == 4 and "\x1b" not in text


def test_a_new_scoring_date_costs_dbt_no_parsing(backfilled):
    """The date, and the backfill's switch that turns backtests and what-ifs off, reach
    dbt by environment, not --vars: after the first full parse (no saved manifest), the 3
    dates and the rescoring build reuse it. Before, every date parsed again, and then
    the rescoring build, whose vars differed from the dates'."""
    text = log_of(backfilled.backfill).read_text()
    reparses = re.findall(r"Unable to do partial parsing because (.*)", text)
    assert reparses == ["saved manifest not found. Starting full parse."]
    assert text.count("SCOREHOUSE_AS_OF_DATE=") == 4


def history(project):
    return project.query("select * from marts.score_history order by all")


def test_each_backfilled_day_is_in_the_history(backfilled):
    dates = [
        str(d)
        for (d,) in backfilled.query(
            "select distinct as_of_date from marts.score_history order by 1"
        )
    ]
    assert dates == ["2026-10-30", "2026-10-31", "2026-11-01"]
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
        # --fail-fast: dbt stops at the first failure instead of building the rest; and
        # only the failing model and its parents: the ~170 nodes of the rest of the graph
        # that dbt would otherwise build before it have nothing to do with this failure.
        result = cli(
            backfilled,
            "run",
            "--as-of",
            "2026-11-02",
            "--fail-fast",
            "--select",
            "+int_scoring_rules_checked",
            check=False,
        )
    finally:
        backfilled.edit_seed(
            "scoring/grade_bands.csv", "acquisition,fit,B,50,80", "acquisition,fit,B,50,75"
        )
    assert result.returncode != 0
    assert "was left as it was" in result.stderr
    # What failed and why is printed, with the log's path: no need to rerun to see it.
    assert re.search(r"^build +FAILED ", result.stdout, re.MULTILINE), result.stdout
    assert "Failure in model int_scoring_rules_checked" in result.stderr
    assert "grade_bands (model_id=acquisition, dimension=fit, grade=B): overlaps" in result.stderr
    assert f"Full log: {log_of(result).resolve()}" in result.stderr
    assert "overlaps band A" in log_of(result).read_text()
    assert_no_colour(result)
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
    # The run sends the changed scores to the export settings' run_destinations too.
    settings = yaml.safe_load((PROJECT_DIR / "crm_export.yml").read_text())
    settings["run_destinations"] = [{"format": "salesforce", "out_dir": "salesforce"}]
    config = backfilled.path / "export_settings.yml"
    config.write_text(yaml.safe_dump(settings))
    try:
        # Without dbt's data and unit tests (the backfill ran them on these data): what
        # this test watches is the build's writes and the publish.
        result = cli(
            backfilled,
            "run",
            "--as-of",
            "2026-11-02",
            "--export-config",
            str(config),
            *NO_DATA_TESTS,
        )
    finally:
        done.set()
        thread.join()
    reader.close()
    # One line per stage and a closing summary, instead of dbt's ~640 lines.
    assert_no_colour(result)
    lines = result.stdout.splitlines()
    stages = [
        line.split()[:2]
        for line in lines
        if re.match(r"(freshness|build|checks|publish|export) ", line)
    ]
    assert stages == [
        ["freshness", "ok"],
        ["build", "ok"],
        ["checks", "ok"],
        ["publish", "ok"],
        ["export", "ok"],
    ]
    assert re.search(
        r"^export .* salesforce:\S+/salesforce, scored as of 2026-11-02: 2 batch",
        result.stdout,
        re.M,
    )
    assert len(list((backfilled.path / "salesforce").glob("salesforce-*-2026-11-02-*.csv"))) == 2
    assert re.search(r"^MQLs +\d+ new today", result.stdout, re.MULTILINE)
    assert re.search(
        r"^scored +\d+ leads, \d+ accounts, \d+ customers as of 2026-11-02",
        result.stdout,
        re.MULTILINE,
    )
    assert len(lines) < 15, result.stdout
    # The same project, a new date, the same vars: dbt reused its parse.
    assert "Unable to do partial parsing" not in log_of(result).read_text()
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
        original.replace(
            "scorehouse_quality_min_scored_share: 0.01", "scorehouse_quality_min_scored_share: 1.0"
        )
    )
    try:
        # Without dbt's tests: the gate that stops this run is the quality checks'.
        result = cli(
            backfilled,
            "run",
            "--as-of",
            "2026-11-03",
            *NO_DATA_TESTS,
            check=False,
        )
    finally:
        path.write_text(original)
    assert result.returncode == 1
    assert "quality checks failed" in result.stderr and "scored_share" in result.stderr
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select * from _publication").fetchall() == before
    con.close()
