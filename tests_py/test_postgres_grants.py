"""On PostgreSQL, the BI role reads the marts and nothing else.

Runs against the PostgreSQL that the environment names (SCOREHOUSE_PG_HOST, _PORT,
_USER, _PASSWORD, _DBNAME, as in profiles.yml) once the project is built there:
`make test-postgres` starts one, builds and runs this file. Skipped when no PostgreSQL
answers, unless SCOREHOUSE_PG_REQUIRED=1 (as in `make test-postgres`): then it fails.
The BI role logs in as SCOREHOUSE_PG_BI_USER (default `bi_reader`, the var
`scorehouse_bi_reader_role`) with SCOREHOUSE_PG_BI_PASSWORD.
"""

from __future__ import annotations

import os

import pytest

psycopg2 = pytest.importorskip("psycopg2")

from scorehouse.engines import connect_postgres  # noqa: E402
from scorehouse.errors import ScorehouseError  # noqa: E402

BI_USER = os.environ.get("SCOREHOUSE_PG_BI_USER", "bi_reader")


@pytest.fixture(scope="module")
def bi_connection():
    try:
        connect_postgres().close()
    except ScorehouseError as exc:
        if os.environ.get("SCOREHOUSE_PG_REQUIRED") == "1":
            raise
        pytest.skip(f"no PostgreSQL to test the grants on: {exc}")
    con = connect_postgres(user=BI_USER, password=os.environ.get("SCOREHOUSE_PG_BI_PASSWORD", ""))
    con.autocommit = True
    yield con
    con.close()


def query(con, sql: str):
    with con.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


@pytest.mark.parametrize(
    "mart", ["lead_scores", "account_scores", "customer_health", "staging_row_counts"]
)
def test_bi_reader_reads_the_marts(bi_connection, mart):
    assert query(bi_connection, f"select count(*) from marts.{mart}")[0][0] > 0


@pytest.mark.parametrize(
    "relation",
    [
        "raw.contacts",
        "raw.page_views",
        "staging.stg_crm__contacts",
        "staging.base_crm__contacts",
        "intermediate.int_contacts_enriched",
        "config.scoring_rules",
    ],
)
def test_bi_reader_is_refused_everything_else(bi_connection, relation):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
        query(bi_connection, f"select count(*) from {relation}")


def test_bi_reader_cannot_change_the_marts(bi_connection):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
        query(bi_connection, "delete from marts.lead_scores")


def test_a_rebuilt_mart_stays_readable_without_the_runs_grants(bi_connection):
    """Default privileges: a mart rebuilt by a run that grants nothing (as a run killed
    before its grants would) is still readable by the BI role, and only the marts are."""
    from scorehouse.dbt import run_dbt

    code = run_dbt(
        ["run", "--select", "lead_scores", "int_scores_current"],
        as_of=os.environ.get("SCOREHOUSE_AS_OF", "2026-11-01"),
        vars={"scorehouse_bi_reader_role": None},
    )
    assert code == 0
    assert query(bi_connection, "select count(*) from marts.lead_scores")[0][0] > 0
    with pytest.raises(psycopg2.Error):
        query(bi_connection, "select count(*) from intermediate.int_scores_current")
