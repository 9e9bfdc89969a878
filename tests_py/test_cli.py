"""The CLI's argument handling: dbt pass-through, bad dates and unknown flags."""

from __future__ import annotations

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
