"""Run dbt from the project's own environment, with the project's profiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from scorehouse.config_vars import var_problems
from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def split_vars(args: list[str]) -> tuple[list[str], dict]:
    """Take dbt's `--vars` (YAML or JSON, `--vars X` or `--vars=X`) out of `args`.

    Returns the other arguments and the vars, so that they can be merged with the vars
    Scorehouse sets itself: dbt keeps only the last `--vars`, which would drop the user's."""
    rest: list[str] = []
    user_vars: dict = {}
    items = iter(args)
    for arg in items:
        if arg == "--vars" or arg.startswith("--vars="):
            text = arg.split("=", 1)[1] if "=" in arg else next(items, None)
            if text is None:
                raise ScorehouseError("--vars needs a value, e.g. --vars '{score_decimals: 2}'")
            try:
                parsed = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ScorehouseError(f"--vars is not YAML or JSON: {text!r} ({exc})") from exc
            if not isinstance(parsed, dict):
                raise ScorehouseError(f"--vars must be a mapping, e.g. '{{a: 1}}', got {text!r}")
            user_vars.update(parsed)
        else:
            rest.append(arg)
    return rest, user_vars


def resolve_as_of(as_of: str | None, args: list[str], default: str) -> str:
    """The scoring date: `--as-of`, else an `as_of_date` given in `--vars`, else `default`.
    Both given and different is refused."""
    from_vars = split_vars(args)[1].get("as_of_date")
    if as_of and from_vars and str(from_vars) != as_of:
        raise ScorehouseError(
            f"--as-of {as_of} and --vars as_of_date {from_vars} disagree; give the date once"
        )
    return as_of or (str(from_vars) if from_vars else default)


def run_dbt(
    args: list[str],
    *,
    as_of: str | None = None,
    vars: dict | None = None,
    project_dir: str | Path = PROJECT_DIR,
    db: str | Path | None = None,
) -> int:
    """Run `dbt <args>` in the project folder; returns dbt's exit code.

    `db`, when given, is the DuckDB warehouse file dbt builds (SCOREHOUSE_DB). A `--vars`
    in `args` is merged with `vars` and `as_of` (which take precedence) into one, and the
    vars are checked first (scorehouse.config_vars): a bad one is refused in one line."""
    args, all_vars = split_vars(args)
    all_vars.update(vars or {})
    if as_of:
        all_vars["as_of_date"] = as_of
    problems = var_problems(all_vars, Path(project_dir))
    if problems:
        raise ScorehouseError(
            f"{len(problems)} invalid var(s), nothing was run: " + "; ".join(problems)
        )
    command = [dbt_executable(), *args]
    if all_vars:
        command += ["--vars", json.dumps(all_vars, sort_keys=True)]
    env = {"DBT_PROFILES_DIR": str(project_dir), **os.environ}
    if db is not None:
        env["SCOREHOUSE_DB"] = str(Path(db).resolve())
    return subprocess.call(command, cwd=project_dir, env=env)
