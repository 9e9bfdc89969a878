"""The engines a user would pick instead of DuckDB, for the benchmark: a throw-away
PostgreSQL cluster (as `make test-postgres` uses it, .ci/test-postgres), a local Spark
session, and a standalone Spark cluster built through its Thrift server (as
`make test-spark` uses it, .ci/test-spark), here as environments for
`scorehouse copy-raw` and `dbt build`."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

PEERS = ("postgres", "spark", "spark_thrift")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[dict[str, str]]:
    """A PostgreSQL cluster in `folder` on 127.0.0.1 and a free port, with the database
    and role the project's `postgres` target uses; stopped on exit."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install -y postgresql)")
    bin_dir = Path(found[-1]).parent
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # initdb refuses to run as root: the cluster then belongs to the postgres user.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if as_owner:
        shutil.chown(folder, "postgres")
    port = _free_port()
    data = folder / "data"
    with (folder / "initdb.log").open("w") as log:
        subprocess.run(
            [*as_owner, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder}"
    subprocess.run(
        [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")]
        + ["-w", "-o", options, "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
            + ["-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
            + ["-c", "create role scorehouse login", "-c", "create role bi_reader login"]
            + ["-c", "create database scorehouse owner scorehouse"],
            check=True,
        )
        yield {
            "SCOREHOUSE_TARGET": "postgres",
            "SCOREHOUSE_PG_HOST": "127.0.0.1",
            "SCOREHOUSE_PG_PORT": str(port),
            "SCOREHOUSE_PG_USER": "scorehouse",
            "SCOREHOUSE_PG_PASSWORD": "",
            "SCOREHOUSE_PG_DBNAME": "scorehouse",
            "SCOREHOUSE_PG_REQUIRED": "1",
        }
    finally:
        subprocess.run(
            [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )


@contextlib.contextmanager
def spark(folder: Path) -> Iterator[dict[str, str]]:
    """A local Spark session's warehouse and metastore in `folder` (needs Java 17)."""
    if shutil.which("java") is None:
        raise SystemExit("Spark needs Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    yield {"SCOREHOUSE_TARGET": "spark", "SCOREHOUSE_SPARK_DIR": str(folder)}


@contextlib.contextmanager
def spark_thrift(folder: Path) -> Iterator[dict[str, str]]:
    """A standalone Spark cluster in `folder` (a master, two one-core workers, the Thrift
    server) on free ports of 127.0.0.1; stopped on exit."""
    from scorehouse.devtools import spark_cluster

    if shutil.which("java") is None:
        raise SystemExit("Spark needs Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    state = spark_cluster.start(folder, master_port=_free_port(), thrift_port=_free_port())
    try:
        yield {
            "SCOREHOUSE_TARGET": "spark_thrift",
            "SCOREHOUSE_SPARK_DIR": str(folder),
            "SCOREHOUSE_SPARK_HOST": spark_cluster.HOST,
            "SCOREHOUSE_SPARK_PORT": str(state["thrift_port"]),
        }
    finally:
        spark_cluster.stop(folder)


def environment(engine: str, folder: Path):
    """The context manager that provides `engine` in `folder`."""
    if engine == "postgres":
        return postgres(folder)
    if engine == "spark":
        return spark(folder)
    if engine == "spark_thrift":
        return spark_thrift(folder)
    raise SystemExit(f"unknown peer engine {engine!r}; expected one of {', '.join(PEERS)}")
