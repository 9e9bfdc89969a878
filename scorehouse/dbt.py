"""Run dbt from the project's own environment, with the project's profiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scorehouse.contract import PROJECT_DIR


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    args: list[str],
    *,
    as_of: str | None = None,
    vars: dict | None = None,
    project_dir: str | Path = PROJECT_DIR,
    db: str | Path | None = None,
) -> int:
    """Run `dbt <args>` in the project folder; returns dbt's exit code.

    `db`, when given, is the DuckDB warehouse file dbt builds (SCOREHOUSE_DB)."""
    all_vars = dict(vars or {})
    if as_of:
        all_vars["as_of_date"] = as_of
    command = [dbt_executable(), *args]
    if all_vars:
        command += ["--vars", json.dumps(all_vars, sort_keys=True)]
    env = {"DBT_PROFILES_DIR": str(project_dir), **os.environ}
    if db is not None:
        env["SCOREHOUSE_DB"] = str(Path(db).resolve())
    return subprocess.call(command, cwd=project_dir, env=env)
