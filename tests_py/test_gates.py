"""Each quality gate catches what it guards, shown by feeding it bad data: a raw value out
of range, a stale source, a mart column whose type changes. (An A1 share out of bounds
and a score out of range: tests_py/test_checks.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from tests_py.conftest import NO_DATA_TESTS, copy_project, write_raw

AS_OF = "2026-11-01"
ACCOUNT = {
    "account_id": "ACC-1",
    "account_name": "Gate Test Corp",
    "domain": "gatetest.example",
    "industry": "software",
    "employee_count": "120",
    "created_at": "2025-01-10 09:00:00",
}


def nps(response_id: str, score: str) -> dict:
    return {
        "nps_response_id": response_id,
        "account_id": "ACC-1",
        "score": score,
        "responded_at": "2026-10-01 10:00:00",
    }


def test_a_raw_value_out_of_range_is_quarantined_not_scored(tmp_path):
    project = copy_project(tmp_path / "p")
    raw = write_raw(
        project.path / "raw",
        {"accounts": [ACCOUNT], "nps_responses": [nps("NPS-1", "11"), nps("NPS-2", "-1")]},
    )
    project.load(raw)
    project.dbt(
        "build",
        "--select",
        "+stg_support__nps_responses +stg_support__nps_responses_quarantine",
        as_of=AS_OF,
    )
    assert project.query("select count(*) from staging.stg_support__nps_responses") == [(0,)]
    assert sorted(
        project.query(
            "select nps_response_id, quarantine_reason from staging.stg_support__nps_responses_quarantine"
        )
    ) == [("NPS-1", "invalid_value"), ("NPS-2", "invalid_value")]


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat(sep=" ")


@pytest.fixture(scope="module")
def gate_project(tmp_path_factory):
    """One project copy for the freshness tests, each of which first loads the one account
    it needs, stale or fresh (a full load: it replaces every raw table). In a new copy the
    first command in production parses again every file that reads SCOREHOUSE_ENV (the
    sources' freshness settings); in a shared one only the first test pays for it. None
    of these tests reads what another one builds."""
    return copy_project(tmp_path_factory.mktemp("gates") / "p")


def load_account(project, loaded_at: str):
    project.load(write_raw(project.path / "raw", {"accounts": [ACCOUNT]}), loaded_at=loaded_at)


def freshness(project, environment: str, monkeypatch):
    monkeypatch.setenv("SCOREHOUSE_ENV", environment)
    return project.dbt("source", "freshness", "--select", "source:crm.accounts", check=False)


def test_a_stale_source_warns_on_demo_data_and_errors_in_production(gate_project, monkeypatch):
    project = gate_project
    load_account(project, "2020-01-01")
    demo = freshness(project, "demo", monkeypatch)
    assert demo.returncode == 0, demo.stdout[-3000:]
    assert "WARN" in demo.stdout
    production = freshness(project, "production", monkeypatch)
    assert production.returncode != 0
    assert "ERROR STALE" in production.stdout


def test_fresh_data_passes_the_freshness_gate(gate_project, monkeypatch):
    load_account(gate_project, now())
    result = freshness(gate_project, "production", monkeypatch)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS" in result.stdout


@pytest.fixture(scope="module")
def marts_project(tmp_path_factory, generated_raw):
    """The generated data built up to lead_scores (models only: no test here reads a data
    test's outcome). Read by the personal-data test, and the warehouse the contract test
    rebuilds lead_scores on (with its SQL restored afterwards)."""
    project = copy_project(tmp_path_factory.mktemp("marts") / "p")
    project.load(generated_raw)
    project.dbt("build", "--select", "+lead_scores", *NO_DATA_TESTS, as_of=AS_OF)
    return project


def test_a_mart_column_type_change_breaks_the_contract(marts_project):
    project = marts_project
    mart = project.path / "models" / "marts" / "scoring" / "lead_scores.sql"
    text = mart.read_text()
    marker = "select * from final"
    assert text.rstrip().endswith(marker), "lead_scores.sql should end with its final CTE"
    mart.write_text(
        text.rstrip()[: -len(marker)]
        + "select * replace (cast(fit_score as varchar) as fit_score) from final\n"
    )
    try:
        # Its upstream models are built: the contract is checked as lead_scores is built.
        result = project.dbt("build", "--select", "lead_scores", as_of=AS_OF, check=False)
    finally:
        mart.write_text(text)
    assert result.returncode != 0
    assert "contract" in result.stdout.lower()
    assert "fit_score" in result.stdout


def test_scorehouse_run_stops_on_a_stale_source_in_production(tmp_path, monkeypatch):
    import subprocess
    import sys

    project = copy_project(tmp_path / "p")
    load_account(project, "2020-01-01")
    monkeypatch.setenv("SCOREHOUSE_ENV", "production")
    published = tmp_path / "published.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "scorehouse.cli", "run", "--as-of", AS_OF]
        + ["--db", str(project.db), "--published-db", str(published)]
        + ["--project-dir", str(project.path), "--docs-dir", str(tmp_path / "quality")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "stale" in result.stderr and "nothing was built" in result.stderr
    assert not published.exists()
    assert project.query(
        "select count(*) from information_schema.tables where table_schema = 'marts'"
    ) == [(0,)]


def mart_text_values(project) -> list[str]:
    columns = project.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'"
    )
    values = []
    for table, column in columns:
        values += [
            row[0]
            for row in project.query(
                f'select distinct "{column}" from marts."{table}" where "{column}" is not null'
            )
        ]
    return values


def test_the_bi_marts_hold_no_email_or_name_unless_allowed(marts_project):
    project = marts_project
    assert not [v for v in mart_text_values(project) if "@" in v]
    assert project.query(
        "select count(*) from marts.lead_scores where contact_name is not null "
        "or contact_email is not null"
    ) == [(0,)]
    settings = project.path / "dbt_project.yml"
    text = settings.read_text()
    assert "scorehouse_expose_personal_data: false" in text
    settings.write_text(
        text.replace(
            "scorehouse_expose_personal_data: false", "scorehouse_expose_personal_data: true"
        )
    )
    project.dbt("build", "--select", "lead_scores", as_of=AS_OF)
    ((named, emails),) = project.query(
        "select count(contact_name), count(contact_email) from marts.lead_scores"
    )
    assert named > 0 and emails > 0


def test_a_partial_export_passes_freshness_in_production(gate_project, monkeypatch):
    """Tables the export does not provide are left out of the freshness check (said, not
    silent); the ones it provides are still checked."""
    from scorehouse import cli
    from scorehouse.load import tables_without_data

    project = gate_project
    load_account(project, now())
    empty = tables_without_data(project.db)
    assert "accounts" not in empty and {"page_views", "activities", "invoices"} <= set(empty)

    commands = []

    def fake_dbt(args, **kwargs):
        commands.append(args)
        return 1  # stop after the freshness check

    monkeypatch.setattr("scorehouse.dbt.run_dbt", fake_dbt)
    cli.main(["run", "--as-of", AS_OF, "--db", str(project.db), "--project-dir", str(project.path)])
    (freshness_command,) = commands
    assert "source:marketing.page_views" in freshness_command
    assert "source:crm.accounts" not in freshness_command
    monkeypatch.setenv("SCOREHOUSE_ENV", "production")
    result = project.dbt(*freshness_command, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_disabled_source_is_switched_off_and_a_contradiction_refused(gate_project, monkeypatch):
    """Var `scorehouse_disabled_sources` (as Fivetran's packages do): the listed sources are not
    checked for freshness, their staging reads the empty raw table; a listed table that
    holds rows, or a name that is no raw table, is refused in one line."""
    project = gate_project
    load_account(project, now())
    monkeypatch.setenv("SCOREHOUSE_ENV", "production")
    select = ["source", "freshness", "--select", "source:support", "source:crm.accounts"]
    assert project.dbt(*select, check=False).returncode != 0  # no support data: stale
    off = {"scorehouse_disabled_sources": ["support_tickets", "nps_responses"]}
    result = project.dbt(*select, check=False, vars=off)
    assert result.returncode == 0, result.stdout[-3000:]
    project.dbt("build", "--select", "+stg_support__tickets", as_of=AS_OF, vars=off)
    assert project.query("select count(*) from staging.stg_support__tickets") == [(0,)]

    result = project.dbt(*select, check=False, vars={"scorehouse_disabled_sources": ["accounts"]})
    assert result.returncode != 0
    assert "var scorehouse_disabled_sources lists accounts, but" in result.stdout
    assert "holds 1 row(s)" in result.stdout
    result = project.dbt(
        *select, check=False, vars={"scorehouse_disabled_sources": ["support_ticket"]}
    )
    assert "var scorehouse_disabled_sources: unknown raw table(s) support_ticket" in result.stdout
