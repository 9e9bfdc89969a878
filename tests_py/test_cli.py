"""The CLI's argument handling (dbt pass-through, bad dates, unknown flags) and its output:
failure lines from dbt's events, log files, the backfill ETA, no colour into a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from scorehouse import cli, dbt
from tests_py.conftest import copy_project


def test_build_passes_further_arguments_to_dbt(monkeypatch):
    calls = []
    monkeypatch.setattr("scorehouse.dbt.run_dbt", lambda args, **kw: calls.append((args, kw)) or 0)
    assert cli.main(["build", "--as-of", "2026-11-01", "--select", "lead_scores+"]) == 0
    [(args, kw)] = calls
    assert args == ["build", "--select", "lead_scores+"]
    assert kw["as_of"] == "2026-11-01"
    assert kw["db"].is_absolute() and kw["db"].name == cli.default_db().name


def test_a_bad_date_is_refused_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["build", "--as-of", "2026-13-01"])
    assert exit_info.value.code == 2
    assert "--as-of must be a date YYYY-MM-DD, got '2026-13-01'" in capsys.readouterr().err


def test_unknown_flags_are_refused_outside_build_and_run(capsys):
    with pytest.raises(SystemExit):
        cli.main(["summary", "--bogus"])
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_backfill_refuses_a_reversed_range(tmp_path, capsys):
    code = cli.main(
        [
            "backfill",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-01",
            "--db",
            str(tmp_path / "w.duckdb"),
        ]
    )
    assert code == 2
    assert "--to 2026-11-01 is before --from 2026-11-02" in capsys.readouterr().err


def _dbt_command(monkeypatch, argv):
    """The dbt command line and environment `scorehouse <argv>` runs, without running it."""
    calls = []
    monkeypatch.setattr(
        "scorehouse.dbt.subprocess.call",
        lambda command, **kw: calls.append((command, kw["env"])) or 0,
    )
    assert cli.main(argv) == 0
    (call,) = calls
    return call


def test_the_date_goes_by_environment_and_user_vars_stay_one_vars(monkeypatch):
    """The date reaches dbt as SCOREHOUSE_AS_OF_DATE (a new --vars would cost dbt a full
    parse); the user's other vars pass as one --vars."""
    command, env = _dbt_command(
        monkeypatch,
        ["build", "--as-of", "2026-11-01", "--vars", "{scorehouse_score_decimals: 3}", "-s", "x"],
    )
    assert command.count("--vars") == 1
    assert json.loads(command[command.index("--vars") + 1]) == {"scorehouse_score_decimals": 3}
    assert env["SCOREHOUSE_AS_OF_DATE"] == "2026-11-01"
    assert command[1:4] == ["build", "-s", "x"]


def test_the_backfills_switch_goes_by_environment_and_is_never_inherited(monkeypatch):
    """A backfill turns backtests and what-ifs off with SCOREHOUSE_HISTORY_ONLY, not
    --vars (which would cost two full parses); a build never inherits it from the shell."""
    from scorehouse.dbt import dbt_command

    monkeypatch.setenv("SCOREHOUSE_HISTORY_ONLY", "1")
    command, env = _dbt_command(monkeypatch, ["build", "--as-of", "2026-11-01"])
    assert "SCOREHOUSE_HISTORY_ONLY" not in env and "--vars" not in command
    command, env = dbt_command(["build"], as_of="2026-11-01", history_only=True)
    assert env["SCOREHOUSE_HISTORY_ONLY"] == "1" and "--vars" not in command


def test_as_of_date_given_only_in_vars_is_kept(monkeypatch):
    command, env = _dbt_command(
        monkeypatch, ["build", "--vars={scorehouse_as_of_date: '2026-10-01'}"]
    )
    assert "--vars" not in command
    assert env["SCOREHOUSE_AS_OF_DATE"] == "2026-10-01"


def test_two_different_dates_are_refused(capsys):
    code = cli.main(
        ["build", "--as-of", "2026-11-01", "--vars", '{"scorehouse_as_of_date": "2026-10-01"}']
    )
    assert code == 2
    assert "disagree" in capsys.readouterr().err


def test_vars_that_are_not_a_mapping_are_refused(capsys):
    assert cli.main(["build", "--as-of", "2026-11-01", "--vars", "[1, 2]"]) == 2
    assert "--vars must be a mapping" in capsys.readouterr().err


def test_the_quality_report_goes_beside_the_warehouse_checked(tmp_path, monkeypatch):
    """So that checking the test warehouse never overwrites the demo's report."""
    parser = cli.build_parser()
    for command in (["check"], ["run"], ["backfill", "--from", "2026-11-01", "--to", "2026-11-01"]):
        args = parser.parse_args([*command, "--db", str(tmp_path / "test" / "w.duckdb")])
        assert cli.docs_dir_for(args) == (tmp_path / "test" / "quality").resolve()
        args = parser.parse_args([*command, "--docs-dir", str(tmp_path / "mine")])
        assert cli.docs_dir_for(args) == tmp_path / "mine"
    monkeypatch.setenv("SCOREHOUSE_DB", str(tmp_path / "other" / "x.duckdb"))
    args = cli.build_parser().parse_args(["check"])
    assert cli.docs_dir_for(args) == (tmp_path / "other" / "quality").resolve()


def test_the_backfill_eta_comes_from_the_dates_done():
    """The mean of the dates done, times the dates left; the first date (which also
    builds the parents) counts only until a later date is done."""
    assert cli.backfill_eta([30.0], 4) == 120.0
    assert cli.backfill_eta([30.0, 10.0, 14.0], 2) == 24.0
    assert cli.backfill_eta([30.0, 10.0], 0) == 0.0


def _event(name, msg, level="info", node=None, **data):
    """One event as dbt writes it with --log-format json (fields the CLI reads)."""
    if node:
        data["node_info"] = {"unique_id": node}
    return {"info": {"name": name, "msg": msg, "level": level}, "data": data}


def test_failure_lines_say_what_failed_and_why():
    """From a failed build's events (copied from dbt 1.11's JSON log): the failing node's
    closing block (which node, the error, the compiled code's path), not the progress
    line, nor a model that passed; a stale source by its freshness line."""
    model = "model.scorehouse.int_scoring_rules_checked"
    test = "test.scorehouse.ops_fail"
    events = [
        _event("LogModelResult", "1 of 3 OK created sql table model x", node="model.s.x"),
        _event(
            "LogModelResult",
            "2 of 3 ERROR creating sql table model intermediate.int_scoring_rules_checked",
            level="error",
            node=model,
        ),
        _event("LogTestResult", "3 of 3 FAIL 2 ops_fail", level="error", node=test),
        _event("EndOfRunSummary", "Completed with 2 errors, 0 partial successes"),
        _event(
            "RunResultFailure",
            "\x1b[31mFailure in model int_scoring_rules_checked (models/x.sql)\x1b[0m",
            level="error",
            node=model,
        ),
        _event(
            "RunResultError",
            "  Compilation Error in model int_scoring_rules_checked (models/x.sql)\n"
            "  Invalid scoring configuration, 1 problem(s):\n"
            "    - grade_bands (model_id=acquisition): overlaps band A",
            level="error",
            node=model,
        ),
        _event("RunResultFailure", "Failure in test ops_fail (tests/ops_fail.sql)", "error", test),
        _event("RunResultError", "  Got 2 results, configured to fail if != 0", "error", test),
        _event("SQLCompiledPath", "  compiled code at target/compiled/ops_fail.sql", node=test),
        _event("StatsLine", "Done. PASS=1 WARN=0 ERROR=2", stats={"pass": 1, "error": 2}),
    ]
    assert dbt.failure_lines(events) == [
        "Failure in model int_scoring_rules_checked (models/x.sql)",
        "  Compilation Error in model int_scoring_rules_checked (models/x.sql)",
        "  Invalid scoring configuration, 1 problem(s):",
        "    - grade_bands (model_id=acquisition): overlaps band A",
        "Failure in test ops_fail (tests/ops_fail.sql)",
        "  Got 2 results, configured to fail if != 0",
        "  compiled code at target/compiled/ops_fail.sql",
    ]
    source = "source.scorehouse.crm.accounts"
    stale = [
        _event(
            "LogFreshnessResult", "1 of 1 ERROR STALE freshness of crm.accounts", "error", source
        ),
        _event("RunResultFailure", "Failure in source accounts (x.yml)", "error", source),
        _event("RunResultErrorNoMessage", "  Status: error", "error", source),
    ]
    assert dbt.failure_lines(stale) == ["1 of 1 ERROR STALE freshness of crm.accounts"]
    many = [_event("MainEncounteredError", f"line {n}", "error") for n in range(50)]
    lines = dbt.failure_lines(many)
    assert len(lines) == dbt.MAX_FAILURE_LINES and lines[-1] == "... 11 more line(s) in the log"


def test_each_command_gets_its_own_log_file(tmp_path):
    first = dbt.new_log_path(tmp_path / "w.duckdb", "run")
    first.write_text("")
    second = dbt.new_log_path(tmp_path / "w.duckdb", "run")
    assert first.parent == second.parent == tmp_path / "logs"
    assert first != second and first.name.startswith("scorehouse-run-")


def test_dbt_into_a_pipe_prints_no_colour_codes(tmp_path):
    """`dbt debug` colours its lines even into a pipe (`[OK connection ok]` in green, with
    DBT_USE_COLORS unset: checked by hand on dbt 1.11); run by Scorehouse into a pipe, no
    escape code is left."""
    project = copy_project(tmp_path / "project")
    code = (
        "import sys; from scorehouse.dbt import run_dbt; "
        f"sys.exit(run_dbt(['debug'], project_dir={str(project.path)!r}, db={str(project.db)!r}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DBT_USE_COLORS", "NO_COLOR")}
    plain = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert plain.returncode == 0, plain.stdout[-2000:]
    assert "All checks passed" in plain.stdout
    assert "\x1b" not in plain.stdout + plain.stderr
