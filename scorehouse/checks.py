"""Great Expectations checkpoint on the BI marts, run after each build and before publishing.

Route: each mart is read from DuckDB into a pandas DataFrame and validated through a GX
pandas datasource. GX's SQL route to DuckDB gives wrong results with the drivers that
install here (duckdb_engine's cursor is the connection, and GX reads rows after the
connection went back to the pool); the pandas route is exact and the marts fit in memory.

A failed expectation fails the run with one readable line per failure, and the whole
result is written as a GX data-docs site (`data/quality/.../index.html`). The verdict is
recorded in the warehouse for the build whose marts were checked (scorehouse_meta.builds):
`scorehouse publish` publishes only the marts of a build that passed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from scorehouse.contract import PROJECT_DIR
from scorehouse.publish import BI_MARTS, latest_build, record_check_verdict

GRADES = [f"{fit}{level}" for fit in "ABCD" for level in "1234"]


@dataclass
class CheckReport:
    success: bool
    failures: list[str] = field(default_factory=list)
    evaluated: int = 0
    docs_index: Path | None = None


def project_vars(project_dir: Path = PROJECT_DIR) -> dict:
    return yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text()).get("vars", {})


def _suites(gx, con: duckdb.DuckDBPyConnection, settings: dict) -> dict[str, tuple[str, list]]:
    """Mart name -> (SQL giving the frame to validate, expectations)."""
    e = gx.expectations
    staged_contacts = con.execute("select count(*) from staging.stg_crm__contacts").fetchone()[0]
    staged_accounts = con.execute("select count(*) from staging.stg_crm__accounts").fetchone()[0]
    models = con.execute("select count(*) from config.scoring_models").fetchone()[0]

    def score_range(*columns):
        return [
            e.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=100) for c in columns
        ]

    return {
        "lead_scores": (
            "select * from marts.lead_scores",
            [
                *score_range("fit_score", "engagement_score", "total_score"),
                e.ExpectColumnValuesToBeInSet(column="fit_grade", value_set=list("ABCD")),
                e.ExpectColumnValuesToBeInSet(column="engagement_level", value_set=list("1234")),
                e.ExpectColumnValuesToBeInSet(column="lead_grade", value_set=GRADES),
                e.ExpectCompoundColumnsToBeUnique(column_list=["contact_id", "model_id"]),
                e.ExpectTableRowCountToBeBetween(min_value=1, max_value=staged_contacts * models),
            ],
        ),
        "account_scores": (
            "select * from marts.account_scores",
            [
                e.ExpectColumnValuesToBeBetween(column="fit_score", min_value=0, max_value=100),
                e.ExpectColumnValuesToBeInSet(column="account_grade", value_set=GRADES),
                e.ExpectCompoundColumnsToBeUnique(column_list=["account_id", "model_id"]),
                e.ExpectTableRowCountToBeBetween(min_value=1, max_value=staged_accounts * models),
            ],
        ),
        "customer_health": (
            "select * from marts.customer_health",
            [
                *score_range(
                    "financial_score", "engagement_score", "relationship_score", "health_score"
                ),
                e.ExpectColumnValuesToBeInSet(
                    column="value_tier", value_set=["Strategic", "Growth", "Maintain", "Evaluate"]
                ),
                e.ExpectCompoundColumnsToBeUnique(
                    column_list=["account_id", "model_id", "scored_as_of"]
                ),
                e.ExpectTableRowCountToBeBetween(min_value=0, max_value=staged_accounts * models),
            ],
        ),
        "lead_grade_distribution": (
            """
            select
                model_id,
                avg(case when lead_grade = 'A1' then 1.0 else 0.0 end) as a1_share,
                avg(case when total_score > 0 then 1.0 else 0.0 end) as scored_share
            from marts.lead_scores
            group by model_id
            """,
            [
                e.ExpectColumnValuesToBeBetween(
                    column="a1_share",
                    min_value=settings["quality_a1_share_min"],
                    max_value=settings["quality_a1_share_max"],
                ),
                e.ExpectColumnValuesToBeBetween(
                    column="scored_share",
                    min_value=settings["quality_min_scored_share"],
                    max_value=1,
                ),
            ],
        ),
        "model_performance_summary": (
            "select * from marts.model_performance_summary",
            [e.ExpectColumnValuesToBeBetween(column="roc_auc", min_value=0, max_value=1)],
        ),
        # One row per published mart column holding NaN or an infinity: there must be none.
        "non_finite_values": (
            _non_finite_sql(con),
            [e.ExpectColumnValuesToBeNull(column="mart_column")],
        ),
    }


def _non_finite_sql(con: duckdb.DuckDBPyConnection) -> str:
    """SQL listing the floating-point columns of the published marts that hold a NaN or
    an infinity (as `mart.column`), one row each; no row when every value is finite."""
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type in ('DOUBLE', 'FLOAT') "
        "order by table_name, column_name"
    ).fetchall()
    checks = [
        f"select '{table}.{column}' as mart_column from marts.\"{table}\" "
        f'where not isfinite("{column}") having count(*) > 0'
        for table, column in columns
        if table in BI_MARTS
    ]
    return " union all ".join(checks) or "select null as mart_column where false"


def run_checks(db_path: Path, docs_dir: Path, *, project_dir: Path = PROJECT_DIR) -> CheckReport:
    """Validate the marts of the warehouse at `db_path`; write data docs under `docs_dir`."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    settings = project_vars(project_dir)
    root = Path(tempfile.mkdtemp(prefix="scorehouse-gx-"))
    report = CheckReport(success=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        # The build whose marts these are; the verdict is recorded for it below.
        build = latest_build(con)
        context = gx.get_context(mode="file", project_root_dir=str(root))
        datasource = context.data_sources.add_pandas("marts")
        for name, (sql, expectations) in _suites(gx, con, settings).items():
            frame = con.execute(sql).df()
            batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
            suite = context.suites.add(gx.ExpectationSuite(name=name))
            for expectation in expectations:
                suite.add_expectation(expectation)
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(data=batch, suite=suite, name=name)
            )
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(
                    name=f"{name}_checkpoint",
                    validation_definitions=[definition],
                    actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                )
            )
            result = checkpoint.run(batch_parameters={"dataframe": frame})
            for run in result.run_results.values():
                for outcome in run.results:
                    report.evaluated += 1
                    if not outcome.success:
                        report.success = False
                        config = outcome.expectation_config
                        kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
                        sample = outcome.result.get(
                            "partial_unexpected_list"
                        ) or outcome.result.get("observed_value")
                        report.failures.append(
                            f"{name}: {config.type} {kwargs} failed (saw {sample!r})"
                        )
        site = root / "gx" / "uncommitted" / "data_docs" / "local_site"
        if docs_dir.exists():
            shutil.rmtree(docs_dir)
        shutil.copytree(site, docs_dir)
        report.docs_index = docs_dir / "index.html"
    finally:
        con.close()
        shutil.rmtree(root, ignore_errors=True)
    if build is not None:
        # `scorehouse publish` publishes the marts of a build only once they passed.
        record_check_verdict(db_path, build.invocation_id, report.success)
    return report
