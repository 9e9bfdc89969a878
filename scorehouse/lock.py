"""One run at a time on a DuckDB warehouse: a lock file beside it, `<warehouse>.lock`.

DuckDB lets one process open a file to write it, or several to only read it, and refuses
any other with an IO error from deep inside whatever opened it: dbt then reports a failed
build (and `scorehouse run` blames stale data), the loader a stack trace. So every
`scorehouse` command that uses the warehouse takes this lock first and holds it until it
ends (scorehouse/cli.py lists them); another one is refused at once with one line that
names the holder, or waits for it with `--wait [SECONDS]`.

- The lock is the operating system's (fcntl.flock, exclusive) on the open lock file. It
  ends with the process that holds it, however that process ends: a killed run never
  leaves a stale lock. The file stays when the lock is released (emptied); deleting it
  would let two processes each lock a different file of the same name.
- The holder writes its pid, command and start time (UTC) into the file, for the message
  of whoever it refuses.
- The lock belongs to the process that took it. Python opens files non-inheritable, so
  the subprocesses it starts (dbt, for `scorehouse build`) do not take the lock with
  them: they run under their parent's lock, which ends with the parent.
- Commands that only read the warehouse take the same exclusive lock as those that
  write it: a reader's open file also stops a writer, and one holder at a time is what
  lets the message name it. Readers are short; `--wait` queues them behind each other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scorehouse.errors import ScorehouseError

# How often a run that waits for the lock tries again.
POLL_SECONDS = 0.2
# A holder writes its details just after it takes the lock: a refused run gives it this
# long to do so before it reports the holder as unknown.
DETAILS_SECONDS = 1.0


def lock_path(warehouse: Path) -> Path:
    """The lock file of a warehouse: beside it, `<warehouse>.lock`."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


@dataclass(frozen=True)
class Holder:
    """Who holds a warehouse's lock, as written into its lock file."""

    pid: int | str
    command: str
    started_at: str


UNKNOWN_HOLDER = Holder("unknown", "an unknown command", "an unknown time")


def read_holder(warehouse: Path) -> Holder | None:
    """The holder written in the lock file of `warehouse`; None if there is none."""
    try:
        details = json.loads(lock_path(warehouse).read_text())
        return Holder(int(details["pid"]), str(details["command"]), str(details["started_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def busy_message(warehouse: Path, holder: Holder, waited: float | None = None) -> str:
    """The one line of a refused run; `waited`: the seconds it waited before it gave up."""
    line = (
        f"another run (pid {holder.pid}, started at {holder.started_at}) holds this warehouse "
        f"({warehouse}): {holder.command}"
    )
    if waited is None:
        return (
            f"{line}; wait for it to end, or pass --wait to wait for it "
            "(--wait SECONDS to give up after SECONDS)"
        )
    return (
        f"{line}; gave up after waiting {waited:g}s: wait for it to end, or pass a longer "
        "--wait (--wait alone waits without a limit)"
    )


class WarehouseBusy(ScorehouseError):
    """Another run holds the warehouse's lock."""

    def __init__(self, warehouse: Path, holder: Holder, waited: float | None = None):
        super().__init__(busy_message(warehouse, holder, waited))
        self.warehouse, self.holder, self.waited = warehouse, holder, waited


def _say(message: str) -> None:
    print(f"scorehouse: {message}", file=sys.stderr, flush=True)


def _acquire(fd: int, warehouse: Path, wait: float | None, on_wait: Callable[[str], None]) -> None:
    """Take the lock on `fd`, or raise WarehouseBusy: at once if `wait` is None, else
    after `wait` seconds. Tells `on_wait` once that it waits."""
    start = time.monotonic()
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - start
        holder = read_holder(warehouse)
        if holder is None and waited < DETAILS_SECONDS:
            # The holder has just taken the lock and not yet written who it is (or has
            # just released it): look again in a moment.
            time.sleep(0.05)
            continue
        holder = holder or UNKNOWN_HOLDER
        if wait is None:
            raise WarehouseBusy(warehouse, holder)
        if waited >= wait:
            raise WarehouseBusy(warehouse, holder, waited=wait)
        if not told:
            limit = "" if math.isinf(wait) else f" (at most {wait:g}s)"
            on_wait(
                f"waiting for another run (pid {holder.pid}, started at {holder.started_at}) "
                f"to release this warehouse ({warehouse}): {holder.command}{limit}"
            )
            told = True
        time.sleep(min(POLL_SECONDS, wait - waited))


@contextlib.contextmanager
def warehouse_lock(
    warehouse: Path,
    command: str,
    *,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the lock of `warehouse` for the duration of the `with` block.

    If another run holds it: with `wait` None, raise WarehouseBusy at once; else wait
    for it at most `wait` seconds (math.inf: without a limit), saying so once through
    `on_wait` (default: a line on stderr), then raise WarehouseBusy. `command` is what
    the message of a run refused meanwhile names, e.g. `scorehouse run --as-of ...`."""
    warehouse = Path(warehouse)
    path = lock_path(warehouse)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise ScorehouseError(f"{path}: cannot open the warehouse's lock file ({exc})") from exc
    try:
        _acquire(fd, warehouse, wait, on_wait or _say)
        started_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        details = {"pid": os.getpid(), "command": command, "started_at": started_at}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(details) + "\n").encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # no one holds it any more
    finally:
        os.close(fd)  # releases the lock


def duckdb_lock_message(exc: BaseException) -> str | None:
    """DuckDB's own lock error as one line: a process outside Scorehouse's lock has the
    warehouse open (a DuckDB shell, a notebook, dbt run by hand, or a dbt left running by
    a killed `scorehouse build`). None for any other error."""
    import duckdb

    if not isinstance(exc, duckdb.IOException):
        return None
    text = str(exc)
    file = re.search(r'Could not set lock on file "([^"]*)"', text)
    if file is None:
        return None
    pid = re.search(r"\(PID (\d+)\)", text)
    who = f"another process (pid {pid.group(1)})" if pid else "another process"
    return (
        f"{who} has this warehouse open ({file.group(1)}) outside Scorehouse's lock, e.g. a "
        "DuckDB shell, a notebook or dbt run by hand; close it or let it end, then run again"
    )
