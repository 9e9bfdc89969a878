"""DuckDB 1.x readers (Evidence, most drivers) read the publication whole.

`scorehouse publish` writes the DuckDB file in storage format v1.0.0 and every mart as a
Parquet file. Here a DuckDB 1.x, in a venv of its own (requirements-duckdb1.lock), runs
scorehouse/devtools/readers_check.py on a publication of the `make dbt-test` warehouse:
every mart, in the DuckDB file, through its `marts` view and in Parquet, has the rows the
publication recorded. The same DuckDB refuses a file in DuckDB 2.0's own format, so the
check fails a publication written without the older format. The check's other refusals (a
Parquet file of other rows, the link on another folder) are shown with the project's
DuckDB.

That venv's python is named by SCOREHOUSE_DUCKDB1_PYTHON; without it the tests that need
it are skipped with the commands that make one, except in CI, where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from scorehouse.contract import PROJECT_DIR
from scorehouse.devtools.readers_check import check_publication
from scorehouse.publish import BI_MARTS, PARQUET_LINK, PARQUET_VERSIONS
from tests_py.bi_warehouse import check_venv, pinned, published_test_marts, query, skip_or_fail

LOCK = PROJECT_DIR / "requirements-duckdb1.lock"


@pytest.fixture(scope="module")
def duckdb1() -> str:
    """The python of the venv with the pinned DuckDB 1.x."""
    python = os.environ.get("SCOREHOUSE_DUCKDB1_PYTHON")
    if not python:
        skip_or_fail(
            "SCOREHOUSE_DUCKDB1_PYTHON is not set, so no DuckDB 1.x reads the publication: "
            "python3 -m venv /tmp/scorehouse-duckdb1 && /tmp/scorehouse-duckdb1/bin/pip "
            "install -r requirements-duckdb1.lock, then set it to "
            "/tmp/scorehouse-duckdb1/bin/python"
        )
    check_venv(python, LOCK, ["duckdb"])
    return python


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    return published_test_marts(tmp_path_factory.mktemp("readers"))


def readers_check(python: str, db: Path) -> subprocess.CompletedProcess:
    """scorehouse/devtools/readers_check.py run by `python`, as the lead's make target runs it."""
    return subprocess.run(
        [python, "-m", "scorehouse.devtools.readers_check", str(db)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_publication(publication: Path, folder: Path) -> Path:
    """A copy of the publication (DuckDB file, Parquet folders and link) in `folder`."""
    folder.mkdir()
    shutil.copy(publication, folder / publication.name)
    shutil.copytree(publication.parent / PARQUET_VERSIONS, folder / PARQUET_VERSIONS)
    (folder / PARQUET_LINK).symlink_to(os.readlink(publication.parent / PARQUET_LINK))
    return folder / publication.name


def test_duckdb_1_reads_every_published_mart(duckdb1, publication):
    result = readers_check(duckdb1, publication)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"duckdb {pinned(LOCK, 'duckdb')} reads {publication}:")
    recorded = dict(query(publication, "select mart, row_count from _publication_marts"))
    assert set(recorded) == set(BI_MARTS) and recorded["lead_scores"] > 0
    for mart, rows in recorded.items():
        line = rf"\n  {mart} +{rows:,} rows in DuckDB, +{rows:,} in Parquet\n"
        assert re.search(line, result.stdout), f"{mart} ({rows:,} rows):\n{result.stdout}"
    for relation in ("marts.metricflow_time_spine", "marts.model_performance_dated"):
        assert re.search(rf"\n  {relation} +[1-9][\d,]* rows in DuckDB", result.stdout)
    assert result.stdout.endswith(
        "every mart reads whole, in the DuckDB file and in Parquet, as recorded\n"
    )


def test_duckdb_1_cannot_open_duckdb_2s_own_format(duckdb1, publication, tmp_path):
    # What `scorehouse publish` wrote before it chose the older format: the check fails.
    newer = tmp_path / "scorehouse.duckdb"
    con = duckdb.connect()
    con.execute(f"attach '{publication}' as publication (read_only)")
    con.execute(f"attach '{newer}' as newer")  # DuckDB 2.0's default format
    con.execute("copy from database publication to newer")
    con.close()
    result = readers_check(duckdb1, newer)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"duckdb {pinned(LOCK, 'duckdb')} cannot read {newer}: ")
    assert "version number" in result.stderr


def test_the_check_reports_parquet_files_that_are_not_the_publication(publication, tmp_path):
    copy = copy_publication(publication, tmp_path / "copy")
    assert check_publication(copy)[1] == []
    folder = (copy.parent / PARQUET_LINK).resolve()
    con = duckdb.connect()
    # The same number of rows, one value changed: only reading the values shows it.
    con.execute(
        f"copy (select * replace (total_score + 1 as total_score) from "
        f"'{folder}/lead_scores.parquet') to '{tmp_path}/changed.parquet' (format parquet)"
    )
    # A row fewer.
    con.execute(
        f"copy (select * from '{folder}/account_scores.parquet' limit (select count(*) - 1 "
        f"from '{folder}/account_scores.parquet')) to '{tmp_path}/fewer.parquet' (format parquet)"
    )
    con.close()
    os.replace(tmp_path / "changed.parquet", folder / "lead_scores.parquet")
    os.replace(tmp_path / "fewer.parquet", folder / "account_scores.parquet")
    (copy.parent / PARQUET_VERSIONS / "elsewhere").mkdir()
    (copy.parent / PARQUET_LINK).unlink()
    (copy.parent / PARQUET_LINK).symlink_to(f"{PARQUET_VERSIONS}/elsewhere")
    rows = dict(query(copy, "select mart, row_count from _publication_marts"))
    problems = check_publication(copy)[1]
    assert problems[0].startswith(f"{copy.parent / PARQUET_LINK} does not point at {folder.name}")
    assert "lead_scores: the Parquet file holds other rows than the DuckDB table" in problems
    assert (
        f"account_scores: {rows['account_scores'] - 1:,} rows in the Parquet, "
        f"{rows['account_scores']:,} recorded" in problems
    )
    # Neither file names the published build any more.
    assert sum(" the publication is of build " in problem for problem in problems) == 2
    assert len(problems) == 6, problems
