"""Apache Superset reads the publication (docs/superset.md, bi/superset/).

The test marts are published into a temporary folder; bi/superset/run.sh, as a user runs
it, sets up Superset there, starts the real server on a free port of 127.0.0.1 and
registers the publication (bi/superset/register.py). Superset's own APIs (the chart data
API on the lead_scores dataset, SQL Lab) then count leads by grade, and must find what the
project's DuckDB finds in the same file. The server is started once for the module and
stopped whatever happens.

Superset lives in a venv of its own (requirements-superset.lock) whose bin folder is named
by SCOREHOUSE_SUPERSET_BIN; without it the tests are skipped with the commands that make
one, except in CI, where that is a failure.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from scorehouse.contract import PROJECT_DIR
from tests_py.bi_warehouse import check_venv, published_test_marts, query, skip_or_fail
from tests_py.conftest import free_port

SUPERSET_DIR = PROJECT_DIR / "bi" / "superset"
LOCK = PROJECT_DIR / "requirements-superset.lock"
USER, PASSWORD = "admin", "scorehouse-test-" + secrets.token_hex(8)
# run.sh was ready after about 2 min 20 s here (2 busy cores), 2 min of it setting up
# Superset's metadata database.
START_TIMEOUT = 600
READY = "Superset is ready on http://127.0.0.1:"

# Leads and MQLs per grade: what Superset and DuckDB must agree on.
BY_GRADE_SQL = (
    "select lead_grade, count(*) as leads, "
    "sum(case when is_mql then 1 else 0 end) as mqls "
    "from marts.lead_scores group by lead_grade order by lead_grade"
)


def _load_register():
    """bi/superset/register.py as a module: its API client also serves the tests."""
    spec = importlib.util.spec_from_file_location("superset_register", SUPERSET_DIR / "register.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


register = _load_register()


@pytest.fixture(scope="module")
def superset_bin() -> Path:
    """The bin folder of the venv installed from requirements-superset.lock."""
    folder = os.environ.get("SCOREHOUSE_SUPERSET_BIN")
    if not folder:
        skip_or_fail(
            "SCOREHOUSE_SUPERSET_BIN is not set, so Superset does not read the publication: "
            "python3 -m venv .venv-superset && .venv-superset/bin/pip install -r "
            "requirements-superset.lock, then set it to $PWD/.venv-superset/bin"
        )
    check_venv(f"{folder}/python", LOCK, ["apache_superset", "duckdb"])
    return Path(folder)


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    return published_test_marts(tmp_path_factory.mktemp("superset-publication"))


def stop(process: subprocess.Popen) -> None:
    """Stop run.sh and the server it started: their own process group, SIGTERM first."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        process.poll()  # reaps run.sh once it has exited
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@dataclass
class Server:
    url: str
    api: register.Superset  # logged in as the admin


def wait_until_ready(process: subprocess.Popen, log: Path) -> str:
    """run.sh's output up to the line that says Superset is ready."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if READY in text:
            return text
        if process.poll() is not None:
            pytest.fail(f"run.sh stopped (exit {process.returncode}):\n{text[-6000:]}")
        time.sleep(1)
    pytest.fail(f"Superset not ready after {START_TIMEOUT} s:\n{log.read_text()[-6000:]}")


@pytest.fixture(scope="module")
def superset(superset_bin, publication, tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("superset")
    port = free_port()
    env = {
        **os.environ,
        "SCOREHOUSE_SUPERSET_BIN": str(superset_bin),
        "SCOREHOUSE_SUPERSET_HOME": str(folder / "home"),
        "SCOREHOUSE_SUPERSET_PORT": str(port),
        "SCOREHOUSE_SUPERSET_USER": USER,
        "SCOREHOUSE_SUPERSET_PASSWORD": PASSWORD,
    }
    log = folder / "run.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["bash", str(SUPERSET_DIR / "run.sh"), str(publication)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        output = wait_until_ready(process, log)
        assert 'database "Scorehouse" (id ' in output and ") created: " in output, output
        url = f"http://127.0.0.1:{port}"
        api = register.Superset(url)
        api.login(USER, PASSWORD)
        yield Server(url, api)
    finally:
        stop(process)


def run_register(superset_bin: Path, *args: str) -> subprocess.CompletedProcess:
    """register.py run by the Superset venv's python, as run.sh runs it."""
    return subprocess.run(
        [str(superset_bin / "python"), str(SUPERSET_DIR / "register.py"), *args],
        env={**os.environ, "SCOREHOUSE_SUPERSET_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=300,
    )


def by_grade_in_duckdb(db: Path) -> list[tuple]:
    return [tuple(row) for row in query(db, BY_GRADE_SQL)]


def by_grade_in_superset(server: Server) -> list[tuple]:
    """Leads and MQLs by grade through the chart data API, on the lead_scores dataset."""
    database_id = server.api.database_id()
    dataset_id = server.api.datasets(database_id)["lead_scores"]
    metrics = [
        {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "leads"},
        {
            "expressionType": "SQL",
            "sqlExpression": "SUM(CASE WHEN is_mql THEN 1 ELSE 0 END)",
            "label": "mqls",
        },
    ]
    body = {
        "datasource": {"id": dataset_id, "type": "table"},
        "force": True,
        "queries": [
            {
                "columns": ["lead_grade"],
                "metrics": metrics,
                "orderby": [["lead_grade", True]],
                "row_limit": 10_000,
            }
        ],
        "result_format": "json",
        "result_type": "full",
    }
    [result] = server.api.call("POST", "/api/v1/chart/data", body)["result"]
    assert result["status"] == "success", result
    assert "FROM marts.lead_scores" in result["query"], result["query"]
    return [(row["lead_grade"], row["leads"], row["mqls"]) for row in result["data"]]


def sql_lab(server: Server, sql: str) -> dict:
    body = {
        "database_id": server.api.database_id(),
        "sql": sql,
        "schema": "marts",
        "runAsync": False,
        "client_id": secrets.token_hex(5),
    }
    try:
        return server.api.call("POST", "/api/v1/sqllab/execute/", body)
    except register.HTTPFailure as failure:
        return {"status": "failed", "error": str(failure)}


def test_superset_counts_leads_by_grade_as_duckdb_does(superset, publication):
    expected = by_grade_in_duckdb(publication)
    recorded = dict(query(publication, "select mart, row_count from _publication_marts"))
    # The comparison means something: several grades, every lead, some MQLs.
    assert len(expected) >= 4
    assert sum(leads for _, leads, _ in expected) == recorded["lead_scores"] > 0
    assert 0 < sum(mqls for _, _, mqls in expected) < recorded["lead_scores"]
    assert by_grade_in_superset(superset) == expected


def test_sql_lab_reads_the_publication_and_nothing_else(superset, publication):
    result = sql_lab(superset, BY_GRADE_SQL)
    assert result["status"] == "success", result
    rows = [(row["lead_grade"], row["leads"], row["mqls"]) for row in result["data"]]
    assert rows == by_grade_in_duckdb(publication)
    # No writes (Superset refuses them before DuckDB, which has the file read-only), and
    # DuckDB's file access is off: no other file.
    refused = sql_lab(superset, "create table marts.scratch as select 1 as one")
    assert refused["status"] == "failed", refused
    assert "Database does not allow data manipulation" in refused["error"], refused
    passwd = sql_lab(superset, "select * from read_csv('/etc/passwd')")
    assert passwd["status"] == "failed", passwd
    assert "file system operations are disabled by configuration" in passwd["error"], passwd


def test_every_mart_is_a_dataset_of_a_read_only_database(superset, publication):
    marts = {mart for (mart,) in query(publication, "select mart from _publication_marts")}
    database_id = superset.api.database_id()
    assert set(superset.api.datasets(database_id)) == marts
    database = superset.api.call("GET", f"/api/v1/database/{database_id}/connection")["result"]
    assert database["sqlalchemy_uri"] == f"duckdb:///{publication}"
    assert not database["allow_dml"] and not database["allow_file_upload"]
    connect_args = json.loads(database["extra"])["engine_params"]["connect_args"]
    assert connect_args == {"read_only": True, "config": {"enable_external_access": False}}
    # No telemetry: the browser may not load Scarf's counting pixel.
    with urllib.request.urlopen(f"{superset.url}/login/", timeout=60) as page:
        policy = page.headers["Content-Security-Policy"]
    assert "img-src" in policy and "scarf" not in policy, policy


def test_registering_again_updates_and_duplicates_nothing(superset, superset_bin, publication):
    # Registered again, with another publication: the same database and datasets, which
    # now read that file (one lead grade and every MQL fewer).
    database_id = superset.api.database_id()
    datasets = superset.api.datasets(database_id)
    other = publication.parent.parent / "other" / publication.name
    other.parent.mkdir()
    shutil.copy(publication, other)
    con = duckdb.connect(str(other))
    con.execute("delete from main.lead_scores where lead_grade = 'A1' or is_mql")
    con.close()
    again = run_register(superset_bin, str(other), "--url", superset.url, "--user", USER)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f'database "Scorehouse" (id {database_id}) updated: {other}\n')
    assert f"datasets in schema marts: 0 created, {len(datasets)} refreshed" in again.stdout
    assert superset.api.database_id() == database_id  # still one database of that name
    assert superset.api.datasets(database_id) == datasets
    expected = by_grade_in_duckdb(other)
    assert expected != by_grade_in_duckdb(publication)
    assert by_grade_in_superset(superset) == expected


def test_a_new_publication_is_read_without_registering_again(superset, tmp_path):
    # `scorehouse publish` renames a new file over the old one: the next query reads it.
    database_id = superset.api.database_id()
    uri = superset.api.call("GET", f"/api/v1/database/{database_id}/connection")["result"]
    registered = Path(uri["sqlalchemy_uri"].removeprefix("duckdb:///"))
    before = by_grade_in_superset(superset)
    assert before == by_grade_in_duckdb(registered)
    newer = tmp_path / registered.name
    shutil.copy(registered, newer)
    con = duckdb.connect(str(newer))
    con.execute("delete from main.lead_scores where lead_grade like 'D%'")
    con.close()
    os.replace(newer, registered)
    after = by_grade_in_superset(superset)
    assert after == by_grade_in_duckdb(registered) != before


def test_register_refuses_what_is_not_a_publication(superset_bin, tmp_path):
    missing = tmp_path / "nowhere" / "scorehouse.duckdb"
    result = run_register(superset_bin, str(missing), "--url", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr.startswith(f"register.py: {missing}: no such file;"), result.stderr
    assert not missing.exists()  # DuckDB did not make one
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table lead_scores (contact_id varchar)")
    con.close()
    result = run_register(superset_bin, str(other), "--url", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr == (
        f"register.py: {other} is not a Scorehouse publication: it has no _publication_marts "
        "table (`scorehouse publish` writes one)\n"
    )
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n")
    result = run_register(superset_bin, str(text))
    assert result.returncode == 1
    assert result.stderr.startswith("register.py: DuckDB "), result.stderr
    assert f" cannot open {text} (not a DuckDB file?): " in result.stderr


def test_register_says_when_superset_is_unreachable(superset_bin, publication):
    port = free_port()  # nothing listens there
    result = run_register(superset_bin, str(publication), "--url", f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"register.py: cannot reach Superset at http://127.0.0.1:{port}: "
    ), result.stderr
