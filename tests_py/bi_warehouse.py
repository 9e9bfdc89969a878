"""The warehouse that the BI tests (semantic layer, dashboard, browser) read.

They read what `make dbt-test` built just before them in `make test`:
`data/test/scorehouse.duckdb`, scored as of 2026-11-01 from a generated dataset. Each
test module copies or publishes it into its own temporary folder, so nothing here writes
to it. Without it (pytest run alone on a fresh clone) the tests are skipped with the
command to run, except in CI (env `CI` set), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from scorehouse.contract import PROJECT_DIR
from scorehouse.publish import publish

TEST_DB = PROJECT_DIR / "data" / "test" / "scorehouse.duckdb"
# Relations that only a build with the semantic layer has.
NEEDED = ("marts.lead_scores", "marts.metricflow_time_spine", "marts.model_performance_dated")


def skip_or_fail(message: str) -> None:
    """Skip outside CI; in CI, where everything must run, fail."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def built_test_warehouse() -> Path:
    """`data/test/scorehouse.duckdb`, once checked to hold the marts and semantic models."""
    if not TEST_DB.exists():
        skip_or_fail(f"{TEST_DB} not found: run `make dbt-test` first")
    con = duckdb.connect(str(TEST_DB), read_only=True)
    try:
        found = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    finally:
        con.close()
    missing = [relation for relation in NEEDED if relation not in found]
    if missing:
        skip_or_fail(f"{TEST_DB} has no {', '.join(missing)}: rebuild it with `make dbt-test`")
    return TEST_DB


def published_test_marts(folder: Path) -> Path:
    """Publish the test warehouse's BI marts into `folder`, as `scorehouse publish` does."""
    target = folder / "published" / "scorehouse.duckdb"
    publish(built_test_warehouse(), target)
    return target


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def pinned(lock: Path, package: str) -> str:
    """The version of `package` that a pip lock file (`name==version` lines) pins."""
    [pin] = [line for line in lock.read_text().splitlines() if line.startswith(f"{package}==")]
    return pin.split("==", 1)[1].strip()


def check_venv(python: str, lock: Path, packages: list[str]) -> None:
    """Fail unless the venv of `python` holds the versions of `packages` that `lock` pins
    (a BI reader's own venv, installed by the Makefile from its lock)."""
    found = subprocess.run(
        [
            python,
            "-c",
            "import importlib.metadata as m, sys; "
            "print(' '.join(m.version(name) for name in sys.argv[1:]))",
            *packages,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, f"{python} lacks {', '.join(packages)}: {found.stderr}"
    wanted = " ".join(pinned(lock, package) for package in packages)
    assert found.stdout.strip() == wanted, (
        f"{python} has {', '.join(packages)} {found.stdout.strip()}, {lock.name} pins {wanted}: "
        "reinstall the venv from the lock"
    )
