"""Scorehouse dashboard: what sales, marketing and customer success look at every day.

Start it with `make dashboard` (or `.venv/bin/streamlit run dashboard/app.py`). It reads
the published marts read-only (`data/published/scorehouse.duckdb`, or
`SCOREHOUSE_PUBLISHED_DB`); `dashboard/published.py` does all the reading, this file
only lays the numbers out. Views (`?view=<key>` in the address opens one):

- `matrix`       the A1...D4 matrix of lead counts;
- `call-today`   MQL leads due under their service level, with the top reasons (leads
                 that only a rule change qualified are left out unless asked);
- `explain`      one lead's or one account's score, rule by rule, with its history;
- `tiers`        account grades, customer value tiers and risk and score alerts (alerts a
                 rule change caused are left out unless asked);
- `performance`  conversion by grade, lift curve, calibration, AUC and the what-if rule set,
                 with its volume effect (MQLs per date, new MQLs and calls per day).

Where a lead's or an account's grade is shown, so is its expected conversion: the
grade's conversion in the backtests (`expected_conversion_rate`).
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project folder.
if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import altair as alt  # noqa: E402
import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import published as data  # noqa: E402
from dashboard.published import Publication, PublicationError  # noqa: E402

# What the explanation shows for a rule whose signal has no date (never decayed).
UNDATED = "undated, not decayed"

VIEWS = {
    "matrix": "Lead matrix",
    "call-today": "Call today",
    "explain": "Explain a score",
    "tiers": "Accounts & customers",
    "performance": "Model performance",
}


def money(value: float | None) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:,.0f}"


def pick_model(label: str, models: list[str], key: str) -> str | None:
    """A model picker, shown only when there is a choice."""
    if not models:
        return None
    if len(models) == 1:
        return models[0]
    return st.selectbox(label, models, key=key)


# Views -------------------------------------------------------------------------------


def view_matrix(pub: Publication) -> None:
    st.header("Lead matrix: A1...D4")
    st.caption(
        "Leads per fit grade (who they are, A best) and engagement level (what they did, "
        "1 most engaged). Work the top-left corner first."
    )
    model_id = pick_model("Scoring model", data.lead_models(pub), "matrix_model")
    if model_id is None:
        st.info("No lead is scored in this publication.")
        return
    matrix = data.grade_matrix(pub, model_id)
    a1 = matrix.loc[matrix["lead_grade"] == "A1", "leads"].iloc[0]
    cols = st.columns(4)
    cols[0].metric("Leads", f"{matrix['leads'].sum():,}")
    cols[1].metric("MQLs", f"{matrix['mqls'].sum():,}")
    cols[2].metric("A1 leads", f"{a1:,}")
    cols[3].metric("A1 MQLs", f"{matrix.loc[matrix['lead_grade'] == 'A1', 'mqls'].iloc[0]:,}")

    matrix["label"] = matrix["lead_grade"] + ": " + matrix["leads"].map("{:,}".format)
    base = alt.Chart(matrix).encode(
        x=alt.X(
            "engagement_level:O",
            title="Engagement level (1 = most engaged)",
            axis=alt.Axis(labelAngle=0, orient="top"),
        ),
        y=alt.Y("fit_grade:O", title="Fit grade (A = best fit)"),
    )
    heatmap = base.mark_rect().encode(
        color=alt.Color("leads:Q", title="Leads", scale=alt.Scale(scheme="blues")),
        tooltip=["lead_grade", "leads", "mqls"],
    )
    labels = base.mark_text(fontSize=15).encode(
        text="label:N",
        color=alt.condition(
            alt.datum.leads > matrix["leads"].max() / 2, alt.value("white"), alt.value("black")
        ),
    )
    st.altair_chart((heatmap + labels).properties(height=320), width="stretch")

    table = matrix.pivot(index="fit_grade", columns="engagement_level", values="leads")
    table.columns = [f"level {level}" for level in table.columns]
    table.index.name = "fit grade"
    st.subheader("Lead counts")
    st.table(table)


def view_call_today(pub: Publication) -> None:
    st.header("Call today")
    today = pub.scored_as_of
    st.caption(
        f"MQL leads whose service level falls due by the end of the scoring date, "
        f"{today:%Y-%m-%d} (overdue ones included), most urgent first. The due time is the "
        "qualifying action's time (or the scoring date) plus the grade's response hours."
    )
    model_id = pick_model("Scoring model", data.lead_models(pub), "call_model")
    if model_id is None:
        st.info("No lead is scored in this publication.")
        return
    scope = st.radio(
        "Show",
        ["Due today (and overdue)", "Every MQL with a service level"],
        horizontal=True,
        key="call_scope",
    )
    with_configuration = st.toggle(
        "Include leads qualified only by a rule change",
        value=False,
        key="call_configuration",
        help="Leads whose MQL status a change of the scoring rules explains (their MQL "
        "alert's cause is `configuration`), not anything they did.",
    )
    listed = data.leads_due(
        pub, model_id, today_only=scope.startswith("Due today"), include_configuration=True
    )
    by_configuration = listed[listed["qualified_by"] == "configuration"]
    everyone = listed if with_configuration else listed[listed["qualified_by"] == "behaviour"]
    grades = sorted(everyone["lead_grade"].unique())
    # `?grades=A1,B1` in the address preselects grades; none chosen means every grade.
    asked = [g for g in st.query_params.get("grades", "").split(",") if g in grades]
    chosen = st.multiselect(
        "Grades", grades, default=asked, placeholder="Every grade", key="call_grades"
    )
    leads = everyone[everyone["lead_grade"].isin(chosen or grades)].copy()
    leads["expected_conversion"] = data.expected_conversions(leads, "leads")

    overdue = leads[leads["sla_due_at"] < pd.Timestamp(today)]
    cols = st.columns(3)
    cols[0].metric("Leads to call", f"{len(leads):,}")
    cols[1].metric("Already overdue", f"{len(overdue):,}")
    cols[2].metric("A1 leads", f"{(leads['lead_grade'] == 'A1').sum():,}")
    if not by_configuration.empty:
        st.caption(
            f"{len(by_configuration):,} lead(s) qualified only by a rule change are "
            + ("listed, marked `configuration`." if with_configuration else "left out.")
        )
    if leads.empty:
        st.info("No lead is due under its service level for these grades.")
        return
    first = leads.iloc[0]
    st.markdown(
        f"Most urgent: **{first['contact_id']}** ({first['lead_grade']}, score "
        f"{first['total_score']:.1f}), due {first['sla_due_at']:%Y-%m-%d %H:%M} UTC."
    )
    st.dataframe(
        leads,
        hide_index=True,
        column_order=[
            "contact_id",
            "lead_grade",
            "total_score",
            "expected_conversion",
            "sla_due_at",
            "due_in_hours",
            "lifecycle_stage",
            "account_id",
            "top_reasons",
            *(["qualified_by"] if with_configuration else []),
        ],
        column_config={
            "contact_id": "Contact",
            "lead_grade": "Grade",
            "total_score": st.column_config.NumberColumn("Score", format="%.1f"),
            "expected_conversion": st.column_config.TextColumn(
                "Expected conversion", help="The grade's conversion in the backtests"
            ),
            "sla_due_at": st.column_config.DatetimeColumn("Due (UTC)", format="YYYY-MM-DD HH:mm"),
            "due_in_hours": st.column_config.NumberColumn(
                "Due in (h)", format="%.1f", help="From the scoring time; negative: overdue"
            ),
            "lifecycle_stage": "Stage",
            "account_id": "Account",
            "top_reasons": st.column_config.TextColumn("Top reasons", width="large"),
            "qualified_by": st.column_config.TextColumn(
                "Qualified by", help="`configuration`: only a rule change made it an MQL"
            ),
        },
    )
    st.subheader("Top reasons behind these calls")
    reasons = data.due_reasons(pub, model_id, list(leads["contact_id"]))
    st.altair_chart(
        alt.Chart(reasons)
        .mark_bar()
        .encode(
            x=alt.X("points:Q", title="Points, summed over the leads"),
            y=alt.Y("rule_description:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420)),
            tooltip=["rule_description", "leads", "points"],
        )
        .properties(height=max(120, 28 * len(reasons))),
        width="stretch",
    )
    reasons["points"] = reasons["points"].map("{:,.1f}".format)
    st.table(
        reasons.rename(
            columns={"rule_description": "Rule", "leads": "Leads", "points": "Points"}
        ).set_index("Rule")
    )


def view_explain(pub: Publication) -> None:
    st.header("Explain a score")
    kind = st.radio("Explain", ["Lead", "Account"], horizontal=True, key="explain_kind")
    # `?lead=<contact id>` or `?account=<account id>` in the address picks the entity.
    if kind == "Lead":
        entity_type, param, label = "contact", "lead", "Contact id"
        models, find_top, find_row = data.lead_models(pub), data.top_lead, data.lead
    else:
        entity_type, param, label = "account", "account", "Account id"
        models, find_top, find_row = data.account_models(pub), data.top_account, data.account
    model_id = pick_model("Scoring model", models, f"explain_{param}_model")
    default = (find_top(pub, model_id) if model_id else None) or ""
    entity_id = st.text_input(
        label, value=st.query_params.get(param, default), key=f"explain_{param}_id_{model_id}"
    ).strip()
    row = find_row(pub, entity_id, model_id) if model_id and entity_id else None
    if row is None:
        st.warning(f"{kind} {entity_id or '(none)'} is not scored by model {model_id}.")
        return
    breakdown = data.breakdown(pub, entity_type, entity_id, model_id)

    grade_column = next(c for c in ("lead_grade", "account_grade", "value_tier") if c in row)
    st.subheader(f"{entity_id}: {row[grade_column]}, total score {row['total_score']:.1f}")
    cols = st.columns(4)
    cols[0].metric("Total score", f"{row['total_score']:.1f}")
    if "fit_score" in row:
        cols[1].metric("Fit score", f"{row['fit_score']:.1f}", help="Fit grade " + row["fit_grade"])
        cols[2].metric(
            "Engagement score",
            f"{row['engagement_score']:.1f}",
            help="Engagement level " + row["engagement_level"],
        )
    else:
        cols[1].metric("Value tier", row["value_tier"])
        cols[2].metric("ARR", money(row["arr"]))
    cols[3].metric("Rules that scored", f"{len(breakdown):,}")
    if "expected_conversion_rate" in row:
        expected = data.expected_conversion(
            row["expected_conversion_rate"],
            row["expected_conversion_entities"],
            "leads" if entity_type == "contact" else "accounts",
        )
        st.markdown(f"**Expected conversion** (the grade's, in the backtests): {expected}")
    if isinstance(row.get("top_reasons"), str):
        st.markdown(f"**Top reasons:** {row['top_reasons']}")
    if isinstance(row.get("risk_reasons"), str):
        st.warning(f"At risk: {row['risk_reasons']}")

    st.subheader("Rule by rule")
    st.caption(
        "Base points (points x occurrences), after recency decay, then after the rule, "
        "category and floor caps. Per dimension, the capped points add up to its score "
        "(for an account under a contact model: to its fit before it is scaled to 0-100). "
        f"'{UNDATED}': the rule scored an attribute (a field, or an activity logged "
        "without a date), which has no age, so it is not decayed."
    )
    totals = data.dimension_totals(breakdown)
    st.markdown(
        " · ".join(
            f"**{dimension}** = {points:.2f} from {rules} rule(s)"
            for dimension, rules, points in totals.itertuples(index=False)
        )
    )
    if not breakdown.empty:
        st.altair_chart(
            alt.Chart(breakdown)
            .mark_bar()
            .encode(
                x=alt.X("capped_points:Q", title="Points"),
                y=alt.Y("rule_description:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420)),
                color=alt.Color("dimension:N", title="Dimension"),
                tooltip=[
                    "rule_id",
                    "occurrences",
                    "base_points",
                    "decayed_points",
                    "capped_points",
                ],
            )
            .properties(height=max(120, 26 * len(breakdown))),
            width="stretch",
        )
        shown = breakdown.drop(columns=["category_id"]).copy()
        for column in ("base_points", "decayed_points", "capped_points"):
            shown[column] = shown[column].map("{:.2f}".format)
        shown["last_occurred_at"] = (
            shown["last_occurred_at"].dt.strftime("%Y-%m-%d").fillna(UNDATED)
        )
        st.table(shown.set_index("rule_id"))

    st.subheader("History")
    past = data.history(pub, entity_type, entity_id, model_id)
    if past.empty:
        st.info("No scored date in score_history yet.")
        return
    st.altair_chart(
        alt.Chart(past)
        .mark_line(point=True)
        .encode(
            x=alt.X("as_of_date:T", title="Scored as of"),
            y=alt.Y("total_score:Q", title="Total score", scale=alt.Scale(domain=[0, 100])),
            tooltip=["as_of_date", "total_score", "grade", "value_tier", "rule_set_version"],
        )
        .properties(height=260),
        width="stretch",
    )
    if len(past) == 1:
        st.caption(
            "One scored date so far. Daily runs add one each; `scorehouse backfill` scores "
            "past dates."
        )


def view_tiers(pub: Publication) -> None:
    st.header("Accounts & customers")
    tiers = data.customer_tiers(pub)
    cols = st.columns(4)
    cols[0].metric("Customers", f"{tiers['customers'].sum():,}")
    cols[1].metric("ARR", money(tiers["arr"].sum()))
    cols[2].metric("Customers at risk", f"{tiers['at_risk'].sum():,}")
    cols[3].metric("ARR at risk", money(tiers["arr_at_risk"].sum()))

    st.subheader("Customer value tiers")
    left, right = st.columns([2, 3])
    left.altair_chart(
        alt.Chart(tiers)
        .mark_bar()
        .encode(
            x=alt.X(
                "value_tier:N",
                sort=list(data.VALUE_TIERS),
                title="Value tier",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("customers:Q", title="Customers"),
            tooltip=["value_tier", "customers", "at_risk", "arr", "arr_at_risk"],
        )
        .properties(height=260),
        width="stretch",
    )
    shown = tiers.copy()
    shown["arr"] = shown["arr"].map(money)
    shown["arr_at_risk"] = shown["arr_at_risk"].map(money)
    shown["average_health"] = shown["average_health"].map("{:.1f}".format)
    right.table(
        shown.rename(
            columns={
                "value_tier": "Tier",
                "customers": "Customers",
                "at_risk": "At risk",
                "expansion_signals": "Expansion signals",
                "arr": "ARR",
                "arr_at_risk": "ARR at risk",
                "average_health": "Avg health",
            }
        ).set_index("Tier")
    )

    st.subheader("Risk alerts")
    at_risk = data.customers_at_risk(pub)
    if at_risk.empty:
        st.success("No customer is at risk.")
    else:
        st.caption(f"{len(at_risk):,} customer(s) at risk, the most ARR first.")
        st.dataframe(
            at_risk,
            hide_index=True,
            column_config={
                "account_id": "Account",
                "value_tier": "Tier",
                "health_score": st.column_config.NumberColumn("Health", format="%.1f"),
                "arr": st.column_config.NumberColumn("ARR", format="%,.0f"),
                "risk_reasons": st.column_config.TextColumn("Why", width="large"),
                "usage_trend_pct": st.column_config.NumberColumn("Usage trend %", format="%.0f"),
                "latest_nps": "NPS",
                "open_escalations": "Open escalations",
            },
        )
    with_configuration = st.toggle(
        "Include alerts caused by a rule change",
        value=False,
        key="alert_configuration",
        help="Alerts that a change of the scoring rules explains (cause `configuration`: "
        "the rule-set version changed and the behaviour alone would not raise them).",
    )
    counts = data.alert_counts(pub)
    alerts = data.recent_alerts(pub, include_configuration=with_configuration)
    if counts.empty:
        st.caption(
            "No score alerts (MQL reached, grade changed, tier or score dropped): alerts "
            "compare a scored date with the previous one, so they start with the second."
        )
    else:
        shown = counts if with_configuration else counts[counts["alert_cause"] == "behaviour"]
        per_type = shown.groupby("alert_type")["alerts"].sum().to_dict()
        by_configuration = int(counts.loc[counts["alert_cause"] == "configuration", "alerts"].sum())
        latest = pub.query("select max(as_of_date) as as_of_date from score_alerts")["as_of_date"]
        st.caption(
            f"Score alerts of {latest.iloc[0]:%Y-%m-%d}: "
            + (
                ", ".join(
                    f"{per_type[kind]:,} {kind}" for kind in data.ALERT_ORDER if kind in per_type
                )
                or "none"
            )
            + (f"; the first {len(alerts):,} shown" if sum(per_type.values()) > len(alerts) else "")
            + (
                f". {by_configuration:,} caused by a rule change "
                + ("included (cause `configuration`)." if with_configuration else "left out.")
                if by_configuration
                else ""
            )
        )
    if not alerts.empty:
        st.dataframe(
            alerts.drop(columns=["as_of_date"]),
            hide_index=True,
            column_config={
                "alert_type": "Alert",
                "alert_cause": "Cause",
                "entity_type": "Entity",
                "entity_id": "Id",
                "model_id": "Model",
                "reason": st.column_config.TextColumn("Reason", width="large"),
                "points_moved": st.column_config.NumberColumn("Points moved", format="%+.1f"),
            },
        )

    st.subheader("Account grades")
    model_id = pick_model("Account model", data.account_score_models(pub), "tiers_model")
    if model_id is None:
        st.info("No account is scored in this publication.")
        return
    grades = data.account_grades(pub, model_id)
    by_grade = grades.groupby("account_grade", as_index=False).agg(
        accounts=("accounts", "sum"),
        open_pipeline=("open_pipeline", "sum"),
        expected_conversion_rate=("expected_conversion_rate", "first"),
        expected_conversion_entities=("expected_conversion_entities", "first"),
    )
    left, right = st.columns([3, 2])
    left.altair_chart(
        alt.Chart(grades)
        .mark_bar()
        .encode(
            x=alt.X("account_grade:N", title="Account grade", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("accounts:Q", title="Accounts"),
            color=alt.Color("account_stage:N", title="Stage"),
            tooltip=["account_grade", "account_stage", "accounts", "open_pipeline"],
        )
        .properties(height=260),
        width="stretch",
    )
    by_grade["open_pipeline"] = by_grade["open_pipeline"].map(money)
    by_grade["expected_conversion"] = data.expected_conversions(by_grade, "accounts")
    right.table(
        by_grade[["account_grade", "accounts", "open_pipeline", "expected_conversion"]]
        .rename(
            columns={
                "account_grade": "Grade",
                "accounts": "Accounts",
                "open_pipeline": "Open pipeline",
                "expected_conversion": "Expected conversion",
            }
        )
        .set_index("Grade")
    )


def view_performance(pub: Publication) -> None:
    st.header("Model performance")
    st.caption(
        "Backtests: each model scored as of past dates with only the data before them, "
        "compared with what happened in the following horizon. `current` is today's rules; "
        "any other rule set is the what-if candidate."
    )
    model_id = pick_model("Model", data.performance_models(pub), "performance_model")
    if model_id is None:
        st.info("No backtest in this publication (var scorehouse_backtest_count is 0).")
        return
    summary = data.performance_summary(pub)
    summary = summary[summary["model_id"] == model_id]
    cols = st.columns(len(summary) + 1)
    aucs = summary[["rule_set", "roc_auc"]].itertuples(index=False)
    for col, (rule_set, auc) in zip(cols, aucs, strict=False):
        col.metric(f"AUC, {rule_set}", "-" if pd.isna(auc) else f"{auc:.3f}")
    current = summary[summary["rule_set"] == "current"]
    if not current.empty:
        cols[-1].metric("Base rate", f"{current['base_rate'].iloc[0]:.1%}")

    by_grade = data.performance_by_grade(pub, model_id)
    st.subheader("Conversion by grade")
    st.altair_chart(
        alt.Chart(by_grade)
        .mark_bar()
        .encode(
            x=alt.X("grade:N", title="Grade", axis=alt.Axis(labelAngle=0)),
            xOffset="rule_set:N",
            y=alt.Y("conversion_rate:Q", title="Conversion rate", axis=alt.Axis(format="%")),
            color=alt.Color("rule_set:N", title="Rule set"),
            tooltip=["rule_set", "grade", "entities", "conversions", "conversion_rate", "lift"],
        )
        .properties(height=280),
        width="stretch",
    )

    st.subheader("Lift curve")
    st.caption(
        "Cumulative gains: working the grades from A1 down, the share of all entities "
        "contacted (x) against the share of all conversions captured (y). The diagonal is "
        "a random order."
    )
    gains = data.gains_curve(by_grade)
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})).mark_line(
        strokeDash=[4, 4], color="gray"
    )
    curve = (
        alt.Chart(gains)
        .mark_line(point=True)
        .encode(
            x=alt.X("share_of_entities:Q", title="Share of entities", axis=alt.Axis(format="%")),
            y=alt.Y(
                "share_of_conversions:Q", title="Share of conversions", axis=alt.Axis(format="%")
            ),
            color=alt.Color("rule_set:N", title="Rule set"),
            tooltip=["rule_set", "grade", "share_of_entities", "share_of_conversions"],
        )
    )
    st.altair_chart(
        (diagonal.encode(x="x:Q", y="y:Q") + curve).properties(height=320), width="stretch"
    )

    st.subheader("Calibration")
    calibration = data.calibration(pub, model_id).dropna(
        subset=["predicted_conversion_rate", "observed_conversion_rate"]
    )
    if calibration.empty:
        st.info("No calibration: it needs a grade seen on two backtest dates or more.")
    else:
        st.caption(
            "Each point is a grade: its conversion on the earlier backtest dates, the "
            "expected conversion the scores show (x), against its conversion on the latest, "
            f"{calibration['latest_backtest_date'].max():%Y-%m-%d}, which those dates never "
            "saw (y); on the diagonal, the expected conversion held."
        )
        x = alt.X(
            "predicted_conversion_rate:Q",
            title="Predicted: conversion on the earlier dates",
            axis=alt.Axis(format="%"),
        )
        y = alt.Y(
            "observed_conversion_rate:Q",
            title="Observed: conversion on the latest date",
            axis=alt.Axis(format="%"),
        )
        rates = ["predicted_conversion_rate", "observed_conversion_rate"]
        top = calibration[rates].max().max()
        diagonal = alt.Chart(pd.DataFrame({rate: [0.0, top] for rate in rates})).mark_line(
            strokeDash=[4, 4], color="gray"
        )
        points = (
            alt.Chart(calibration)
            .mark_circle(opacity=0.7)
            .encode(
                x=x,
                y=y,
                color=alt.Color("rule_set:N", title="Rule set"),
                size=alt.Size(
                    "observed_entities:Q",
                    title="Entities, latest date",
                    scale=alt.Scale(range=[30, 600]),
                ),
                tooltip=[
                    "rule_set",
                    "grade",
                    "predicted_from_entities",
                    "predicted_conversion_rate",
                    "observed_entities",
                    "observed_conversions",
                    "observed_conversion_rate",
                ],
            )
        )
        st.altair_chart(
            (diagonal.encode(x=x, y=y) + points).properties(height=320), width="stretch"
        )

    st.subheader("What-if: current rules against the candidate")
    st.caption(
        "Volume: MQLs per backtest date (average), and the leads that became MQL, or MQL "
        "due a call under a service level, between consecutive backtest dates, per day: "
        "how many more or fewer calls the candidate would give sales."
    )
    shown = summary.copy()
    shown["base_rate"] = shown["base_rate"].map("{:.2%}".format)
    shown["roc_auc"] = shown["roc_auc"].map(lambda auc: "-" if pd.isna(auc) else f"{auc:.3f}")
    for column, digits in (("mqls_per_date", 1), ("new_mqls_per_day", 2), ("new_calls_per_day", 2)):
        shown[column] = shown[column].map(
            lambda value, digits=digits: "-" if pd.isna(value) else f"{value:,.{digits}f}"
        )
    st.table(
        shown.drop(columns=["model_id"])
        .rename(
            columns={
                "rule_set": "Rule set",
                "backtest_dates": "Backtest dates",
                "entities": "Entities",
                "conversions": "Conversions",
                "base_rate": "Base rate",
                "roc_auc": "AUC",
                "grade_changes": "Grades changed",
                "mqls_per_date": "MQLs per date",
                "new_mqls_per_day": "New MQLs per day",
                "new_calls_per_day": "New calls per day",
            }
        )
        .set_index("Rule set")
    )
    comparison = data.whatif_comparison(by_grade)
    for column in comparison.columns[1:]:
        comparison[column] = comparison[column].map(
            lambda rate: "-" if pd.isna(rate) else f"{rate:.1%}"
        )
    st.caption("Conversion rate per grade under each rule set")
    st.table(comparison.set_index("grade"))


RENDER = {
    "matrix": view_matrix,
    "call-today": view_call_today,
    "explain": view_explain,
    "tiers": view_tiers,
    "performance": view_performance,
}


def main() -> None:
    st.set_page_config(page_title="Scorehouse", page_icon=":bar_chart:", layout="wide")
    keys = list(VIEWS)
    requested = st.query_params.get("view", keys[0])
    view = st.sidebar.radio(
        "View",
        keys,
        index=keys.index(requested) if requested in keys else 0,
        format_func=VIEWS.get,
        key="view",
    )
    st.query_params["view"] = view
    try:
        # One publication for the whole page: every query of the view reads the file as
        # it was opened here, even if a new publication lands meanwhile; closed at the end.
        with data.open_publication() as pub:
            st.sidebar.caption(
                f"Scored as of **{pub.scored_as_of:%Y-%m-%d}**, published "
                f"{pub.published_at:%Y-%m-%d %H:%M} UTC.  \n`{pub.path}` (read-only)"
            )
            RENDER[view](pub)
    except PublicationError as exc:
        st.error(str(exc))
    except duckdb.Error as exc:
        st.error(
            f"The published marts could not be read ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}). Publish again with `make demo` or `scorehouse run`."
        )


main()
