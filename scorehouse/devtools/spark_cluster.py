"""A standalone Spark cluster on 127.0.0.1: a master, workers and the Thrift server.

`make test-spark` builds the project through dbt-spark's `thrift` method (the
`spark_thrift` target of profiles.yml) on this cluster, as users run Spark on theirs.
Everything comes from the pinned `pyspark` distribution, which ships the master, the
worker and the Thrift server (`spark-hive-thriftserver`) but not the `sbin/` scripts that
start them, so each is started here through `bin/spark-class` or `bin/spark-submit`.

    python -m scorehouse.devtools.spark_cluster start --dir data/test/spark-cluster
    python -m scorehouse.devtools.spark_cluster stop --dir data/test/spark-cluster

The folder holds the cluster's warehouse, its Derby metastore, each process's log and
their process ids (`cluster.json`). `start` returns once the Thrift server accepts
connections; it stops what it started, and shows the log, when a process fails first.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from scorehouse.errors import ScorehouseError

HOST = "127.0.0.1"
MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"
THRIFT_SERVER = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


def spark_home() -> Path:
    try:
        import pyspark
    except ImportError as exc:
        raise ScorehouseError(
            "pyspark is not installed; run `make setup-dev` (it installs requirements-dev.lock)"
        ) from exc
    return Path(pyspark.__file__).parent


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) == 0


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(errors="replace").splitlines() if path.exists() else []
    return "\n".join(text[-lines:])


def _server_settings(folder: Path, partitions: str) -> dict[str, str]:
    """The Thrift server's Spark settings: those of the `spark` session target, on a
    cluster of one-core executors."""
    return {
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": partitions,
        "spark.ui.enabled": "false",
        # The Thrift server logs each statement's metastore calls at INFO.
        "spark.log.level": "WARN",
        "spark.executor.cores": "1",
        "spark.executor.memory": "1g",
        "spark.driver.memory": "2g",
    }


def start(
    folder: Path,
    *,
    workers: int = 2,
    master_port: int = 7077,
    thrift_port: int = 10000,
    timeout: float = 240,
) -> dict:
    """Start the master, `workers` one-core workers and the Thrift server; return what
    `cluster.json` records (process ids, ports)."""
    folder = folder.resolve()
    for port in (master_port, thrift_port):
        if _port_open(port):
            raise ScorehouseError(
                f"port {port} of {HOST} is in use: stop what listens there, or choose "
                "another port (--master-port, --thrift-port)"
            )
    home = spark_home()
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": HOST,
        "SPARK_DAEMON_MEMORY": "512m",
        # No REST submission server: nothing here submits through it.
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
    }
    master_url = f"spark://{HOST}:{master_port}"
    commands = {
        "master": [
            str(home / "bin" / "spark-class"), MASTER, "--host", HOST,
            "--port", str(master_port), "--webui-port", "0",
        ],
        **{
            f"worker-{n}": [
                str(home / "bin" / "spark-class"), WORKER, "--host", HOST, "--cores", "1",
                "--memory", "2g", "--webui-port", "0", "--work-dir",
                str(folder / f"worker-{n}"), master_url,
            ]
            for n in range(1, workers + 1)
        },
        "thrift-server": [
            str(home / "bin" / "spark-submit"), "--class", THRIFT_SERVER,
            "--name", "scorehouse-thrift-server", "--master", master_url,
            *[
                argument
                for key, value in _server_settings(
                    folder, os.environ.get("SCOREHOUSE_SPARK_PARTITIONS", "4")
                ).items()
                for argument in ("--conf", f"{key}={value}")
            ],
            "--hiveconf", f"hive.server2.thrift.port={thrift_port}",
            "--hiveconf", f"hive.server2.thrift.bind.host={HOST}",
            "spark-internal",
        ],
    }  # fmt: skip
    # What each process must do before the next starts: the master listens, the Thrift
    # server listens (the workers register on their own, before any query needs them).
    ready = {"master": master_port, "thrift-server": thrift_port}
    started: dict[str, int] = {}
    state = {"master_url": master_url, "thrift_port": thrift_port, "pids": started}
    try:
        for name, command in commands.items():
            with open(logs / f"{name}.log", "w") as log:
                process = subprocess.Popen(
                    command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip
            started[name] = process.pid
            (folder / "cluster.json").write_text(json.dumps(state, indent=2))
            if name in ready:
                _wait(process, name, ready[name], logs / f"{name}.log", timeout)
    except BaseException:
        stop(folder)
        raise
    return state


def _wait(process: subprocess.Popen, name: str, port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _port_open(port):
        if process.poll() is not None:
            raise ScorehouseError(
                f"the Spark {name} exited ({process.returncode}) before listening on "
                f"port {port}; its log ({log}) ends:\n{_tail(log)}"
            )
        if time.monotonic() > deadline:
            raise ScorehouseError(
                f"the Spark {name} did not listen on port {port} within {timeout:.0f} s; "
                f"its log ({log}) ends:\n{_tail(log)}"
            )
        time.sleep(1)


def stop(folder: Path, grace: float = 20) -> list[str]:
    """Stop every process `cluster.json` records (their process groups: spark-class's
    JVM and its children); return their names."""
    state_file = folder.resolve() / "cluster.json"
    if not state_file.exists():
        return []
    pids: dict[str, int] = json.loads(state_file.read_text())["pids"]
    # The Thrift server first, so that its executors leave before their workers.
    order = sorted(pids, key=lambda name: (name != "thrift-server", name == "master"))
    for name in order:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pids[name], signal.SIGTERM)
    deadline = time.monotonic() + grace
    for name in order:
        while _alive(pids[name]) and time.monotonic() < deadline:
            time.sleep(0.5)
        if _alive(pids[name]):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pids[name], signal.SIGKILL)
    state_file.unlink()
    return order


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scorehouse.devtools.spark_cluster")
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", type=Path, required=True, help="the cluster's folder")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--master-port", type=int, default=7077)
    parser.add_argument("--thrift-port", type=int, default=10000)
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            started = time.monotonic()
            state = start(
                args.dir,
                workers=args.workers,
                master_port=args.master_port,
                thrift_port=args.thrift_port,
            )
            print(
                f"Spark cluster up in {time.monotonic() - started:.0f} s: master "
                f"{state['master_url']}, {args.workers} worker(s), Thrift server on "
                f"{HOST}:{state['thrift_port']}; logs in {args.dir / 'logs'}"
            )
        else:
            stopped = stop(args.dir)
            print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")
    except ScorehouseError as exc:
        print(f"spark_cluster: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
