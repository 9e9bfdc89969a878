"""Hostile values never reach a score: the test data of `make dbt-test` carries, in every
numeric and time column of every raw table, `NaN`, `Infinity`, `-inf`, `1e308`,
`infinity`, `-infinity`, `0001-01-01` and `9999-12-31` (scorehouse.devtools.generate.dirty_values).
Each such row is quarantined with a reason, and no published mart holds a non-finite
value. The PostgreSQL and Spark builds of `make test` read the same raw tables, and their
`staging_row_counts` (every quarantine reason, counted) must equal DuckDB's, so the
engines quarantine them alike."""

from __future__ import annotations

import re

import duckdb
import pytest
import yaml

from scorehouse.checks import _non_finite_sql
from scorehouse.contract import PROJECT_DIR, load_contract
from scorehouse.devtools.generate.dirty_values import PREFIX
from tests_py.bi_warehouse import built_test_warehouse


def staging_models() -> dict[str, tuple[str, str]]:
    """Raw table -> (staged model, quarantine model), from the sources' rows_reconcile tests."""
    models = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                for test in table.get("data_tests", []):
                    if isinstance(test, dict) and "rows_reconcile" in test:
                        arguments = test["rows_reconcile"]["arguments"]
                        models[table["name"]] = tuple(
                            re.search(r"ref\('(\w+)'\)", arguments[key]).group(1)
                            for key in ("staged_model", "quarantine_model")
                        )
    return models


@pytest.fixture(scope="module")
def warehouse():
    con = duckdb.connect(str(built_test_warehouse()), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("table", sorted(load_contract()))
def test_every_hostile_row_is_quarantined_with_a_reason(warehouse, table):
    staged, quarantine = staging_models()[table]
    # The row's own id as delivered: the table's key, or a custom field's name.
    raw_key = "field_name" if table == "record_fields" else load_contract()[table].columns[0].name
    quarantined_key = "raw_field_name" if table == "record_fields" else raw_key
    (delivered,) = warehouse.execute(
        f"select count(*) from raw.{table} where {raw_key} like '{PREFIX}%'"
    ).fetchone()
    assert delivered > 0, f"make dbt-test should have appended hostile rows to {table}"
    reasons = dict(
        warehouse.execute(
            f"select quarantine_reason, count(*) from staging.{quarantine} "
            f"where {quarantined_key} like '{PREFIX}%' group by all"
        ).fetchall()
    )
    assert sum(reasons.values()) == delivered, reasons
    assert None not in reasons
    staged_columns = {row[0] for row in warehouse.execute(f"describe staging.{staged}").fetchall()}
    if raw_key in staged_columns:
        assert warehouse.execute(
            f"select count(*) from staging.{staged} where {raw_key} like '{PREFIX}%'"
        ).fetchone() == (0,)


def test_no_published_mart_holds_a_non_finite_value(warehouse):
    assert warehouse.execute(_non_finite_sql(warehouse)).fetchall() == []
