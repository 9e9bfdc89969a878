"""The semantic layer answers what SQL on the marts answers; the docs site is complete.

`mf query` (MetricFlow's CLI, as a BI user runs it) on a copy of the `make dbt-test`
warehouse, compared with direct SQL on its marts; and on its publication alone (profile
target `published`), with no warehouse at all. Then `dbt docs generate`: the overview
page, the doc blocks, a description for every mart column, and the exposures that say who
reads which mart.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests_py.bi_warehouse import built_test_warehouse, published_test_marts, query
from tests_py.conftest import Project, copy_project

MF = str(Path(sys.executable).parent / "mf")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A copy of the project whose warehouse is a copy of the test warehouse, parsed."""
    source = built_test_warehouse()
    project = copy_project(tmp_path_factory.mktemp("semantic"))
    shutil.copy(source, project.db)
    # MetricFlow reads target/semantic_manifest.json, which `dbt parse` writes.
    project.dbt("parse")
    return project


def mf(project: Project, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project.path),
        "SCOREHOUSE_DB": str(project.db),
        **(env or {}),
    }
    result = subprocess.run(
        [MF, *args], cwd=project.path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"mf {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def mf_query(
    project: Project, metrics: str, group_by: str | None = None, env: dict | None = None
) -> pd.DataFrame:
    """`mf query` as a BI user runs it, the result read back from its CSV output."""
    out = project.path / "mf_result.csv"
    out.unlink(missing_ok=True)
    args = ["query", "--metrics", metrics, "--csv", str(out), "--quiet"]
    if group_by:
        args += ["--group-by", group_by]
    mf(project, *args, env=env)
    return pd.read_csv(out, keep_default_na=False, na_values=[""])


def by_key(frame: pd.DataFrame, key: str) -> dict[str, dict[str, float]]:
    return {str(row[key]): row for row in frame.to_dict("records")}


def assert_same(metric_rows: dict, sql_rows: dict, columns: dict[str, str], tolerance=1e-9):
    """Every group and every number the same: `columns` maps metric to SQL column."""
    assert sql_rows, "SQL found nothing to compare: the test data should have rows here"
    assert set(metric_rows) == set(sql_rows)
    for key, expected in sql_rows.items():
        for metric, column in columns.items():
            got, want = metric_rows[key][metric], expected[column]
            assert math.isclose(got, want, rel_tol=tolerance, abs_tol=tolerance), (
                f"{metric} for {key}: mf query says {got}, SQL on the marts says {want}"
            )


def test_the_semantic_manifest_validates_against_the_warehouse(project):
    result = mf(project, "validate-configs")
    assert "ERRORS: 0" in result.stdout


def test_leads_mqls_sqls_and_average_score_by_grade_match_sql(project):
    metrics = mf_query(project, "leads,mqls,sqls,average_score", "lead__lead_grade")
    sql = {
        grade: {"leads": leads, "mqls": mqls, "sqls": sqls, "average": average}
        for grade, leads, mqls, sqls, average in query(
            project.db,
            "select lead_grade, count(*), count(case when is_mql then 1 end), "
            "count(case when is_sql then 1 end), avg(total_score) "
            "from marts.lead_scores group by lead_grade",
        )
    }
    assert "A1" in sql and sum(row["mqls"] for row in sql.values()) > 0
    assert_same(
        by_key(metrics, "lead__lead_grade"),
        sql,
        {"leads": "leads", "mqls": "mqls", "sqls": "sqls", "average_score": "average"},
    )


def test_mql_and_sql_counts_match_sql(project):
    metrics = mf_query(project, "mqls,sqls,leads").iloc[0]
    mqls, sqls, leads = query(
        project.db,
        "select count(case when is_mql then 1 end), count(case when is_sql then 1 end), "
        "count(*) from marts.lead_scores",
    )[0]
    assert mqls > 0
    assert (metrics["mqls"], metrics["sqls"], metrics["leads"]) == (mqls, sqls, leads)


def test_customers_by_tier_and_at_risk_arr_match_sql(project):
    metrics = mf_query(
        project,
        "customers,at_risk_customers,customer_arr,at_risk_arr,average_health_score",
        "customer__value_tier",
    )
    sql = {
        tier: {
            "customers": n,
            "at_risk": at_risk,
            "arr": arr,
            "arr_at_risk": arr_at_risk,
            "health": health,
        }
        for tier, n, at_risk, arr, arr_at_risk, health in query(
            project.db,
            "select value_tier, count(*), count(case when is_at_risk then 1 end), sum(arr), "
            "coalesce(sum(case when is_at_risk then arr end), 0), avg(health_score) "
            "from marts.customer_health group by value_tier",
        )
    }
    assert sum(row["arr_at_risk"] for row in sql.values()) > 0
    assert_same(
        by_key(metrics, "customer__value_tier"),
        sql,
        {
            "customers": "customers",
            "at_risk_customers": "at_risk",
            "customer_arr": "arr",
            "at_risk_arr": "arr_at_risk",
            "average_health_score": "health",
        },
    )


def test_pipeline_value_by_grade_matches_sql(project):
    metrics = mf_query(project, "pipeline_value", "account_score__account_grade")
    sql = {
        grade: {"pipeline": pipeline}
        for grade, pipeline in query(
            project.db,
            "select account_grade, sum(open_pipeline_amount) from marts.account_scores "
            "where model_id = 'acquisition' group by account_grade",
        )
    }
    assert sum(row["pipeline"] for row in sql.values()) > 0
    assert_same(
        by_key(metrics, "account_score__account_grade"), sql, {"pipeline_value": "pipeline"}
    )


def test_conversion_rate_by_grade_matches_the_backtest_mart(project):
    metrics = mf_query(
        project, "conversion_rate,candidate_conversion_rate", "backtest__model_id,backtest__grade"
    )
    metrics["key"] = metrics["backtest__model_id"] + "/" + metrics["backtest__grade"]
    rows = by_key(metrics, "key")
    candidates = [("= 'current'", "conversion_rate"), ("<> 'current'", "candidate_conversion_rate")]
    for rule_sets, metric in candidates:
        sql = {
            f"{model}/{grade}": {"rate": conversions / entities, "mart": mart_rate}
            for model, grade, conversions, entities, mart_rate in query(
                project.db,
                "select model_id, grade, sum(conversions), sum(entities), "
                "max(conversion_rate) from marts.model_performance "
                f"where rule_set {rule_sets} group by model_id, grade",
            )
        }
        answered = {key: row for key, row in rows.items() if not pd.isna(row[metric])}
        assert_same(answered, sql, {metric: "rate"})
        # The mart rounds to `scorehouse_score_decimals` (6) places; the metric does not.
        assert_same(answered, sql, {metric: "mart"}, tolerance=1e-6)


def test_a_saved_query_answers_the_grade_matrix(project):
    out = project.path / "saved.csv"
    mf(project, "query", "--saved-query", "lead_grade_matrix", "--csv", str(out), "--quiet")
    saved = pd.read_csv(out)
    a1 = saved.loc[saved["lead__lead_grade"] == "A1", "leads"].iloc[0]
    assert (
        a1
        == query(project.db, "select count(*) from marts.lead_scores where lead_grade = 'A1'")[0][0]
    )


def test_mf_query_answers_from_the_publication_without_the_warehouse(project, tmp_path_factory):
    # A BI user's machine: the publication, the project and its semantic manifest (as
    # `dbt parse` wrote it, here for the warehouse), and no warehouse file at all.
    publication = published_test_marts(tmp_path_factory.mktemp("semantic-published"))
    reader = copy_project(tmp_path_factory.mktemp("semantic-reader"))
    (reader.path / "target").mkdir(exist_ok=True)
    shutil.copy(project.path / "target" / "semantic_manifest.json", reader.path / "target")
    published = {"SCOREHOUSE_TARGET": "published", "SCOREHOUSE_PUBLISHED_DB": str(publication)}

    metrics = mf_query(reader, "leads,mqls,average_score", "lead__lead_grade", env=published)
    sql = {
        grade: {"leads": leads, "mqls": mqls, "average": average}
        for grade, leads, mqls, average in query(
            publication,
            "select lead_grade, count(*), count(case when is_mql then 1 end), "
            "avg(total_score) from lead_scores group by lead_grade",
        )
    }
    assert_same(
        by_key(metrics, "lead__lead_grade"),
        sql,
        {"leads": "leads", "mqls": "mqls", "average_score": "average"},
    )
    # The backtest, dated by the publication's scoring date, over the time spine.
    rates = mf_query(reader, "conversion_rate", "backtest__model_id,backtest__grade", env=published)
    rates["key"] = rates["backtest__model_id"] + "/" + rates["backtest__grade"]
    sql = {
        f"{model}/{grade}": {"rate": conversions / entities}
        for model, grade, conversions, entities in query(
            publication,
            "select model_id, grade, sum(conversions), sum(entities) from model_performance "
            "where rule_set = 'current' group by model_id, grade",
        )
    }
    answered = {
        key: row for key, row in by_key(rates, "key").items() if not pd.isna(row["conversion_rate"])
    }
    assert_same(answered, sql, {"conversion_rate": "rate"})
    assert not reader.db.exists() and not list(reader.path.glob("*.duckdb*"))


@pytest.fixture(scope="module")
def docs(project) -> dict:
    """`dbt docs generate` on the copy: its manifest and catalog, and the site."""
    project.dbt("docs", "generate")
    target = project.path / "target"
    assert (target / "index.html").stat().st_size > 100_000
    return {
        "manifest": json.loads((target / "manifest.json").read_text()),
        "catalog": json.loads((target / "catalog.json").read_text()),
    }


def test_the_docs_site_has_an_overview_and_the_concept_doc_blocks(docs):
    # The project's own blocks (dbt ships a default `__overview__` of its own).
    blocks = {
        doc["name"]: doc["block_contents"]
        for doc in docs["manifest"]["docs"].values()
        if doc["package_name"] == "scorehouse"
    }
    overview = blocks["__overview__"]
    assert "# Scorehouse" in overview and "Where to look" in overview
    for concept in ["grades", "decay_methods", "scoring_models", "qualification", "value_tiers"]:
        assert len(blocks[concept]) > 100, concept


def test_every_mart_column_is_described_and_in_the_warehouse(docs):
    marts = {
        node["name"]: node
        for node in docs["manifest"]["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert len(marts) == 14
    for name, node in marts.items():
        catalog = docs["catalog"]["nodes"][node["unique_id"]]["columns"]
        undocumented = [
            column
            for column in catalog
            if not node["columns"].get(column, {}).get("description", "").strip()
        ]
        assert not undocumented, f"{name}: columns without a description: {undocumented}"
    # Doc blocks are rendered into the column descriptions.
    assert "A1" in marts["lead_scores"]["columns"]["lead_grade"]["description"]


def test_exposures_say_who_reads_which_mart(docs):
    exposures = {exposure["name"]: exposure for exposure in docs["manifest"]["exposures"].values()}
    assert set(exposures) == {"scorehouse_dashboard", "bi_consumer", "crm_sync"}
    assert exposures["crm_sync"]["type"] == "application"
    dashboard = set(exposures["scorehouse_dashboard"]["depends_on"]["nodes"])
    assert "model.scorehouse.lead_scores" in dashboard
    assert "model.scorehouse.customer_health" in dashboard
    assert exposures["scorehouse_dashboard"]["type"] == "dashboard"
    # Every BI mart has a reader.
    from scorehouse.publish import BI_MARTS

    read = dashboard | set(exposures["bi_consumer"]["depends_on"]["nodes"])
    assert {f"model.scorehouse.{mart}" for mart in BI_MARTS} <= read
