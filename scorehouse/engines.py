"""Copy the validated raw schema from the DuckDB warehouse into PostgreSQL or Spark.

`scorehouse load` validates the raw files and writes them into DuckDB. To build the
project on another engine, `scorehouse copy-raw --to postgres|spark` copies those raw
tables as they are: every contract column as text, plus the lineage columns
`_loaded_at` (timestamp), `_source_file` (text), `_source_row` and `_load_id`
(bigint). Each table is replaced whole.

- PostgreSQL: `COPY ... FROM STDIN` through psycopg2, all tables in one transaction, each
  analyzed once copied. The connection comes from the same environment variables as the
  `postgres` target of `profiles.yml` (`SCOREHOUSE_PG_HOST`, `_PORT`, `_USER`,
  `_PASSWORD`, `_DBNAME`).
- Spark: DuckDB writes each table to Parquet, and a local SparkSession saves it as a
  table, with the warehouse folder and Derby metastore of the `spark` target
  (`SCOREHOUSE_SPARK_DIR`), so that dbt's session sees the same tables.
- Spark through a Thrift server (`spark_thrift`, a cluster): DuckDB writes each table to
  Parquet in `SCOREHOUSE_SPARK_DIR/copy-raw`, a folder the cluster must read at the same
  path, and `create table ... as select` through the Thrift server (`SCOREHOUSE_SPARK_HOST`,
  `_PORT`, `_USER`, as the target) makes it a table.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from scorehouse.contract import PROJECT_DIR, Table, load_contract
from scorehouse.errors import ScorehouseError

# The other engines, named as the targets of profiles.yml that build on them.
ENGINES = ("postgres", "spark", "spark_thrift")

# Types of the lineage columns the loader adds; every contract column is text.
LINEAGE_TYPES = {
    "_loaded_at": "timestamp",
    "_source_file": "text",
    "_source_row": "bigint",
    "_load_id": "bigint",
}
SPARK_TYPES = {"timestamp": "timestamp", "text": "string", "bigint": "bigint"}


@dataclass(frozen=True)
class CopiedTable:
    table: str
    rows: int


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(table: Table) -> list[tuple[str, str]]:
    """(name, logical storage type) of a raw table, in the loader's column order."""
    return [(name, "text") for name in table.column_names] + list(LINEAGE_TYPES.items())


def _open_duckdb(db_path: Path, raw_schema: str, contract: dict[str, Table]):
    # Imported here: the CLI reads ENGINES from this module at start-up, for every command.
    import duckdb

    if not db_path.exists():
        raise ScorehouseError(
            f"{db_path}: no DuckDB warehouse; run `scorehouse load` first (or set SCOREHOUSE_DB)"
        )
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise ScorehouseError(f"{db_path}: cannot be opened ({exc})") from exc
    found = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [raw_schema],
        ).fetchall()
    }
    missing = [name for name in contract if name not in found]
    if missing:
        con.close()
        raise ScorehouseError(
            f"{db_path}: schema {raw_schema!r} has no table(s) {', '.join(missing)}; "
            "run `scorehouse load` first"
        )
    return con


def _select(table: Table, raw_schema: str) -> str:
    columns = ", ".join(_quote(name) for name, _ in _columns(table))
    return f"select {columns} from {_quote(raw_schema)}.{_quote(table.name)}"


def _port(variable: str, default: str) -> int:
    port = os.environ.get(variable, default)
    if not port.isdigit():
        raise ScorehouseError(f"{variable} must be a port number, got {port!r}")
    return int(port)


def postgres_settings() -> dict[str, str | int]:
    """psycopg2 connection arguments from the environment (as in profiles.yml)."""
    return {
        "host": os.environ.get("SCOREHOUSE_PG_HOST", "127.0.0.1"),
        "port": _port("SCOREHOUSE_PG_PORT", "5432"),
        "user": os.environ.get("SCOREHOUSE_PG_USER", "scorehouse"),
        "password": os.environ.get("SCOREHOUSE_PG_PASSWORD", ""),
        "dbname": os.environ.get("SCOREHOUSE_PG_DBNAME", "scorehouse"),
    }


def connect_postgres(**overrides):
    """A psycopg2 connection, or a ScorehouseError that says where it tried."""
    try:
        import psycopg2
    except ImportError as exc:
        raise ScorehouseError(
            "psycopg2 is not installed; run `make setup-dev` (it installs requirements-dev.lock)"
        ) from exc

    settings = {**postgres_settings(), **overrides}
    try:
        return psycopg2.connect(connect_timeout=10, **settings)
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "no reason given"
        raise ScorehouseError(
            f"cannot connect to PostgreSQL as {settings['user']!r} at "
            f"{settings['host']}:{settings['port']}/{settings['dbname']} ({reason}); "
            "set SCOREHOUSE_PG_HOST, SCOREHOUSE_PG_PORT, SCOREHOUSE_PG_USER, "
            "SCOREHOUSE_PG_PASSWORD and SCOREHOUSE_PG_DBNAME"
        ) from exc


def copy_to_postgres(
    db_path: Path, *, raw_schema: str = "raw", contract: dict[str, Table] | None = None
) -> list[CopiedTable]:
    """Replace the raw tables in PostgreSQL with those of the DuckDB warehouse."""
    contract = contract or load_contract()
    copied = []
    # psycopg2's connection as a context commits (or rolls back) without closing: closing does.
    with (
        _open_duckdb(db_path, raw_schema, contract) as con,
        closing(connect_postgres()) as pg,
        tempfile.TemporaryDirectory(prefix="scorehouse-copy-") as tmp,
        pg,
        pg.cursor() as cur,
    ):
        cur.execute(f"create schema if not exists {_quote(raw_schema)}")
        for table in contract.values():
            target = f"{_quote(raw_schema)}.{_quote(table.name)}"
            columns = ", ".join(f"{_quote(n)} {t}" for n, t in _columns(table))
            cur.execute(f"drop table if exists {target}")
            cur.execute(f"create table {target} ({columns})")
            # DuckDB's CSV writes null as an empty field and an empty string as "",
            # which is exactly how PostgreSQL's CSV format reads them back.
            path = Path(tmp) / f"{table.name}.csv"
            con.execute(
                f"copy ({_select(table, raw_schema)}) to '{path}' "
                "(format csv, header false, timestampformat '%Y-%m-%d %H:%M:%S.%f')"
            )
            with open(path, encoding="utf-8") as handle:
                cur.copy_expert(f"copy {target} from stdin with (format csv)", handle)
            # Statistics now: the build that follows plans its base models with them,
            # rather than with guesses until autovacuum comes round.
            cur.execute(f"analyze {target}")
            cur.execute(f"select count(*) from {target}")
            copied.append(CopiedTable(table.name, cur.fetchone()[0]))
    return copied


def spark_dir() -> Path:
    """The folder holding the Spark warehouse and metastore (as in profiles.yml)."""
    folder = Path(os.environ.get("SCOREHOUSE_SPARK_DIR", "data/spark"))
    return folder if folder.is_absolute() else PROJECT_DIR / folder


def spark_session():
    """A local SparkSession on the same warehouse and metastore as dbt's `spark` target."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ScorehouseError(
            "pyspark is not installed; run `make setup-dev` (it installs requirements-dev.lock)"
        ) from exc
    folder = spark_dir().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.master("local[*]").appName("scorehouse-copy-raw")
    for key, value in spark_settings(folder).items():
        builder = builder.config(key, value)
    spark = builder.enableHiveSupport().getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_settings(folder: Path) -> dict[str, str]:
    """Session settings shared with `profiles.yml` (server_side_parameters)."""
    return {
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={folder / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": os.environ.get("SCOREHOUSE_SPARK_PARTITIONS", "4"),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }


def _spark_parquet(con, table: Table, raw_schema: str, staging: Path) -> Path:
    """One raw table of DuckDB written as Parquet into `staging`, for Spark to read. The
    timestamp goes as text: Spark reads a DuckDB timestamp as timestamp_ntz, and the
    readers' cast gives Spark's own timestamp type."""
    path = staging / f"{table.name}.parquet"
    con.execute(
        f"copy (select * replace (strftime(_loaded_at, '%Y-%m-%d %H:%M:%S.%f') "
        f"as _loaded_at) from ({_select(table, raw_schema)})) to '{path}' (format parquet)"
    )
    return path


def copy_to_spark(
    db_path: Path, *, raw_schema: str = "raw", contract: dict[str, Table] | None = None
) -> list[CopiedTable]:
    """Replace the raw tables in the local Spark metastore with those of DuckDB."""
    contract = contract or load_contract()
    copied = []
    with _open_duckdb(db_path, raw_schema, contract) as con:
        spark = spark_session()
        try:
            staging = spark_dir().resolve() / "copy-raw"
            staging.mkdir(parents=True, exist_ok=True)
            spark.sql(f"create database if not exists `{raw_schema}`")
            for table in contract.values():
                path = _spark_parquet(con, table, raw_schema, staging)
                frame = spark.read.parquet(str(path))
                frame = frame.select(
                    *[
                        frame[name].cast(SPARK_TYPES.get(kind, "string")).alias(name)
                        for name, kind in _columns(table)
                    ]
                )
                frame.write.mode("overwrite").format("parquet").saveAsTable(
                    f"`{raw_schema}`.`{table.name}`"
                )
                rows = spark.sql(f"select count(*) from `{raw_schema}`.`{table.name}`").collect()
                copied.append(CopiedTable(table.name, rows[0][0]))
        finally:
            spark.stop()
    return copied


def spark_thrift_settings() -> dict[str, str | int]:
    """The Thrift server of the `spark_thrift` target of profiles.yml."""
    return {
        "host": os.environ.get("SCOREHOUSE_SPARK_HOST", "127.0.0.1"),
        "port": _port("SCOREHOUSE_SPARK_PORT", "10000"),
        "username": os.environ.get("SCOREHOUSE_SPARK_USER", "scorehouse"),
    }


def connect_spark_thrift():
    """A PyHive connection to the Spark Thrift server, or a ScorehouseError that says where
    it tried."""
    try:
        from pyhive import hive
    except ImportError as exc:
        raise ScorehouseError(
            "PyHive is not installed; run `make setup-dev` (it installs requirements-dev.lock)"
        ) from exc
    settings = spark_thrift_settings()
    try:
        # In UTC, as dbt's sessions (profiles.yml): timestamps are read and written as UTC.
        return hive.connect(
            auth="NONE", configuration={"spark.sql.session.timeZone": "UTC"}, **settings
        )
    except Exception as exc:  # thrift raises its own transport errors, not OSError
        raise ScorehouseError(
            f"cannot connect to the Spark Thrift server as {settings['username']!r} at "
            f"{settings['host']}:{settings['port']} ({exc}); start it, or set "
            "SCOREHOUSE_SPARK_HOST, SCOREHOUSE_SPARK_PORT and SCOREHOUSE_SPARK_USER"
        ) from exc


def copy_to_spark_thrift(
    db_path: Path, *, raw_schema: str = "raw", contract: dict[str, Table] | None = None
) -> list[CopiedTable]:
    """Replace the raw tables behind the Spark Thrift server with those of DuckDB."""
    contract = contract or load_contract()
    copied = []
    with (
        _open_duckdb(db_path, raw_schema, contract) as con,
        closing(connect_spark_thrift()) as spark,
    ):
        cursor = spark.cursor()
        staging = spark_dir().resolve() / "copy-raw"
        staging.mkdir(parents=True, exist_ok=True)
        cursor.execute(f"create database if not exists `{raw_schema}`")
        for table in contract.values():
            path = _spark_parquet(con, table, raw_schema, staging)
            columns = ", ".join(
                f"cast(`{name}` as {SPARK_TYPES.get(kind, 'string')}) as `{name}`"
                for name, kind in _columns(table)
            )
            target = f"`{raw_schema}`.`{table.name}`"
            cursor.execute(f"drop table if exists {target}")
            cursor.execute(
                f"create table {target} using parquet as select {columns} from parquet.`{path}`"
            )
            cursor.execute(f"select count(*) from {target}")
            copied.append(CopiedTable(table.name, cursor.fetchone()[0]))
    return copied


def copy_raw(engine: str, db_path: Path, *, raw_schema: str = "raw") -> list[CopiedTable]:
    """Copy the raw schema of the DuckDB warehouse `db_path` into `engine`."""
    if engine == "postgres":
        return copy_to_postgres(db_path, raw_schema=raw_schema)
    if engine == "spark":
        return copy_to_spark(db_path, raw_schema=raw_schema)
    if engine == "spark_thrift":
        return copy_to_spark_thrift(db_path, raw_schema=raw_schema)
    raise ScorehouseError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
