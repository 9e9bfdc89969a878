"""What the last build of a warehouse saw, so that a configuration edit rebuilds only what
it changed (`scorehouse build --changed`).

A `scorehouse build` that builds everything and succeeds records, beside the DuckDB
warehouse (`<warehouse>.last-build/`), dbt's manifest (every node's checksum, the seeds'
contents included) and what dbt's state comparison cannot see: the scoring date, the last
raw load, dbt_project.yml (its vars), the command's dbt arguments, SCOREHOUSE_ENV and the
seeds too large for dbt to compare (1 MiB and more).

`--changed` then builds `state:modified+` against that manifest: the edited seeds, models
and macros and everything downstream of them, with their tests. Staging and the event
aggregates, which a rule edit does not reach, are not rebuilt. When something the
manifest cannot compare differs (another date, a new load, other vars), or no build was
recorded, it builds everything and says why in one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError

# dbt compares a seed's contents only below this size; above it, only its path.
DBT_SEED_HASH_LIMIT = 1024 * 1024

# dbt arguments that choose what to build: `--changed` chooses itself.
SELECTION_FLAGS = ("-s", "--select", "-m", "--models", "--exclude", "--selector")


@dataclass
class Plan:
    """What `scorehouse build --changed` runs: `select` (dbt arguments) is empty for a
    full build, and `reason` says in one line why it builds what it builds."""

    select: list[str]
    reason: str


def selects_nodes(dbt_args: list[str]) -> bool:
    """Whether dbt arguments choose a subset of the project (then nothing is recorded)."""
    return any(
        arg == flag or arg.startswith(flag + "=") for arg in dbt_args for flag in SELECTION_FLAGS
    )


def state_dir(db: str | Path) -> Path:
    path = Path(db).resolve()
    return path.with_name(path.name + ".last-build")


def _target_dir(project_dir: Path, env: Mapping[str, str]) -> Path:
    target = env.get("DBT_TARGET_PATH")
    if not target:
        return project_dir / "target"
    return Path(target) if Path(target).is_absolute() else project_dir / target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _last_load(db: Path) -> int | None:
    """The last raw load's id (`raw._loads`, scorehouse load), None before any."""
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("select max(load_id) from raw._loads").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return None if row is None or row[0] is None else int(row[0])


def fingerprint(
    db: str | Path,
    as_of: str,
    dbt_args: list[str],
    project_dir: Path = PROJECT_DIR,
    env: Mapping[str, str] | None = None,
) -> dict:
    """What a build depends on beyond what dbt's manifest compares; `env` is the
    environment dbt ran in (default: this process's)."""
    env = os.environ if env is None else env
    large_seeds = {
        str(path.relative_to(project_dir)): _sha256(path)
        for path in sorted((project_dir / "seeds").rglob("*.csv"))
        if path.stat().st_size >= DBT_SEED_HASH_LIMIT
    }
    return {
        "scoring date": as_of,
        "last raw load": _last_load(Path(db)),
        "dbt_project.yml": _sha256(project_dir / "dbt_project.yml"),
        "dbt arguments": list(dbt_args),
        "large seeds": large_seeds,
        # The sources' freshness configuration depends on it (make demo sets `demo`).
        "SCOREHOUSE_ENV": env.get("SCOREHOUSE_ENV", "production"),
    }


def record(
    db: str | Path,
    as_of: str,
    dbt_args: list[str],
    project_dir: Path = PROJECT_DIR,
    env: Mapping[str, str] | None = None,
) -> None:
    """Keep what the build that just succeeded saw (module docstring); `env` is the
    environment dbt ran in (default: this process's)."""
    env = os.environ if env is None else env
    manifest = _target_dir(project_dir, env) / "manifest.json"
    if not manifest.exists():
        raise ScorehouseError(f"the build wrote no {manifest}; nothing recorded for --changed")
    folder = state_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(manifest, folder / "manifest.json")
    seen = fingerprint(db, as_of, dbt_args, project_dir, env)
    (folder / "build.json").write_text(json.dumps(seen, indent=2, sort_keys=True) + "\n")


def staging_is_current(db: str | Path) -> bool:
    """Whether a build of `db` is recorded and no raw load came since: its staging models
    then hold the raw tables as they are (what `scorehouse validate` need not rebuild)."""
    try:
        before = json.loads((state_dir(db) / "build.json").read_text())
    except (OSError, json.JSONDecodeError):
        return False
    last = _last_load(Path(db))
    return last is not None and before.get("last raw load") == last


def plan(db: str | Path, as_of: str, dbt_args: list[str], project_dir: Path = PROJECT_DIR) -> Plan:
    """What `--changed` builds: what changed since the recorded build, or everything."""
    if selects_nodes(dbt_args):
        raise ScorehouseError("--changed chooses what to build: give no --select or --exclude")
    folder = state_dir(db)
    if not (folder / "build.json").exists() or not (folder / "manifest.json").exists():
        return Plan([], f"no earlier build of {db} is recorded: building everything")
    try:
        before = json.loads((folder / "build.json").read_text())
    except json.JSONDecodeError:
        return Plan([], f"{folder / 'build.json'} is not readable: building everything")
    now = fingerprint(db, as_of, dbt_args, project_dir)
    if now["last raw load"] is None:
        # Loads that `scorehouse load` did not record (another loader, another raw
        # schema): whether new data came cannot be known.
        return Plan([], f"no raw load of {db} is recorded in raw._loads: building everything")
    differs = [key for key in sorted(now) if before.get(key) != now[key]]
    if differs:
        what = ", ".join(
            f"{key} {before.get(key)} -> {now[key]}"
            if key in ("scoring date", "last raw load", "SCOREHOUSE_ENV")
            else key
            for key in differs
        )
        return Plan([], f"changed since the last build ({what}): building everything")
    return Plan(
        ["--select", "state:modified+", "--state", str(folder)],
        "building what changed since the last build (state:modified+)",
    )
