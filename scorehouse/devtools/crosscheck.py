"""Cross-engine equality: the published marts of DuckDB, PostgreSQL and Spark, compared.

Built from the same raw data and `as_of_date`, every engine must publish the same marts:
the same keys (each mart's `unique_combination` test in its YAML), the same rows, text,
grades, dates and flags exactly equal, and numbers equal within `tolerance` (relative
to the larger of 1 and the numbers' size, so large amounts compare sensibly).
`scorehouse crosscheck --with postgres --with spark` reads DuckDB (SCOREHOUSE_DB) and
the named engines and prints every difference; it exits 1 when there is one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from scorehouse.contract import PROJECT_DIR
from scorehouse.publish import BI_MARTS

TOLERANCE = 1e-9


@dataclass
class Mart:
    """A mart as read from one engine: its column names and rows (Python values)."""

    columns: list[str]
    rows: list[tuple]


def mart_keys(project_dir: Path = PROJECT_DIR) -> dict[str, list[str]]:
    """Each BI mart's key columns, from its `unique_combination` test, or the column
    with a `unique` test."""
    keys: dict[str, list[str]] = {}
    for path in sorted((project_dir / "models" / "marts").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for column in model.get("columns", []):
                if "unique" in (column.get("data_tests") or []):
                    keys[model["name"]] = [column["name"]]
            for test in model.get("data_tests", []):
                if isinstance(test, dict) and "unique_combination" in test:
                    keys[model["name"]] = list(test["unique_combination"]["arguments"]["columns"])
    missing = [mart for mart in BI_MARTS if mart not in keys]
    if missing:
        raise ValueError(f"no unique_combination test (the key) for mart(s): {', '.join(missing)}")
    return {mart: keys[mart] for mart in BI_MARTS}


def _same(a, b, tolerance: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b and type(a) is type(b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))
    return a == b


def compare_marts(
    reference: dict[str, Mart],
    other: dict[str, Mart],
    keys: dict[str, list[str]],
    *,
    names: tuple[str, str] = ("reference", "other"),
    tolerance: float = TOLERANCE,
    limit: int = 5,
) -> list[str]:
    """Every difference between two engines' marts, one line each (at most `limit` per
    mart and kind); empty when they are equal."""
    left, right = names
    problems: list[str] = []
    for mart, key in keys.items():
        if mart not in reference or mart not in other:
            absent = left if mart not in reference else right
            problems.append(f"{mart}: missing on {absent}")
            continue
        a, b = reference[mart], other[mart]
        if [c.lower() for c in a.columns] != [c.lower() for c in b.columns]:
            problems.append(f"{mart}: columns differ: {left} {a.columns}, {right} {b.columns}")
            continue
        columns = [c.lower() for c in a.columns]
        index = [columns.index(k) for k in key]
        rows_a = {tuple(row[i] for i in index): row for row in a.rows}
        rows_b = {tuple(row[i] for i in index): row for row in b.rows}
        for engine, rows, mart_rows in ((left, rows_a, a.rows), (right, rows_b, b.rows)):
            if len(rows) != len(mart_rows):
                problems.append(f"{mart}: {engine} repeats a key ({len(mart_rows)} rows)")
        only_a = sorted(set(rows_a) - set(rows_b), key=repr)
        only_b = sorted(set(rows_b) - set(rows_a), key=repr)
        for engine, only in ((left, only_a), (right, only_b)):
            if only:
                shown = "; ".join(repr(k) for k in only[:limit])
                problems.append(f"{mart}: {len(only)} key(s) only on {engine}: {shown}")
        differing = 0
        for k in sorted(set(rows_a) & set(rows_b), key=repr):
            for column, x, y in zip(columns, rows_a[k], rows_b[k], strict=True):
                if not _same(x, y, tolerance):
                    if differing < limit:
                        problems.append(
                            f"{mart} {dict(zip(key, k, strict=True))}: {column} is "
                            f"{x!r} on {left} but {y!r} on {right}"
                        )
                    differing += 1
        if differing > limit:
            problems.append(f"{mart}: {differing - limit} more differing value(s)")
    return problems


def _normalise(value):
    """One Python value per SQL value, whatever the driver returned."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return value


def _rows(rows: Iterable[tuple]) -> list[tuple]:
    return [tuple(_normalise(v) for v in row) for row in rows]


def read_duckdb(db_path: Path, marts: Iterable[str], schema: str = "marts") -> dict[str, Mart]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        result = {}
        for mart in marts:
            cursor = con.execute(f'select * from "{schema}"."{mart}"')
            columns = [d[0] for d in cursor.description]
            result[mart] = Mart(columns, _rows(cursor.fetchall()))
        return result
    finally:
        con.close()


def read_postgres(marts: Iterable[str], schema: str = "marts") -> dict[str, Mart]:
    from scorehouse.engines import connect_postgres

    con = connect_postgres()
    try:
        result = {}
        with con.cursor() as cur:
            for mart in marts:
                cur.execute(f'select * from "{schema}"."{mart}"')
                columns = [d[0] for d in cur.description]
                result[mart] = Mart(columns, _rows(cur.fetchall()))
        return result
    finally:
        con.close()


def _spark_select(columns: dict[str, str]) -> str:
    """The select list of a Spark mart whose `columns` map to their kind (`timestamp`,
    `date` or `other`): timestamps as UTC text, since Python drivers would turn them into
    local time."""
    return ", ".join(
        f"date_format(`{name}`, 'yyyy-MM-dd HH:mm:ss.SSSSSS') as `{name}`"
        if kind == "timestamp"
        else f"`{name}`"
        for name, kind in columns.items()
    )


def _spark_rows(columns: dict[str, str], rows: Iterable[tuple]) -> list[tuple]:
    """Rows read with _spark_select: timestamps back from text, and dates, which the
    Thrift server sends as text."""
    parse = {"timestamp": dt.datetime.fromisoformat, "date": dt.date.fromisoformat}
    return _rows(
        tuple(
            parse[kind](v) if kind in parse and isinstance(v, str) else v
            for kind, v in zip(columns.values(), row, strict=True)
        )
        for row in rows
    )


def read_spark(marts: Iterable[str], schema: str = "marts") -> dict[str, Mart]:
    from scorehouse.engines import spark_session

    spark = spark_session()
    try:
        result = {}
        for mart in marts:
            frame = spark.table(f"`{schema}`.`{mart}`")
            columns = {
                f.name: "timestamp" if f.dataType.typeName().startswith("timestamp") else "other"
                for f in frame.schema.fields
            }
            rows = spark.sql(f"select {_spark_select(columns)} from `{schema}`.`{mart}`").collect()
            result[mart] = Mart(list(columns), _spark_rows(columns, rows))
        return result
    finally:
        spark.stop()


# The Thrift server's names of the column types _spark_rows turns back into values.
THRIFT_KINDS = {"TIMESTAMP_TYPE": "timestamp", "DATE_TYPE": "date"}


def read_spark_thrift(marts: Iterable[str], schema: str = "marts") -> dict[str, Mart]:
    from scorehouse.engines import connect_spark_thrift

    con = connect_spark_thrift()
    try:
        cursor = con.cursor()
        result = {}
        for mart in marts:
            cursor.execute(f"select * from `{schema}`.`{mart}` limit 0")
            columns = {d[0]: THRIFT_KINDS.get(d[1], "other") for d in cursor.description}
            cursor.execute(f"select {_spark_select(columns)} from `{schema}`.`{mart}`")
            result[mart] = Mart(list(columns), _spark_rows(columns, cursor.fetchall()))
        return result
    finally:
        con.close()


READERS = {"postgres": read_postgres, "spark": read_spark, "spark_thrift": read_spark_thrift}


def crosscheck(db_path: Path, engines: list[str], tolerance: float = TOLERANCE) -> list[str]:
    """Differences between DuckDB's marts (the reference) and each engine's."""
    keys = mart_keys()
    reference = read_duckdb(db_path, keys)
    problems = []
    for engine in engines:
        marts = READERS[engine](keys)
        problems += compare_marts(
            reference, marts, keys, names=("duckdb", engine), tolerance=tolerance
        )
    return problems
