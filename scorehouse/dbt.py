"""Run dbt from the project's own environment, with the project's profiles.

Two ways to run it:
- streamed (`run_dbt(args)`): dbt prints to the terminal as usual; what `scorehouse build`,
  `validate` and `demo` do, since there the user asked for dbt;
- logged (`run_dbt(args, log=DbtLog(path))`): what the daily commands (`run`, `backfill`)
  do. dbt writes structured (JSON) events to a pipe; they go, as the lines dbt would have
  printed, to the log file, and the run keeps what a user needs to see: dbt's counts and,
  on failure, the failing nodes' error lines. `DbtLog(verbose=True)` also prints every
  line as dbt would have.

The scoring date reaches the models through environment variable SCOREHOUSE_AS_OF_DATE,
not var `scorehouse_as_of_date`: a new `--vars` makes dbt reparse the whole project (its partial
parsing keys on the command-line vars), while macro as_of_timestamp reads the variable
only while executing, so a run for a new date reuses target/partial_parse.msgpack.

Colour: dbt colours its output even into a pipe or a file. When our standard output is
not a terminal (or NO_COLOR is set), dbt is told not to (DBT_USE_COLORS=false), unless
the user set DBT_USE_COLORS themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scorehouse.config_vars import var_problems
from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError

# The environment variable that carries the scoring date to dbt (macro as_of_date_text).
AS_OF_ENV = "SCOREHOUSE_AS_OF_DATE"
# Set by a backfill: score the history only, without backtests or what-ifs (macro scoring_runs).
HISTORY_ONLY_ENV = "SCOREHOUSE_HISTORY_ONLY"

# Terminal escape sequences (colours), removed from everything written to a log or pipe.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# At most this many failure lines are printed; the rest are in the log file.
MAX_FAILURE_LINES = 40


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def wants_colour(stream=None) -> bool:
    """Whether output to `stream` (standard output) may carry colour codes: only a
    terminal does, and never with NO_COLOR set (no-color.org)."""
    stream = sys.stdout if stream is None else stream
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


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
                raise ScorehouseError(
                    "--vars needs a value, e.g. --vars '{scorehouse_score_decimals: 2}'"
                )
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
    """The scoring date: `--as-of`, else a `scorehouse_as_of_date` given in `--vars`, else
    `default`. Both given and different is refused."""
    from_vars = split_vars(args)[1].get("scorehouse_as_of_date")
    if as_of and from_vars and str(from_vars) != as_of:
        raise ScorehouseError(
            f"--as-of {as_of} and --vars scorehouse_as_of_date {from_vars} disagree; "
            "give the date once"
        )
    return as_of or (str(from_vars) if from_vars else default)


@dataclass
class DbtResult:
    """What one logged dbt command did."""

    args: list[str]
    code: int = 0
    seconds: float = 0.0
    # dbt's closing counts (pass, warn, error, skip, no-op, total), when it printed them.
    stats: dict[str, int] = field(default_factory=dict)
    # Source freshness: sources per status (pass, warn, error, runtime error).
    freshness: Counter = field(default_factory=Counter)
    # The lines that say what failed (the failing nodes' errors), empty on success.
    failures: list[str] = field(default_factory=list)


@dataclass
class DbtLog:
    """Where the dbt commands of one `scorehouse` command log to, and what the last did."""

    path: Path
    verbose: bool = False
    last: DbtResult | None = None


def new_log_path(db: str | Path, command: str) -> Path:
    """A new log file for `scorehouse <command>` on warehouse `db`:
    <warehouse folder>/logs/scorehouse-<command>-<UTC time>.log, never one that exists."""
    folder = Path(db).resolve().parent / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = folder / f"scorehouse-{command}-{stamp}.log", 1
    while path.exists():
        n += 1
        path = folder / f"scorehouse-{command}-{stamp}-{n}.log"
    return path


def dbt_command(
    args: list[str],
    *,
    as_of: str | None = None,
    vars: dict | None = None,
    project_dir: str | Path = PROJECT_DIR,
    db: str | Path | None = None,
    history_only: bool = False,
) -> tuple[list[str], dict[str, str]]:
    """The dbt command line and environment for `dbt <args>` (see run_dbt)."""
    args, all_vars = split_vars(args)
    all_vars.update(vars or {})
    if as_of:
        all_vars["scorehouse_as_of_date"] = as_of
    problems = var_problems(all_vars, Path(project_dir))
    if problems:
        raise ScorehouseError(
            f"{len(problems)} invalid var(s), nothing was run: " + "; ".join(problems)
        )
    env = {"DBT_PROFILES_DIR": str(project_dir), **os.environ}
    # The date goes by environment, not --vars: a var change costs a full parse.
    date = all_vars.pop("scorehouse_as_of_date", None)
    if date is not None and str(date) != "":
        env[AS_OF_ENV] = str(date)
    # Likewise the backfill's switch (macro scoring_runs); never inherited.
    env.pop(HISTORY_ONLY_ENV, None)
    if history_only:
        env[HISTORY_ONLY_ENV] = "1"
    command = [dbt_executable(), *args]
    if all_vars:
        command += ["--vars", json.dumps(all_vars, sort_keys=True)]
    if db is not None:
        env["SCOREHOUSE_DB"] = warehouse_setting(db, project_dir)
    return command, env


def warehouse_setting(db: str | Path, project_dir: str | Path) -> str:
    """SCOREHOUSE_DB for dbt, which runs in `project_dir`: the warehouse's path relative to
    the project when it lies inside it, else absolute. The profile dbt renders is then the
    same wherever the project lies, and dbt reparses the whole project when its profile
    changes: a copy of the project (the tests', calibrate's) reuses a saved parse."""
    path, project = Path(db).resolve(), Path(project_dir).resolve()
    return path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)


def run_dbt(
    args: list[str],
    *,
    as_of: str | None = None,
    vars: dict | None = None,
    project_dir: str | Path = PROJECT_DIR,
    db: str | Path | None = None,
    log: DbtLog | None = None,
    history_only: bool = False,
) -> int:
    """Run `dbt <args>` in the project folder; returns dbt's exit code.

    `db`, when given, is the DuckDB warehouse file dbt builds (SCOREHOUSE_DB). A `--vars`
    in `args` is merged with `vars` and `as_of` (which take precedence) into one, and the
    vars are checked first (scorehouse.config_vars): a bad one is refused in one line. The
    scoring date (`as_of`, or `scorehouse_as_of_date` in the vars) is passed as
    SCOREHOUSE_AS_OF_DATE. `history_only` scores the current runs only, no backtest and
    no what-if (SCOREHOUSE_HISTORY_ONLY, read by macro scoring_runs).

    With `log`, dbt's output goes to `log.path` (appended) instead of the terminal, and
    `log.last` says what the command did (module docstring)."""
    command, env = dbt_command(
        args, as_of=as_of, vars=vars, project_dir=project_dir, db=db, history_only=history_only
    )
    if log is None:
        if "DBT_USE_COLORS" not in os.environ and not wants_colour():
            env["DBT_USE_COLORS"] = "false"
        return subprocess.call(command, cwd=project_dir, env=env)
    return _run_logged(command, env, Path(project_dir), log, args)


def _run_logged(
    command: list[str], env: dict[str, str], project_dir: Path, log: DbtLog, args: list[str]
) -> int:
    """Run dbt with JSON events on a pipe; write them as text lines to the log file."""
    colour = log.verbose and wants_colour()
    env = {**env, "DBT_LOG_FORMAT": "json"}
    if "DBT_USE_COLORS" not in os.environ or not colour:
        env["DBT_USE_COLORS"] = "true" if colour else "false"
    result = DbtResult(args=list(args))
    log.last = result
    events: list[dict] = []
    raw_tail: deque[str] = deque(maxlen=15)
    start = time.monotonic()
    log.path.parent.mkdir(parents=True, exist_ok=True)
    with open(log.path, "a", encoding="utf-8") as out:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        shown = " ".join(command[1:])
        date = env.get(AS_OF_ENV)
        out.write(f"==== {stamp} UTC  dbt {shown}" + (f"  ({AS_OF_ENV}={date})" if date else ""))
        out.write("\n")
        process = subprocess.Popen(
            command,
            cwd=project_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert process.stdout is not None
        for line in process.stdout:
            event = _event(line)
            if event is None:
                text = line.rstrip("\n")
                raw_tail.append(ANSI.sub("", text))
            else:
                events.append(event)
                info = event["info"]
                text = f"{info.get('ts', '')[11:19]}  {info.get('msg', '')}"
            out.write(ANSI.sub("", text) + "\n")
            if log.verbose:
                print(text if colour else ANSI.sub("", text), flush=True)
        result.code = process.wait()
    result.seconds = time.monotonic() - start
    for event in events:
        name = event["info"].get("name")
        if name == "StatsLine":
            result.stats = dict(event.get("data", {}).get("stats") or {})
        elif name == "LogFreshnessResult":
            result.freshness[event.get("data", {}).get("status", "unknown")] += 1
    if result.code != 0:
        result.failures = failure_lines(events) or list(raw_tail)
    return result.code


def _event(line: str) -> dict | None:
    """One dbt JSON event, or None for a line that is not one (a Python warning, say)."""
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and isinstance(event.get("info"), dict) else None


def failure_lines(events: list[dict]) -> list[str]:
    """The lines that say what failed, from dbt's events: per failing node its error
    (for a model or test, dbt's closing "Failure in ..." block with the message and the
    compiled code's path; for a source, its freshness line), then errors of no node
    (a compilation error before anything ran, say). Capped at MAX_FAILURE_LINES."""
    by_node: dict[str, list[tuple[str, str]]] = {}
    compiled: dict[str, str] = {}
    general: list[str] = []
    for event in events:
        info = event["info"]
        name, msg = info.get("name", ""), ANSI.sub("", info.get("msg") or "")
        node = ((event.get("data") or {}).get("node_info") or {}).get("unique_id")
        if info.get("level") == "error":
            if node:
                by_node.setdefault(node, []).append((name, msg))
            elif msg.strip():
                general.append(msg)
        elif name == "SQLCompiledPath" and node:
            compiled[node] = msg
    lines: list[str] = [line for msg in general for line in msg.splitlines()]
    for node, entries in by_node.items():
        names = {name for name, _ in entries}
        for name, msg in entries:
            if name == "RunResultErrorNoMessage":  # "Status: error": says nothing more
                continue
            if name == "RunResultFailure" and "LogFreshnessResult" in names:
                continue  # the freshness line says more
            progress = name.startswith("Log") and name.endswith("Result")
            if progress and name != "LogFreshnessResult" and "RunResultFailure" in names:
                continue  # the progress line; the closing block says the same, and why
            lines.extend(line.rstrip() for line in msg.splitlines() if line.strip())
        if node in compiled:
            lines.append(compiled[node].rstrip())
    if len(lines) > MAX_FAILURE_LINES:
        more = len(lines) - MAX_FAILURE_LINES + 1
        lines = lines[: MAX_FAILURE_LINES - 1] + [f"... {more} more line(s) in the log"]
    return lines
