"""Great Expectations checkpoint on the BI marts, run after each build and before publishing.

Route: each mart is read from DuckDB into a pandas DataFrame and validated through a GX
pandas datasource. GX's SQL route to DuckDB gives wrong results with the drivers that
install here (duckdb_engine's cursor is the connection, and GX reads rows after the
connection went back to the pool); the pandas route is exact and the marts fit in memory.

A failed expectation fails the run with one readable line per failure. The report goes
to a folder (by default `quality/` beside the warehouse checked, so that checking the
test warehouse never overwrites the demo's report):
- `index.html`: our own page, one file with no external asset, that works offline: the
  verdict, the build checked and every expectation with what it saw, linking to
- `gx/`: GX's data-docs site. Its pages load Bootstrap, jQuery, Font Awesome and Vega
  from public CDNs, which the installed great_expectations does not ship (only its
  fonts, images and own CSS, in `gx/static/`); offline they show unstyled. Their logo,
  which GX loads from its S3 bucket with the context's id in the address, is pointed at
  the copy in `gx/static/images/`.

The verdict is recorded in the warehouse for the build whose marts were checked
(scorehouse_meta.builds): `scorehouse publish` publishes only the marts of a build that
passed.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError
from scorehouse.publish import BI_MARTS, latest_build, record_check_verdict
from scorehouse.sql import one_row

GRADES = [f"{fit}{level}" for fit in "ABCD" for level in "1234"]


# The file that marks a folder as a Scorehouse quality report, which a new report may
# replace whole; any other folder that is not empty is refused, never deleted.
MARKER = ".scorehouse-quality"

# GX's logos, loaded from its S3 bucket (with the data context's id in the query); the
# site holds a copy of the long one in its static/images folder.
GX_REMOTE_LOGO = re.compile(
    r"https://great-expectations-web-assets\.s3[^\"']*?/(logo-long\.png|full_logo_dark\.png)"
    r"[^\"']*"
)


@dataclass
class Outcome:
    """One expectation's result, as the report's index page shows it."""

    suite: str
    expectation: str
    arguments: str
    success: bool
    observed: str


@dataclass
class CheckReport:
    success: bool
    failures: list[str] = field(default_factory=list)
    evaluated: int = 0
    docs_index: Path | None = None
    outcomes: list[Outcome] = field(default_factory=list)


def project_vars(project_dir: Path = PROJECT_DIR) -> dict:
    return yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text()).get("vars", {})


def _suites(gx, con: duckdb.DuckDBPyConnection, settings: dict) -> dict[str, tuple[str, list]]:
    """Mart name -> (SQL giving the frame to validate, expectations)."""
    e = gx.expectations
    staged_contacts = one_row(con.execute("select count(*) from staging.stg_crm__contacts"))[0]
    staged_accounts = one_row(con.execute("select count(*) from staging.stg_crm__accounts"))[0]
    models = one_row(con.execute("select count(*) from config.scoring_models"))[0]

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
                    min_value=settings["scorehouse_quality_a1_share_min"],
                    max_value=settings["scorehouse_quality_a1_share_max"],
                ),
                e.ExpectColumnValuesToBeBetween(
                    column="scored_share",
                    min_value=settings["scorehouse_quality_min_scored_share"],
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


def _replaceable(docs_dir: Path) -> bool:
    """Whether `docs_dir` may be replaced by a new report: missing, empty, a report of
    ours (MARKER), or an older one (GX's site alone, as Scorehouse wrote it before)."""
    if not docs_dir.exists():
        return True
    if not docs_dir.is_dir():
        return False
    return (
        not any(docs_dir.iterdir())
        or (docs_dir / MARKER).exists()
        or (docs_dir / "static" / "styles" / "data_docs_default_styles.css").exists()
    )


def run_checks(db_path: Path, docs_dir: Path, *, project_dir: Path = PROJECT_DIR) -> CheckReport:
    """Validate the marts of the warehouse at `db_path`; write the report under `docs_dir`."""
    docs_dir = Path(docs_dir)
    if not _replaceable(docs_dir):
        raise ScorehouseError(
            f"--docs-dir {docs_dir} holds files that are not a Scorehouse quality report; "
            "give a new or empty folder (the report replaces the folder's contents)"
        )
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with warnings.catch_warnings():
        # GX imports PySpark when installed (the Spark engine's), which warns about the
        # pandas version on every check; the checks use no PySpark.
        warnings.filterwarnings("ignore", "PySpark does not yet", FutureWarning)
        import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    settings = project_vars(project_dir)
    root = Path(tempfile.mkdtemp(prefix="scorehouse-gx-"))
    report = CheckReport(success=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        # The build whose marts these are; the verdict is recorded for it below.
        build = latest_build(con)
        context = gx.get_context(mode="file", project_root_dir=str(root))
        # GX draws progress bars on standard error for every metric: noise in a log.
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
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
                    config = outcome.expectation_config
                    assert config is not None, "a validation result names its expectation"
                    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
                    sample = outcome.result.get("partial_unexpected_list") or outcome.result.get(
                        "observed_value"
                    )
                    report.outcomes.append(
                        Outcome(
                            name,
                            config.type,
                            _arguments(kwargs),
                            bool(outcome.success),
                            repr(sample),
                        )
                    )
                    if not outcome.success:
                        report.success = False
                        report.failures.append(
                            f"{name}: {config.type} {kwargs} failed (saw {sample!r})"
                        )
        site = root / "gx" / "uncommitted" / "data_docs" / "local_site"
        report.docs_index = _write_report(site, docs_dir, report, db_path, build)
    finally:
        con.close()
        shutil.rmtree(root, ignore_errors=True)
    if build is not None:
        # `scorehouse publish` publishes the marts of a build only once they passed.
        record_check_verdict(db_path, build.invocation_id, report.success)
    return report


def _arguments(kwargs: dict) -> str:
    """An expectation's arguments, short: `column=fit_score, min_value=0, max_value=100`."""
    return ", ".join(f"{key}={value}" for key, value in kwargs.items() if value is not None)


def _write_report(site: Path, docs_dir: Path, report: CheckReport, db_path: Path, build) -> Path:
    """The report folder: our offline index.html, and GX's site under gx/. Written beside
    `docs_dir` first, then put in its place, so a failure leaves the last report whole."""
    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{docs_dir.name}-", dir=docs_dir.parent))
    try:
        shutil.copytree(site, staging / "gx")
        logo = staging / "gx" / "static" / "images" / "logo-long.png"
        for page in sorted((staging / "gx").rglob("*")):
            if page.suffix not in (".html", ".css"):
                continue
            text = page.read_text(encoding="utf-8")
            fixed = GX_REMOTE_LOGO.sub(Path(os.path.relpath(logo, page.parent)).as_posix(), text)
            if fixed != text:
                page.write_text(fixed, encoding="utf-8")
        # Each suite's validation page: gx/validations/<suite>/<batch>/<run>/<page>.html
        pages = {}
        for path in sorted((staging / "gx").glob("validations/*/*/*/*.html")):
            relative = path.relative_to(staging)
            pages[relative.parts[2]] = relative.as_posix()
        (staging / "index.html").write_text(
            index_html(report, db_path, build, pages), encoding="utf-8"
        )
        (staging / MARKER).write_text(
            "A Scorehouse quality report (scorehouse check): replaced whole by the next one.\n"
        )
        if docs_dir.exists():
            old = docs_dir.with_name(f".{docs_dir.name}-old-{os.getpid()}")
            docs_dir.rename(old)
            staging.rename(docs_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(docs_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return docs_dir / "index.html"


PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2330; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.verdict { font-weight: bold; padding: .2rem .6rem; border-radius: .3rem; }
.pass { background: #d8f3dc; } .fail { background: #ffd6d6; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #dde; padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
td.observed { font-family: monospace; max-width: 30rem; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { color: #556; }
"""


def index_html(report: CheckReport, db_path: Path, build, pages: dict[str, str]) -> str:
    """Our report page: one self-contained HTML file (inline style, no script, no external
    address), readable with no network."""
    esc = html.escape
    failed = sum(1 for o in report.outcomes if not o.success)
    verdict = (
        '<span class="verdict pass">PASSED</span>'
        if report.success
        else f'<span class="verdict fail">FAILED: {failed} expectation(s)</span>'
    )
    checked = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    about = [
        ("verdict", verdict),
        ("warehouse", esc(str(Path(db_path).resolve()))),
        (
            "build checked",
            esc(
                f"dbt {build.command} as of {build.as_of_date}, started "
                f"{build.started_at:%Y-%m-%d %H:%M:%S} UTC ({build.invocation_id})"
            )
            if build is not None
            else "none recorded",
        ),
        ("checked at", esc(checked)),
        ("expectations", f"{report.evaluated - failed} met, {failed} failed"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Scorehouse quality report</title>",
        f"<style>{PAGE_STYLE}</style></head><body>",
        "<h1>Scorehouse quality report</h1>",
        "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in about) + "</dl>",
    ]
    suites: dict[str, list[Outcome]] = {}
    for outcome in report.outcomes:
        suites.setdefault(outcome.suite, []).append(outcome)
    for suite, outcomes in suites.items():
        links = [f'<a href="gx/expectations/{esc(suite)}.html">suite</a>']
        if suite in pages:
            links.insert(0, f'<a href="{esc(pages[suite])}">validation result</a>')
        parts.append(f"<h2>{esc(suite)}</h2><p>Great Expectations: {' · '.join(links)}</p>")
        parts.append(
            "<table><tr><th>result</th><th>expectation</th><th>arguments</th>"
            "<th>observed / unexpected sample</th></tr>"
        )
        for o in outcomes:
            mark = '<td class="pass">met</td>' if o.success else '<td class="fail">FAILED</td>'
            parts.append(
                f"<tr>{mark}<td>{esc(o.expectation)}</td><td>{esc(o.arguments)}</td>"
                f'<td class="observed">{esc(o.observed)}</td></tr>'
            )
        parts.append("</table>")
    parts.append(
        "<p>This page is one file and needs no network. The linked pages are Great "
        'Expectations\' own data docs (<a href="gx/index.html">index</a>); they load their '
        "styles and scripts from public CDNs and show unstyled offline.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
