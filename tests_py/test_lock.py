"""One run at a time: the warehouse's lock refuses a second command at once with one line,
`--wait` waits for it, and a killed holder leaves no stale lock. The holder is a child
Python process that takes the lock (or opens the warehouse with DuckDB) and sleeps."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scorehouse import cli
from scorehouse.contract import PROJECT_DIR
from scorehouse.lock import lock_path, read_holder, warehouse_lock
from tests_py.conftest import write_raw

HOLDER = """
import sys, time
from scorehouse.lock import warehouse_lock
with warehouse_lock(sys.argv[1], "scorehouse run --as-of 2026-11-01"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""

DUCKDB_HOLDER = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def busy_line(db: Path, pid: int, prefix: str = "scorehouse: error: ") -> re.Pattern:
    """The line of a run refused while the child `pid` holds the lock of `db`."""
    return re.compile(
        rf"{re.escape(prefix)}another run \(pid {pid}, started at "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\) holds this warehouse "
        rf"\({re.escape(str(db))}\): scorehouse run --as-of 2026-11-01; "
    )


@pytest.fixture
def hold():
    """Start a child that holds a warehouse (the lock, or DuckDB's own) for `seconds`."""
    children = []

    def start(db: Path, seconds: float = 60, script: str = HOLDER) -> subprocess.Popen:
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(db), str(seconds)],
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        assert child.stdout.readline() == "held\n"
        return child

    yield start
    for child in children:
        child.kill()
        child.wait()
        child.stdout.close()


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Path:
    """A warehouse loaded from an empty export; `build` uses it too (SCOREHOUSE_DB)."""
    db = tmp_path / "warehouse.duckdb"
    write_raw(tmp_path / "raw", {})
    assert cli.main(["load", "--input-dir", str(tmp_path / "raw"), "--db", str(db)]) == 0
    monkeypatch.setenv("SCOREHOUSE_DB", str(db))
    # Nothing here may get as far as dbt.
    monkeypatch.setattr("scorehouse.dbt.subprocess.call", lambda *a, **kw: pytest.fail("dbt ran"))
    return db


def commands(tmp_path: Path, db: Path) -> dict[str, list[str]]:
    raw, out = str(tmp_path / "raw"), str(tmp_path / "out")
    return {
        "load": ["load", "--input-dir", raw, "--db", str(db)],
        "load --append": ["load", "--append", "--input-dir", raw, "--db", str(db)],
        "build": ["build", "--as-of", "2026-11-01"],
        "run": ["run", "--as-of", "2026-11-01", "--db", str(db)],
        "backfill": ["backfill", "--from", "2026-11-01", "--to", "2026-11-01", "--db", str(db)],
        "validate": ["validate", "--db", str(db)],
        "demo": ["demo", "--out", out, "--db", str(db), "--published-db", out + "/p.duckdb"],
        "publish": ["publish", "--db", str(db), "--published-db", out + "/p.duckdb"],
        "check": ["check", "--db", str(db), "--docs-dir", out],
        "summary": ["summary", "--db", str(db)],
        "evaluate": ["evaluate", "--db", str(db), "--truth-dir", out],
        "copy-raw": ["copy-raw", "--to", "postgres", "--db", str(db)],
        "crosscheck": ["crosscheck", "--with", "postgres", "--db", str(db)],
    }


def test_every_command_on_a_held_warehouse_is_refused_at_once(tmp_path, warehouse, hold, capsys):
    child = hold(warehouse)
    capsys.readouterr()
    for name, argv in commands(tmp_path, warehouse).items():
        start = time.monotonic()
        assert cli.main(argv) == 2, name
        assert time.monotonic() - start < 1.5, f"{name} did not stop at once"
        out, err = capsys.readouterr()
        assert busy_line(warehouse, child.pid).match(err), f"{name}: {err}"
        assert err.count("\n") == 1, f"{name}: one line, got {err}"
        assert "pass --wait to wait for it" in err
        assert not out, f"{name} did something: {out}"
    assert not (tmp_path / "out").exists(), "demo generated data while refused"


def test_the_first_load_of_a_new_warehouse_is_refused_too(tmp_path, hold, capsys):
    db = tmp_path / "new" / "warehouse.duckdb"
    write_raw(tmp_path / "raw", {})
    child = hold(db)
    assert cli.main(["load", "--input-dir", str(tmp_path / "raw"), "--db", str(db)]) == 2
    assert busy_line(db, child.pid).match(capsys.readouterr().err)
    assert not db.exists()


def test_wait_waits_until_the_holder_ends(tmp_path, warehouse, hold, capsys):
    child = hold(warehouse, seconds=1.5)
    start = time.monotonic()
    argv = commands(tmp_path, warehouse)["load --append"]
    assert cli.main([*argv, "--wait"]) == 0
    assert time.monotonic() - start > 0.5, "it did not wait"
    assert child.wait(timeout=5) == 0, "the holder was not left to finish"
    out, err = capsys.readouterr()
    assert err.count("waiting for another run") == 1, err
    assert f"waiting for another run (pid {child.pid}, started at " in err
    assert "accounts" in out, "the load ran once the lock was free"


def test_wait_gives_up_after_its_seconds_with_the_same_line(tmp_path, warehouse, hold, capsys):
    child = hold(warehouse)
    capsys.readouterr()
    start = time.monotonic()
    assert cli.main(["summary", "--db", str(warehouse), "--wait", "0.6"]) == 2
    assert 0.5 < time.monotonic() - start < 3
    err = capsys.readouterr().err
    waiting, refused = err.splitlines()
    assert waiting.startswith(f"scorehouse: waiting for another run (pid {child.pid}, ")
    assert waiting.endswith("(at most 0.6s)")
    assert busy_line(warehouse, child.pid).match(refused)
    assert "gave up after waiting 0.6s" in refused


def test_a_killed_holder_leaves_no_stale_lock(tmp_path, warehouse, hold, capsys):
    child = hold(warehouse)
    assert read_holder(warehouse).pid == child.pid
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert lock_path(warehouse).exists(), "the file stays; the lock went with the process"
    start = time.monotonic()
    assert cli.main(commands(tmp_path, warehouse)["load"]) == 0
    assert time.monotonic() - start < 5
    assert "another run" not in capsys.readouterr().err
    assert lock_path(warehouse).read_text() == "", "emptied when released"


def test_the_holder_is_written_into_the_lock_file(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with warehouse_lock(db, "scorehouse load --append"):
        holder = read_holder(db)
        assert (holder.pid, holder.command) == (os.getpid(), "scorehouse load --append")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", holder.started_at)
    assert read_holder(db) is None


DBT_STANDIN = """
import fcntl, os, sys
lock = sys.argv[1]
with open(lock) as handle:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        sys.exit("the lock was free while dbt ran")
    except BlockingIOError:
        pass
for fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{fd}") == lock:
            sys.exit("dbt inherited the lock")
    except FileNotFoundError:
        pass  # the listing's own descriptor, closed by now
"""


def test_dbt_runs_under_the_lock_of_scorehouse_and_does_not_inherit_it(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SCOREHOUSE_DB", str(db))
    lock = str(lock_path(db).resolve())

    def dbt(command, **kwargs):
        standin = subprocess.run([sys.executable, "-c", DBT_STANDIN, lock], **kwargs)
        return standin.returncode

    monkeypatch.setattr("scorehouse.dbt.subprocess.call", dbt)
    assert cli.main(["build", "--as-of", "2026-11-01"]) == 0


def test_a_warehouse_open_outside_the_lock_is_one_line_too(tmp_path, warehouse, hold, capsys):
    child = hold(warehouse, script=DUCKDB_HOLDER)
    capsys.readouterr()
    assert cli.main(["summary", "--db", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"scorehouse: error: another process (pid {child.pid}) has this warehouse open "
        f"({warehouse}) outside Scorehouse's lock"
    ), err
    assert err.count("\n") == 1


def test_a_bad_wait_is_refused(capsys):
    with pytest.raises(SystemExit):
        cli.main(["summary", "--wait", "soon"])
    assert "--wait takes a number of seconds, got 'soon'" in capsys.readouterr().err


def test_dagster_waits_for_the_lock_then_fails_with_the_line(tmp_path, hold, monkeypatch):
    from dagster import materialize

    from scorehouse import orchestration

    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SCOREHOUSE_DB", str(db))
    monkeypatch.setattr(orchestration, "LOCK_WAIT_SECONDS", 0.3)
    child = hold(db)
    result = materialize(
        [orchestration.scorehouse_dbt_assets],
        resources={"dbt": orchestration.defs.resources["dbt"]},
        partition_key="2026-10-31",
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    message = failure.step_failure_data.error.cause.message
    assert busy_line(db, child.pid, "scorehouse.lock.WarehouseBusy: ").match(message), message
    assert "gave up after waiting 0.3s" in message
