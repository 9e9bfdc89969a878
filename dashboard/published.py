"""Read the published BI marts for the dashboard: one read-only connection per page.

The dashboard reads the publication (`data/published/scorehouse.duckdb`, or the file
named by `SCOREHOUSE_PUBLISHED_DB`), never the build's warehouse: a build holds its file
open for writing, which would block a reader. `open_publication` opens the file
read-only for one page, and every query of that page runs on that connection: a new
publication renamed over the file while the page runs does not reach it (the connection
keeps reading the file it opened), so a page never mixes two publications. The page
closes it at its end (`Publication.close`, or a `with` block); the next page opens the
new publication. Problems a user can fix (no file yet, not a publication, a missing
table) raise `PublicationError` with a one-line message; the page shows it as is.

Every function returns plain pandas data computed from the marts; the page code in
`dashboard/app.py` only lays it out.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_PATH = PROJECT_DIR / "data" / "published" / "scorehouse.duckdb"

FIT_GRADES = ("A", "B", "C", "D")
ENGAGEMENT_LEVELS = ("1", "2", "3", "4")
VALUE_TIERS = ("Strategic", "Growth", "Maintain", "Evaluate")


class PublicationError(Exception):
    """The publication cannot be read as the dashboard needs; the message says why."""


def published_path() -> Path:
    """The publication the dashboard reads: `SCOREHOUSE_PUBLISHED_DB`, or the default."""
    return Path(os.environ.get("SCOREHOUSE_PUBLISHED_DB") or DEFAULT_PATH)


@dataclass(frozen=True)
class Publication:
    """One published file, checked and open read-only: when it was published and as of
    which date. Every query runs on the one connection opened with it; close it (or use
    it in a `with` block) when the page is done."""

    path: Path
    published_at: dt.datetime
    scored_as_of: dt.date
    tables: frozenset[str]
    # Changes when a new publication replaces the file (a cache key for the page).
    version: tuple[int, int, int]
    con: duckdb.DuckDBPyConnection = field(repr=False, compare=False)

    def __enter__(self) -> Publication:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def require(self, tables: Iterable[str]) -> None:
        """Fail with a clear message when the publication lacks one of `tables`."""
        missing = sorted(set(tables) - self.tables)
        if missing:
            raise PublicationError(
                f"{self.path} has no table {', '.join(missing)}: it was published by an older "
                "or broken build. Run `make demo` (or `scorehouse run`) to publish again."
            )

    def query(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """Run one read-only query on the publication, as the page opened it."""
        return self.con.execute(sql, list(params)).df()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """`path` attached read-only (and in use) in a new in-memory DuckDB of its own.

    Not `duckdb.connect(path)`: DuckDB shares one database per path among the open
    connections of a process, so a page opened while another page still reads would
    get that page's file, older than the one now at `path`."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(str(path))} as publication (read_only)")
        con.execute("use publication")
    except duckdb.Error as exc:
        con.close()
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PublicationError(f"{path} cannot be opened read-only: {first_line}") from exc
    return con


def open_publication(path: Path | None = None) -> Publication:
    """Open `path` (default: `published_path()`) read-only for one page, once checked to
    be a Scorehouse publication. The caller closes it when the page is done."""
    path = Path(path) if path is not None else published_path()
    if not path.exists():
        raise PublicationError(
            f"No published marts at {path}: run `make demo` first (or `scorehouse run` on "
            "your own data), or set SCOREHOUSE_PUBLISHED_DB to the published file."
        )
    stat = path.stat()
    con = _connect(path)
    try:
        tables = frozenset(
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'publication' and table_schema = 'main'"
            ).fetchall()
        )
        if "_publication" not in tables:
            raise PublicationError(
                f"{path} is not a Scorehouse publication (it has no _publication table). "
                "The dashboard reads what `scorehouse publish` writes "
                "(data/published/scorehouse.duckdb), never the build's warehouse."
            )
        row = con.execute("select published_at, scored_as_of from _publication").fetchone()
        if row is None:
            raise PublicationError(f"{path}: its _publication table is empty; publish again.")
    except BaseException:
        con.close()
        raise
    return Publication(
        path=path,
        published_at=row[0],
        scored_as_of=row[1],
        tables=tables,
        version=(stat.st_ino, stat.st_mtime_ns, stat.st_size),
        con=con,
    )


# Lead grades -------------------------------------------------------------------------


def lead_models(pub: Publication) -> list[str]:
    """The contact models in `lead_scores` (acquisition first when present)."""
    pub.require(["lead_scores"])
    models = pub.query("select distinct model_id from lead_scores order by model_id")
    return sorted(models["model_id"], key=lambda model: (model != "acquisition", model))


def grade_matrix(pub: Publication, model_id: str) -> pd.DataFrame:
    """Leads per fit grade and engagement level: all 16 cells, empty ones as 0."""
    pub.require(["lead_scores"])
    counts = pub.query(
        "select fit_grade, engagement_level, count(*) as leads, "
        "count(case when is_mql then 1 end) as mqls "
        "from lead_scores where model_id = ? group by fit_grade, engagement_level",
        [model_id],
    )
    grid = pd.DataFrame(
        [(fit, level) for fit in FIT_GRADES for level in ENGAGEMENT_LEVELS],
        columns=["fit_grade", "engagement_level"],
    )
    matrix = grid.merge(counts, on=["fit_grade", "engagement_level"], how="left")
    matrix[["leads", "mqls"]] = matrix[["leads", "mqls"]].fillna(0).astype(int)
    matrix["lead_grade"] = matrix["fit_grade"] + matrix["engagement_level"]
    return matrix


# Call today --------------------------------------------------------------------------


def end_of_scoring_day(pub: Publication) -> dt.datetime:
    """`Today` for the call list: the end of the publication's scoring date (UTC)."""
    return dt.datetime.combine(pub.scored_as_of + dt.timedelta(days=1), dt.time())


# The leads whose qualification only a change of configuration explains: their latest
# `mql_reached` alert and every MQL or SQL alert since are `configuration` alerts
# (score_alerts.alert_cause). A lead qualified by behaviour, before or after, is not one.
QUALIFIED_BY_CONFIGURATION = """
    qualification_alerts as (
        select entity_id as contact_id, as_of_date, alert_type, alert_cause
        from score_alerts
        where entity_type = 'contact' and model_id = ?
            and alert_type in ('mql_reached', 'sql_reached')
    ),
    latest_mql as (
        select contact_id, max(as_of_date) as as_of_date
        from qualification_alerts where alert_type = 'mql_reached' group by contact_id
    ),
    qualified_by_configuration as (
        select qualification_alerts.contact_id
        from qualification_alerts
        inner join latest_mql on qualification_alerts.contact_id = latest_mql.contact_id
        where qualification_alerts.as_of_date >= latest_mql.as_of_date
        group by qualification_alerts.contact_id
        having bool_and(qualification_alerts.alert_cause = 'configuration')
    )"""


def leads_due(
    pub: Publication,
    model_id: str,
    *,
    today_only: bool = True,
    grades: Sequence[str] | None = None,
    include_configuration: bool = False,
) -> pd.DataFrame:
    """MQL leads with a service level, most urgent first, with their top reasons: those
    due by the end of the scoring day (overdue ones included), or all of them.
    `due_in_hours` counts from the scoring time (midnight UTC starting the scoring date);
    negative means overdue. `qualified_by` says whether behaviour or only a change of the
    rules (a rule-set version, see score_alerts) made the lead an MQL: the second are
    left out unless `include_configuration`, so that a rule change does not flood the
    call list with leads that did nothing new."""
    pub.require(["lead_scores", "score_alerts"])
    sql = (
        f"with {QUALIFIED_BY_CONFIGURATION} "
        "select lead_scores.contact_id, account_id, lead_grade, total_score, lifecycle_stage, "
        "is_sql, sla_due_at, top_reasons, expected_conversion_rate, "
        "expected_conversion_entities, case when qualified_by_configuration.contact_id is null "
        "then 'behaviour' else 'configuration' end as qualified_by "
        "from lead_scores left join qualified_by_configuration "
        "on lead_scores.contact_id = qualified_by_configuration.contact_id "
        "where model_id = ? and is_mql and sla_due_at is not null"
    )
    params: list[object] = [model_id, model_id]
    if not include_configuration:
        sql += " and qualified_by_configuration.contact_id is null"
    if today_only:
        sql += " and sla_due_at <= ?"
        params.append(end_of_scoring_day(pub))
    if grades:
        sql += f" and lead_grade in ({', '.join('?' for _ in grades)})"
        params += list(grades)
    leads = pub.query(
        sql + " order by sla_due_at, total_score desc, lead_scores.contact_id", params
    )
    scoring_time = pd.Timestamp(pub.scored_as_of)
    leads["due_in_hours"] = ((leads["sla_due_at"] - scoring_time).dt.total_seconds() / 3600).round(
        1
    )
    return leads


def due_reasons(
    pub: Publication, model_id: str, contact_ids: Sequence[str], limit: int = 10
) -> pd.DataFrame:
    """The rules that put the most points into the given leads, summed over them."""
    pub.require(["lead_score_breakdown"])
    columns = ["rule_description", "leads", "points"]
    if not contact_ids:
        return pd.DataFrame(columns=columns)
    placeholders = ", ".join("?" for _ in contact_ids)
    return pub.query(
        "select coalesce(rule_description, rule_id) as rule_description, "
        "count(*) as leads, round(sum(capped_points), 1) as points "
        f"from lead_score_breakdown where model_id = ? and contact_id in ({placeholders}) "
        "and capped_points > 0 group by all order by points desc, rule_description limit ?",
        [model_id, *contact_ids, limit],
    )[columns]


# Expected conversion -----------------------------------------------------------------


def expected_conversion(rate: float | None, entities: int | None, noun: str) -> str:
    """A grade's expected conversion (its conversion in the backtests) as the pages show
    it: `12.1% (of 4,460 backtest leads)`, or `no backtest` when the grade had none."""
    if rate is None or pd.isna(rate):
        return "no backtest"
    return f"{rate:.1%} (of {int(entities or 0):,} backtest {noun})"


def expected_conversions(rows: pd.DataFrame, noun: str) -> list[str]:
    """`expected_conversion` for each row of `rows` (`expected_conversion_rate` and
    `expected_conversion_entities` columns)."""
    return [
        expected_conversion(rate, entities, noun)
        for rate, entities in zip(
            rows["expected_conversion_rate"], rows["expected_conversion_entities"], strict=True
        )
    ]


# One score explained -----------------------------------------------------------------


def top_lead(pub: Publication, model_id: str) -> str | None:
    """The lead to explain by default: the highest total score (ties by id)."""
    pub.require(["lead_scores"])
    rows = pub.query(
        "select contact_id from lead_scores where model_id = ? "
        "order by total_score desc, contact_id limit 1",
        [model_id],
    )
    return None if rows.empty else str(rows["contact_id"].iloc[0])


def lead(pub: Publication, contact_id: str, model_id: str) -> pd.Series | None:
    pub.require(["lead_scores"])
    rows = pub.query(
        "select * from lead_scores where contact_id = ? and model_id = ?", [contact_id, model_id]
    )
    return None if rows.empty else rows.iloc[0]


def account_score_models(pub: Publication) -> list[str]:
    """The models in `account_scores` (acquisition first when present)."""
    pub.require(["account_scores"])
    models = pub.query("select distinct model_id from account_scores order by model_id")
    return sorted(models["model_id"], key=lambda model: (model != "acquisition", model))


def account_models(pub: Publication) -> list[str]:
    """Models that score accounts: `account_scores` and the health models."""
    pub.require(["account_scores", "customer_health"])
    models = pub.query(
        "select distinct model_id from account_scores "
        "union select distinct model_id from customer_health order by model_id"
    )
    return list(models["model_id"])


def top_account(pub: Publication, model_id: str) -> str | None:
    pub.require(["account_scores", "customer_health"])
    rows = pub.query(
        "select account_id from ("
        " select account_id, total_score as score from account_scores where model_id = ?"
        " union all"
        " select account_id, health_score from customer_health where model_id = ?"
        ") order by score desc, account_id limit 1",
        [model_id, model_id],
    )
    return None if rows.empty else str(rows["account_id"].iloc[0])


def account(pub: Publication, account_id: str, model_id: str) -> pd.Series | None:
    """The account's scores under the model: its `account_scores` row, or for a health
    model its latest `customer_health` row (health score as `total_score`)."""
    pub.require(["account_scores", "customer_health"])
    rows = pub.query(
        "select * from account_scores where account_id = ? and model_id = ?",
        [account_id, model_id],
    )
    if rows.empty:
        rows = pub.query(
            "select *, health_score as total_score from customer_health "
            "where account_id = ? and model_id = ? order by scored_as_of desc limit 1",
            [account_id, model_id],
        )
    return None if rows.empty else rows.iloc[0]


# Where each kind of entity's points are explained, and its key there.
BREAKDOWNS = {
    "contact": ("lead_score_breakdown", "contact_id"),
    "account": ("account_score_breakdown", "account_id"),
}


def breakdown(pub: Publication, entity_type: str, entity_id: str, model_id: str) -> pd.DataFrame:
    """Every rule that scored for the contact or account, biggest contribution first."""
    table, key = BREAKDOWNS[entity_type]
    pub.require([table])
    return pub.query(
        "select dimension, category_id, rule_id, rule_description, occurrences, base_points, "
        f"decayed_points, capped_points, last_occurred_at from {table} "
        f"where {key} = ? and model_id = ? "
        "order by dimension, abs(capped_points) desc, rule_id",
        [entity_id, model_id],
    )


def history(pub: Publication, entity_type: str, entity_id: str, model_id: str) -> pd.DataFrame:
    """The entity's scores on every scored date (`score_history`), oldest first, with the
    rule-set version that scored each (a change of version is a change of the rules)."""
    pub.require(["score_history"])
    return pub.query(
        "select as_of_date, total_score, fit_score, engagement_score, grade, value_tier, "
        "total_score_change_7d, total_score_change_30d, rule_set_version from score_history "
        "where entity_type = ? and entity_id = ? and model_id = ? order by as_of_date",
        [entity_type, entity_id, model_id],
    )


def dimension_totals(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Capped points summed per dimension: what each dimension's score is made of."""
    totals = breakdown.groupby("dimension", as_index=False).agg(
        rules=("rule_id", "count"), points=("capped_points", "sum")
    )
    totals["points"] = totals["points"].round(6)
    return totals


# Accounts and customers --------------------------------------------------------------


def customer_tiers(pub: Publication) -> pd.DataFrame:
    """Customers, ARR and ARR at risk per value tier, as of the latest scored date."""
    pub.require(["customer_health"])
    tiers = pub.query(
        "select value_tier, count(*) as customers, "
        "count(case when is_at_risk then 1 end) as at_risk, "
        "count(case when has_expansion_signal then 1 end) as expansion_signals, "
        "sum(arr) as arr, sum(case when is_at_risk then arr else 0 end) as arr_at_risk, "
        "avg(health_score) as average_health "
        "from customer_health where scored_as_of = (select max(scored_as_of) from customer_health) "
        "group by value_tier"
    )
    order = {tier: position for position, tier in enumerate(VALUE_TIERS)}
    return tiers.sort_values("value_tier", key=lambda tier: tier.map(order)).reset_index(drop=True)


def customers_at_risk(pub: Publication) -> pd.DataFrame:
    """Customers with a risk flag, the most ARR first, with their reasons."""
    pub.require(["customer_health"])
    return pub.query(
        "select account_id, value_tier, health_score, arr, risk_reasons, usage_trend_pct, "
        "latest_nps, open_escalations from customer_health "
        "where is_at_risk and scored_as_of = (select max(scored_as_of) from customer_health) "
        "order by arr desc nulls last, account_id"
    )


# Alerts to act on first come first.
ALERT_ORDER = ("sql_reached", "mql_reached", "tier_dropped", "score_dropped", "grade_changed")


def recent_alerts(
    pub: Publication, limit: int = 200, *, include_configuration: bool = False
) -> pd.DataFrame:
    """Alerts of the latest scored date (`score_alerts`): qualified, dropped, changed;
    within a type, the biggest move first. Alerts that a change of the rules explains
    (`alert_cause` = `configuration`) are left out unless `include_configuration`: a rule
    change would otherwise bury the alerts about what leads and customers did."""
    pub.require(["score_alerts"])
    causes = "" if include_configuration else " and alert_cause = 'behaviour'"
    alerts = pub.query(
        "select alert_type, alert_cause, entity_type, entity_id, model_id, reason, "
        "points_moved, as_of_date from score_alerts "
        f"where as_of_date = (select max(as_of_date) from score_alerts){causes}"
    )
    rank = alerts["alert_type"].map({kind: i for i, kind in enumerate(ALERT_ORDER)})
    alerts = alerts.assign(
        _rank=rank.fillna(len(ALERT_ORDER)), _moved=alerts["points_moved"].abs()
    ).sort_values(["_rank", "_moved", "entity_id"], ascending=[True, False, True])
    return alerts.drop(columns=["_rank", "_moved"]).head(limit).reset_index(drop=True)


def alert_counts(pub: Publication) -> pd.DataFrame:
    """How many alerts of each type and cause (`behaviour`, `configuration`) the latest
    scored date raised: the MQLs new that day are the `mql_reached` ones, those a rule
    change caused counted apart."""
    pub.require(["score_alerts"])
    return pub.query(
        "select alert_type, alert_cause, count(*) as alerts from score_alerts "
        "where as_of_date = (select max(as_of_date) from score_alerts) "
        "group by alert_type, alert_cause order by alert_type, alert_cause"
    )


def account_grades(pub: Publication, model_id: str) -> pd.DataFrame:
    """Accounts per grade and stage under a model, with their open pipeline and the
    grade's expected conversion."""
    pub.require(["account_scores"])
    return pub.query(
        "select account_grade, account_stage, count(*) as accounts, "
        "sum(open_pipeline_amount) as open_pipeline, "
        "any_value(expected_conversion_rate) as expected_conversion_rate, "
        "any_value(expected_conversion_entities) as expected_conversion_entities "
        "from account_scores where model_id = ? "
        "group by account_grade, account_stage order by account_grade, account_stage",
        [model_id],
    )


# Model performance -------------------------------------------------------------------


def performance_models(pub: Publication) -> list[str]:
    pub.require(["model_performance_summary"])
    models = pub.query("select distinct model_id from model_performance_summary")
    return sorted(models["model_id"], key=lambda model: (model != "acquisition", model))


def performance_summary(pub: Publication) -> pd.DataFrame:
    """AUC, base rate, grade changes and the volume effect (MQLs per backtest date, new
    MQLs and new calls per day) per rule set and model."""
    pub.require(["model_performance_summary"])
    return pub.query(
        "select rule_set, model_id, backtest_dates, entities, conversions, base_rate, roc_auc, "
        "grade_changes, mqls_per_date, new_mqls_per_day, new_calls_per_day "
        "from model_performance_summary order by model_id, rule_set <> 'current', rule_set"
    )


def performance_by_grade(pub: Publication, model_id: str) -> pd.DataFrame:
    """Conversion, lift and share of conversions per grade and rule set (best grade
    first: fit grade, then engagement level)."""
    pub.require(["model_performance"])
    return pub.query(
        "select rule_set, grade, entities, conversions, conversion_rate, lift, "
        "share_of_conversions from model_performance where model_id = ? "
        "order by rule_set <> 'current', rule_set, grade",
        [model_id],
    )


def calibration(pub: Publication, model_id: str) -> pd.DataFrame:
    """Per rule set and grade: its conversion on the earlier backtest dates (predicted)
    against its conversion on the latest one, which those dates never saw (observed)."""
    pub.require(["model_calibration"])
    return pub.query(
        "select rule_set, grade, latest_backtest_date, predicted_from_entities, "
        "predicted_conversion_rate, observed_entities, observed_conversions, "
        "observed_conversion_rate from model_calibration where model_id = ? "
        "order by rule_set <> 'current', rule_set, grade",
        [model_id],
    )


def grade_order(grade: str) -> tuple[int, str]:
    """Best first: value tiers in their order, then combined grades A1, A2 ... D4."""
    return (VALUE_TIERS.index(grade), "") if grade in VALUE_TIERS else (len(VALUE_TIERS), grade)


def gains_curve(by_grade: pd.DataFrame) -> pd.DataFrame:
    """Cumulative gains per rule set: working the grades from the best (A1) down, the
    share of all entities contacted against the share of all conversions captured. The
    diagonal is a random order; the higher the curve, the better the grades rank."""
    rows = []
    for rule_set, grades in by_grade.groupby("rule_set", sort=False):
        entities, conversions = grades["entities"].sum(), grades["conversions"].sum()
        rows.append((rule_set, "", 0.0, 0.0))
        seen_entities = seen_conversions = 0
        ordered = sorted(
            grades[["grade", "entities", "conversions"]].itertuples(index=False),
            key=lambda row: grade_order(row.grade),
        )
        for grade, n, converted in ordered:
            seen_entities += n
            seen_conversions += converted
            rows.append(
                (
                    rule_set,
                    grade,
                    seen_entities / entities if entities else 0.0,
                    seen_conversions / conversions if conversions else 0.0,
                )
            )
    return pd.DataFrame(
        rows, columns=["rule_set", "grade", "share_of_entities", "share_of_conversions"]
    )


def whatif_comparison(by_grade: pd.DataFrame) -> pd.DataFrame:
    """Conversion rate per grade under the current rules beside each candidate rule set."""
    wide = by_grade.pivot_table(
        index="grade", columns="rule_set", values="conversion_rate", aggfunc="first"
    )
    wide.columns.name = None
    return wide.reset_index()
