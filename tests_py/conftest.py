"""Shared fixtures: raw files written to the contract, and isolated dbt project copies."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from scorehouse.contract import copy_project as copy_project_parts
from scorehouse.contract import load_contract
from scorehouse.load import load

DBT = str(Path(sys.executable).parent / "dbt")

# `dbt build` arguments for a test that reads models only: the data and unit tests (a
# third of a build's time) run in `make dbt-test` and in the tests that are about them.
NO_DATA_TESTS = ("--exclude", "resource_type:test", "resource_type:unit_test")

# pytest-xdist's workers (make pytest) run with a __main__ that has neither __spec__ nor
# __file__: pyspark's Spark Connect module, which great_expectations imports, then takes
# the process for a doctest run and exits. A file name tells it otherwise.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"

# Test data is loaded with fixed, old load times: stale sources only warn, as in the demo.
# tests_py/test_gates.py sets production mode where it tests the freshness gate.
os.environ.setdefault("SCOREHOUSE_ENV", "demo")


def write_raw(folder: Path, tables: dict[str, list[dict]]) -> Path:
    """Write one CSV per contract table (header only when no rows are given)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in load_contract().items():
        with open(folder / f"{name}.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=table.column_names)
            writer.writeheader()
            for row in tables.get(name, []):
                unknown = set(row) - set(table.column_names)
                assert not unknown, f"{name}: columns not in the contract: {unknown}"
                writer.writerow(row)
    return folder


@dataclass
class Project:
    """A copy of the dbt project with its own warehouse file."""

    path: Path
    db: Path

    def dbt(
        self, *args: str, as_of: str = "2026-11-01", check: bool = True, vars: dict | None = None
    ):
        # The scoring date goes by environment variable, as `scorehouse` passes it: a new
        # date then costs dbt no parsing (macro as_of_date_text), and a new var does.
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.path),
            # Relative to the copy, so that every copy has the same profile and can
            # reuse the parse of the template (copy_project).
            "SCOREHOUSE_DB": os.path.relpath(self.db, self.path),
            "SCOREHOUSE_AS_OF_DATE": "" if "scorehouse_as_of_date" in (vars or {}) else as_of,
        }
        command = [DBT, *args, *(["--vars", json.dumps(vars)] if vars else [])]
        result = subprocess.run(
            command, cwd=self.path, env=env, capture_output=True, text=True, timeout=600
        )
        if check and result.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
        return result

    def load(self, raw_dir: Path, loaded_at: str = "2026-11-02 06:00:00", append: bool = False):
        import datetime as dt

        return load(
            raw_dir,
            self.db,
            loaded_at=dt.datetime.fromisoformat(loaded_at),
            append=append,
            allow_missing=append,
        )

    def query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def edit_seed(self, relative: str, old: str, new: str) -> None:
        path = self.path / "seeds" / relative
        text = path.read_text()
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))


_parsed_template: list[Path] = []


def _parse_template() -> Path | None:
    """dbt's partial-parse file of an unchanged copy of the project, parsed once per test
    session: each copy starts from it, and dbt then parses only the files a test edits
    (about 7 s instead of 20 s for a copy's first command). None if the parse fails: each
    copy then parses in full, and the test shows why."""
    if not _parsed_template:
        import atexit
        import tempfile

        template = copy_project_parts(Path(tempfile.mkdtemp(prefix="scorehouse-parse-")))
        atexit.register(shutil.rmtree, template, ignore_errors=True)
        Project(template, template / "warehouse.duckdb").dbt("parse", check=False)
        _parsed_template.append(template / "target" / "partial_parse.msgpack")
    parsed = _parsed_template[0]
    return parsed if parsed.exists() else None


def copy_project(destination: Path, parsed: bool = True) -> Project:
    """A copy of the project; `parsed=False`: without the template's saved parse, for a
    test that reads dbt's own account of its parsing."""
    copy_project_parts(destination)
    parsed = _parse_template() if parsed else None
    if parsed is not None:
        (destination / "target").mkdir(exist_ok=True)
        shutil.copy(parsed, destination / "target" / parsed.name)
    return Project(destination, destination / "warehouse.duckdb")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def generated_raw(tmp_path_factory) -> Path:
    """A small generated dataset shared by the tests that only read it."""
    from scorehouse.devtools.generate import generate

    out = tmp_path_factory.mktemp("generated")
    generate(out, scale=0.03, seed=7)
    return out / "raw"


# The slowest files first (measured: tests_py durations in `make pytest`), so that the two
# pytest-xdist workers, which take one whole file at a time, finish at about the same time.
SLOWEST_FIRST = (
    "test_operations",
    "test_calibrate",
    "test_superset",
    "test_gates",
    "test_config_checks",
    "test_scoring_config",
    "test_incremental",
    "test_rule_set_versions",
)


def pytest_collection_modifyitems(items):
    rank = {name: number for number, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__.rsplit(".", 1)[-1], len(rank)))


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (for a server a test starts, or
    for a connection that must be refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
