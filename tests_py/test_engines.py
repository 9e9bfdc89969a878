"""Copying raw data to other engines, and the cross-engine comparison of the marts."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from scorehouse.devtools import spark_cluster
from scorehouse.devtools.crosscheck import Mart, compare_marts, mart_keys
from scorehouse.engines import copy_raw
from scorehouse.errors import ScorehouseError
from scorehouse.publish import BI_MARTS
from tests_py.conftest import free_port

KEYS = {"lead_scores": ["contact_id", "model_id"]}
COLUMNS = ["contact_id", "model_id", "lead_grade", "total_score", "is_mql", "scored_as_of"]
DAY = dt.date(2026, 11, 1)


def marts(*rows: tuple) -> dict[str, Mart]:
    return {"lead_scores": Mart(list(COLUMNS), list(rows))}


REFERENCE = marts(
    ("C1", "acquisition", "A1", 80.123456, True, DAY),
    ("C2", "acquisition", "D4", 0.0, False, DAY),
)


def test_equal_marts_and_tiny_float_noise_pass():
    other = marts(
        ("C2", "acquisition", "D4", 0.0, False, DAY),
        ("C1", "acquisition", "A1", 80.123456 + 1e-12, True, DAY),
    )
    assert compare_marts(REFERENCE, other, KEYS) == []


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (("C1", "acquisition", "A1", 80.123457, True, DAY), "total_score is 80.123456"),
        (("C1", "acquisition", "A2", 80.123456, True, DAY), "lead_grade is 'A1'"),
        (("C1", "acquisition", "A1", 80.123456, False, DAY), "is_mql is True"),
        (("C1", "acquisition", "A1", None, True, DAY), "total_score is 80.123456"),
        (("C9", "acquisition", "A1", 80.123456, True, DAY), "key(s) only on"),
    ],
)
def test_a_difference_is_reported(changed, expected):
    other = marts(changed, ("C2", "acquisition", "D4", 0.0, False, DAY))
    problems = compare_marts(REFERENCE, other, KEYS, names=("duckdb", "spark"))
    assert problems and expected in "\n".join(problems)


def test_missing_rows_repeated_keys_and_columns_are_reported():
    repeated = marts(*REFERENCE["lead_scores"].rows, REFERENCE["lead_scores"].rows[0])
    assert "repeats a key" in "\n".join(compare_marts(REFERENCE, repeated, KEYS))
    fewer = marts(REFERENCE["lead_scores"].rows[0])
    assert "only on reference" in "\n".join(compare_marts(REFERENCE, fewer, KEYS))
    renamed = {"lead_scores": Mart(COLUMNS[:-1] + ["as_of"], REFERENCE["lead_scores"].rows)}
    assert "columns differ" in "\n".join(compare_marts(REFERENCE, renamed, KEYS))
    assert "missing on other" in "\n".join(compare_marts(REFERENCE, {}, KEYS))


def test_every_published_mart_has_a_key():
    keys = mart_keys()
    assert list(keys) == list(BI_MARTS)
    assert keys["lead_scores"] == ["contact_id", "model_id"]


def test_copy_raw_needs_a_loaded_warehouse(tmp_path):
    with pytest.raises(ScorehouseError, match="no DuckDB warehouse; run `scorehouse load` first"):
        copy_raw("postgres", tmp_path / "missing.duckdb")


def _raw_schema(db) -> None:
    """An empty raw schema of the contract's tables, as `scorehouse load` writes it."""
    import duckdb

    from scorehouse.contract import load_contract

    con = duckdb.connect(str(db))
    con.execute("create schema raw")
    for table in load_contract().values():
        columns = ", ".join(f'"{c}" varchar' for c in table.column_names)
        con.execute(
            f'create table raw."{table.name}" ({columns}, _loaded_at timestamp, '
            "_source_file varchar, _source_row bigint, _load_id bigint)"
        )
    con.close()


def _assert_writable(db, failure) -> None:
    """The failed copy closed its read-only connection, even while its traceback is kept (as
    a notebook or a scheduler's error handler keeps it): this process can write to the
    warehouse again. DuckDB refuses a second connection to a file in another mode."""
    import duckdb

    assert failure.tb is not None
    duckdb.connect(str(db)).close()


def test_copy_raw_names_the_postgres_it_cannot_reach(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    _raw_schema(db)
    port = free_port()
    monkeypatch.setenv("SCOREHOUSE_PG_PORT", str(port))
    with pytest.raises(
        ScorehouseError, match=f"cannot connect to PostgreSQL .*127.0.0.1:{port}"
    ) as failure:
        copy_raw("postgres", db)
    _assert_writable(db, failure)
    monkeypatch.setenv("SCOREHOUSE_PG_PORT", "five")
    with pytest.raises(ScorehouseError, match="SCOREHOUSE_PG_PORT must be a port number"):
        copy_raw("postgres", db)


def test_copy_raw_refuses_an_unknown_engine(tmp_path):
    with pytest.raises(ScorehouseError, match="unknown engine 'oracle'"):
        copy_raw("oracle", tmp_path / "x.duckdb")


def test_copy_raw_names_the_spark_thrift_server_it_cannot_reach(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    _raw_schema(db)
    port = free_port()
    monkeypatch.setenv("SCOREHOUSE_SPARK_PORT", str(port))
    monkeypatch.setenv("SCOREHOUSE_SPARK_DIR", str(tmp_path / "spark"))
    with pytest.raises(
        ScorehouseError, match=f"cannot connect to the Spark Thrift server .*127.0.0.1:{port}"
    ) as failure:
        copy_raw("spark_thrift", db)
    _assert_writable(db, failure)
    monkeypatch.setenv("SCOREHOUSE_SPARK_PORT", "ten")
    with pytest.raises(ScorehouseError, match="SCOREHOUSE_SPARK_PORT must be a port number"):
        copy_raw("spark_thrift", db)


def test_a_cluster_is_not_started_on_a_port_in_use(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ScorehouseError, match=f"port {port} of 127.0.0.1 is in use"):
            spark_cluster.start(tmp_path, master_port=port, thrift_port=free_port())
    assert not (tmp_path / "cluster.json").exists()


def test_a_process_that_exits_before_listening_is_reported_with_its_log(tmp_path):
    import subprocess

    log = tmp_path / "master.log"
    log.write_text("starting\nError: JAVA_HOME is not set\n")
    process = subprocess.Popen(["false"])
    with pytest.raises(ScorehouseError, match=r"(?s)master exited \(1\).*JAVA_HOME is not set"):
        spark_cluster._wait(process, "master", free_port(), log, timeout=30)


def test_stop_ends_every_recorded_process_group(tmp_path):
    import json
    import subprocess

    processes = {
        name: subprocess.Popen(["sleep", "60"], start_new_session=True)
        for name in ("master", "worker-1", "thrift-server")
    }
    pids = {name: process.pid for name, process in processes.items()}
    (tmp_path / "cluster.json").write_text(json.dumps({"pids": pids}))
    assert spark_cluster.stop(tmp_path) == ["thrift-server", "worker-1", "master"]
    for process in processes.values():
        assert process.wait(timeout=10) != 0
    assert not (tmp_path / "cluster.json").exists()
    assert spark_cluster.stop(tmp_path) == []


def test_spark_dates_and_timestamps_sent_as_text_are_read_back_as_values():
    from scorehouse.devtools.crosscheck import _spark_rows, _spark_select

    columns = {"scored_at": "timestamp", "scored_on": "date", "grade": "other"}
    assert _spark_select(columns) == (
        "date_format(`scored_at`, 'yyyy-MM-dd HH:mm:ss.SSSSSS') as `scored_at`, "
        "`scored_on`, `grade`"
    )
    rows = [("2026-11-01 06:00:00.000000", "2026-08-03", "2026-08-03"), (None, None, None)]
    assert _spark_rows(columns, rows) == [
        (dt.datetime(2026, 11, 1, 6), dt.date(2026, 8, 3), "2026-08-03"),
        (None, None, None),
    ]


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17")
def test_a_local_spark_session_takes_the_raw_tables_and_gives_back_the_marts(tmp_path, monkeypatch):
    """The `spark` target's path, which make test-spark (a cluster) does not take: copy-raw
    into a local session's metastore, and the crosscheck's reader of that metastore."""
    import duckdb

    from scorehouse.devtools.crosscheck import read_spark
    from scorehouse.engines import spark_session

    db = tmp_path / "warehouse.duckdb"
    _raw_schema(db)
    con = duckdb.connect(str(db))
    con.execute(
        "insert into raw.nps_responses by name select 'N1' as nps_response_id, "
        "timestamp '2026-11-02 06:00:00' as _loaded_at, 'nps.csv' as _source_file, "
        "1 as _source_row, 7 as _load_id"
    )
    con.close()
    monkeypatch.setenv("SCOREHOUSE_SPARK_DIR", str(tmp_path / "spark"))
    copied = {c.table: c.rows for c in copy_raw("spark", db)}
    assert copied["nps_responses"] == 1 and copied["contacts"] == 0
    spark = spark_session()
    try:
        spark.sql("create database marts")
        spark.sql(
            "create table marts.lead_scores using parquet as select nps_response_id, _loaded_at, "
            "to_date(_loaded_at) as loaded_on, cast(_load_id as decimal(10, 2)) as load "
            "from raw.nps_responses"
        )
    finally:
        spark.stop()
    mart = read_spark(["lead_scores"])["lead_scores"]
    assert mart.columns == ["nps_response_id", "_loaded_at", "loaded_on", "load"]
    assert mart.rows == [("N1", dt.datetime(2026, 11, 2, 6), dt.date(2026, 11, 2), 7)]
