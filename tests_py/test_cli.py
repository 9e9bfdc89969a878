"""The CLI's argument handling: dbt pass-through, bad dates and unknown flags."""

from __future__ import annotations

import json

import pytest

from scorehouse import cli


def test_build_passes_further_arguments_to_dbt(monkeypatch):
    calls = []
    monkeypatch.setattr("scorehouse.dbt.run_dbt", lambda args, **kw: calls.append((args, kw)) or 0)
    assert cli.main(["build", "--as-of", "2026-11-01", "--select", "lead_scores+"]) == 0
    assert calls == [(["build", "--select", "lead_scores+"], {"as_of": "2026-11-01"})]


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
    """The dbt command line `scorehouse <argv>` runs, without running it."""
    commands = []
    monkeypatch.setattr(
        "scorehouse.dbt.subprocess.call", lambda command, **kw: commands.append(command) or 0
    )
    assert cli.main(argv) == 0
    (command,) = commands
    return command


def test_user_vars_and_as_of_compose_into_one_vars(monkeypatch):
    command = _dbt_command(
        monkeypatch, ["build", "--as-of", "2026-11-01", "--vars", "{score_decimals: 3}", "-s", "x"]
    )
    assert command.count("--vars") == 1
    assert json.loads(command[command.index("--vars") + 1]) == {
        "as_of_date": "2026-11-01",
        "score_decimals": 3,
    }
    assert command[1:4] == ["build", "-s", "x"]


def test_as_of_date_given_only_in_vars_is_kept(monkeypatch):
    command = _dbt_command(monkeypatch, ["build", "--vars={as_of_date: '2026-10-01'}"])
    assert json.loads(command[command.index("--vars") + 1]) == {"as_of_date": "2026-10-01"}


def test_two_different_dates_are_refused(capsys):
    code = cli.main(["build", "--as-of", "2026-11-01", "--vars", '{"as_of_date": "2026-10-01"}'])
    assert code == 2
    assert "disagree" in capsys.readouterr().err


def test_vars_that_are_not_a_mapping_are_refused(capsys):
    assert cli.main(["build", "--as-of", "2026-11-01", "--vars", "[1, 2]"]) == 2
    assert "--vars must be a mapping" in capsys.readouterr().err
