"""The dashboard, headless (`streamlit.testing`): every view against a real publication.

The publication is the `make dbt-test` warehouse's BI marts, published into a temporary
folder as `scorehouse publish` does. Each view's numbers are checked against SQL on that
file; bad input (no file, a missing table, the build's warehouse) shows a clear error.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import published
from scorehouse.contract import PROJECT_DIR
from tests_py.bi_warehouse import built_test_warehouse, published_test_marts, query

APP = str(PROJECT_DIR / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    return published_test_marts(tmp_path_factory.mktemp("dashboard"))


def run_app(monkeypatch, db: Path, view: str, **params: str) -> AppTest:
    monkeypatch.setenv("SCOREHOUSE_PUBLISHED_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["view"] = view
    for key, value in params.items():
        app.query_params[key] = value
    return app.run()


def assert_clean(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metric(app: AppTest, label: str) -> str:
    values = [m.value for m in app.metric if m.label == label]
    assert values, f"no metric {label!r}: {[m.label for m in app.metric]}"
    return values[0]


def texts(app: AppTest) -> str:
    parts = [e.value for e in [*app.header, *app.subheader, *app.markdown, *app.caption]]
    return "\n".join(str(part) for part in parts)


def scoring_day_end(db: Path) -> dt.datetime:
    (as_of,) = query(db, "select scored_as_of from _publication")[0]
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


# Views -------------------------------------------------------------------------------


def test_the_matrix_shows_lead_counts_per_grade(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "matrix")
    assert_clean(app)
    counts = dict(
        query(
            publication,
            "select lead_grade, count(*) from lead_scores where model_id = 'acquisition' "
            "group by lead_grade",
        )
    )
    assert counts.get("A1", 0) > 0
    assert metric(app, "A1 leads") == f"{counts['A1']:,}"
    assert metric(app, "Leads") == f"{sum(counts.values()):,}"
    table = app.table[0].value
    for fit in "ABCD":
        for level in "1234":
            assert table.loc[fit, f"level {level}"] == counts.get(fit + level, 0)
    assert app.get("vega_lite_chart"), "the heatmap is missing"


def test_call_today_lists_the_leads_due_with_their_reasons(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "call-today")
    assert_clean(app)
    due = query(
        publication,
        "select contact_id, lead_grade from lead_scores where model_id = 'acquisition' "
        "and is_mql and sla_due_at <= ? order by sla_due_at, total_score desc, contact_id",
        [scoring_day_end(publication)],
    )
    assert any(grade == "A1" for _, grade in due), "the test data should have an A1 lead due"
    listed = app.dataframe[0].value
    assert list(listed["contact_id"]) == [contact for contact, _ in due]
    assert metric(app, "Leads to call") == f"{len(due):,}"
    assert f"Most urgent: **{due[0][0]}**" in texts(app)
    assert listed["top_reasons"].notna().all()
    rate, entities = query(
        publication,
        "select expected_conversion_rate, expected_conversion_entities from lead_scores "
        "where model_id = 'acquisition' and contact_id = ?",
        [due[0][0]],
    )[0]
    assert listed["expected_conversion"].iloc[0] == f"{rate:.1%} (of {entities:,} backtest leads)"
    reasons = app.table[0].value
    assert len(reasons) > 0 and (reasons["Points"].str.replace(",", "").astype(float) > 0).all()

    # Only the A1 leads, as a salesperson starting the day would ask.
    app.multiselect[0].set_value(["A1"]).run()
    assert_clean(app)
    a1 = [contact for contact, grade in due if grade == "A1"]
    assert list(app.dataframe[0].value["contact_id"]) == a1
    assert metric(app, "Leads to call") == f"{len(a1):,}"


def test_call_today_opens_on_the_grades_in_the_address(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "call-today", grades="A1,Z9")
    assert_clean(app)
    assert app.multiselect[0].value == ["A1"]
    assert set(app.dataframe[0].value["lead_grade"]) == {"A1"}


def test_call_today_can_show_every_lead_with_a_service_level(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "call-today")
    app.radio(key="call_scope").set_value("Every MQL with a service level").run()
    assert_clean(app)
    (with_sla,) = query(
        publication,
        "select count(*) from lead_scores where model_id = 'acquisition' and is_mql "
        "and sla_due_at is not null",
    )[0]
    assert len(app.dataframe[0].value) == with_sla


def test_explain_a_lead_rule_by_rule_with_its_history(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "explain")
    assert_clean(app)
    # By default the highest-scoring lead.
    contact, grade, total, fit, engagement, rate, entities = query(
        publication,
        "select contact_id, lead_grade, total_score, fit_score, engagement_score, "
        "expected_conversion_rate, expected_conversion_entities "
        "from lead_scores where model_id = 'acquisition' "
        "order by total_score desc, contact_id limit 1",
    )[0]
    assert f"{contact}: {grade}, total score {total:.1f}" in texts(app)
    assert f"{rate:.1%} (of {entities:,} backtest leads)" in texts(app)
    rules = query(
        publication,
        "select rule_id from lead_score_breakdown where contact_id = ? and model_id = ?",
        [contact, "acquisition"],
    )
    table = app.table[0].value
    assert sorted(table.index) == sorted(rule for (rule,) in rules)
    assert f"**fit** = {fit:.2f}" in texts(app)
    assert f"**engagement** = {engagement:.2f}" in texts(app)
    assert len(app.get("vega_lite_chart")) == 2  # points per rule, history

    # Another lead, typed in: an A1 lead that SQL finds.
    (a1,) = query(publication, "select min(contact_id) from lead_scores where lead_grade = 'A1'")[0]
    app.text_input(key="explain_lead_id_acquisition").input(a1).run()
    assert_clean(app)
    assert f"{a1}: A1" in texts(app)


def test_explain_an_account_and_a_customer(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "explain")
    app.radio(key="explain_kind").set_value("Account").run()
    assert_clean(app)
    account, total = query(
        publication,
        "select account_id, total_score from account_scores where model_id = 'acquisition' "
        "order by total_score desc, account_id limit 1",
    )[0]
    assert f"{account}: " in texts(app) and f"total score {total:.1f}" in texts(app)
    assert "**Expected conversion** (the grade's, in the backtests): no backtest" in texts(app)
    assert (
        len(app.table[0].value)
        == query(
            publication,
            "select count(*) from account_score_breakdown where account_id = ? and model_id = ?",
            [account, "acquisition"],
        )[0][0]
    )

    app.selectbox(key="explain_account_model").set_value("customer_health").run()
    assert_clean(app)
    customer, tier = query(
        publication,
        "select account_id, value_tier from customer_health "
        "order by health_score desc, account_id limit 1",
    )[0]
    assert f"{customer}: {tier}" in texts(app)


def test_an_unknown_id_is_a_warning_not_an_error(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "explain", lead="CON-NOPE")
    assert_clean(app)
    assert "CON-NOPE is not scored" in app.warning[0].value


def test_tiers_and_risk_alerts(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "tiers")
    assert_clean(app)
    customers, at_risk, arr_at_risk = query(
        publication,
        "select count(*), count(case when is_at_risk then 1 end), "
        "sum(case when is_at_risk then arr else 0 end) from customer_health",
    )[0]
    assert at_risk > 0
    assert metric(app, "Customers") == f"{customers:,}"
    assert metric(app, "Customers at risk") == f"{at_risk:,}"
    assert metric(app, "ARR at risk") == f"{arr_at_risk:,.0f}"
    tiers = app.table[0].value
    by_tier = dict(
        query(publication, "select value_tier, count(*) from customer_health group by all")
    )
    assert {tier: tiers.loc[tier, "Customers"] for tier in tiers.index} == by_tier
    risks = app.dataframe[0].value
    assert set(risks["account_id"]) == {
        account
        for (account,) in query(
            publication, "select account_id from customer_health where is_at_risk"
        )
    }
    assert risks["risk_reasons"].notna().all()
    # Account grades under the contact model: no account backtest behind them.
    grades = app.table[1].value
    assert set(grades["Expected conversion"]) == {"no backtest"}

    app.selectbox(key="tiers_model").set_value("expansion").run()
    assert_clean(app)
    expected = query(
        publication,
        "select distinct account_grade, expected_conversion_rate, expected_conversion_entities "
        "from account_scores where model_id = 'expansion' and expected_conversion_rate is not null",
    )
    assert expected
    grades = app.table[1].value
    for grade, rate, entities in expected:
        assert grades.loc[grade, "Expected conversion"] == (
            f"{rate:.1%} (of {entities:,} backtest accounts)"
        )


def test_score_alerts_come_most_actionable_first(monkeypatch, publication, tmp_path):
    # The test build scores one date, so it has no alerts (they compare two dates): add
    # some, as a second scored date would, to a copy of the publication.
    copy = tmp_path / "alerts.duckdb"
    shutil.copy(publication, copy)
    con = duckdb.connect(str(copy))
    con.execute(
        "insert into score_alerts select * from (values "
        "('account', 'ACC-1', 'retention', 'v1', 'v1', 'grade_changed', 'behaviour', "
        " 'grade changed from B1 to A1', 50.0, 30.0, 20.0, date '2026-11-01', date '2026-10-31'), "
        "('account', 'ACC-2', 'customer_health', 'v1', 'v1', 'tier_dropped', 'behaviour', "
        " 'tier dropped', 40.0, 60.0, -20.0, date '2026-11-01', date '2026-10-31'), "
        "('contact', 'CON-3', 'acquisition', 'v2', 'v1', 'mql_reached', 'behaviour', "
        " 'reached MQL', 61.0, 55.0, 6.0, date '2026-11-01', date '2026-10-31'), "
        "('account', 'ACC-4', 'retention', 'v1', 'v1', 'grade_changed', 'behaviour', "
        " 'grade changed from A1 to C1', 10.0, 40.0, -30.0, date '2026-11-01', date '2026-10-31'), "
        # The rule change of acquisition alone made CON-6 an MQL: left out unless asked.
        "('contact', 'CON-6', 'acquisition', 'v2', 'v1', 'mql_reached', 'configuration', "
        " 'reached MQL', 70.0, 50.0, 20.0, date '2026-11-01', date '2026-10-31'), "
        "('account', 'ACC-5', 'retention', 'v1', 'v1', 'grade_changed', 'behaviour', "
        " 'an older alert', 10.0, 90.0, -80.0, date '2026-10-31', date '2026-10-30'))"
    )
    con.close()
    alerts = published.recent_alerts(published.open_publication(copy))
    assert list(alerts["entity_id"]) == ["CON-3", "ACC-2", "ACC-4", "ACC-1"]
    every = published.recent_alerts(published.open_publication(copy), include_configuration=True)
    assert list(every["entity_id"]) == ["CON-6", "CON-3", "ACC-2", "ACC-4", "ACC-1"]
    app = run_app(monkeypatch, copy, "tiers")
    assert_clean(app)
    assert "1 mql_reached, 1 tier_dropped, 2 grade_changed" in texts(app)
    assert "1 caused by a rule change left out" in texts(app)
    assert list(app.dataframe[1].value["entity_id"]) == ["CON-3", "ACC-2", "ACC-4", "ACC-1"]
    app.toggle(key="alert_configuration").set_value(True).run()
    assert_clean(app)
    assert "2 mql_reached, 1 tier_dropped, 2 grade_changed" in texts(app)
    assert list(app.dataframe[1].value["entity_id"]) == [
        "CON-6",
        "CON-3",
        "ACC-2",
        "ACC-4",
        "ACC-1",
    ]


def test_model_performance_shows_auc_lift_and_the_what_if(monkeypatch, publication):
    app = run_app(monkeypatch, publication, "performance")
    assert_clean(app)
    aucs = dict(
        query(
            publication,
            "select rule_set, roc_auc from model_performance_summary "
            "where model_id = 'acquisition'",
        )
    )
    assert "current" in aucs and len(aucs) == 2, "the test build has a what-if candidate"
    for rule_set, auc in aucs.items():
        assert metric(app, f"AUC, {rule_set}") == f"{auc:.3f}"
    comparison = app.table[1].value
    rates = dict(
        query(
            publication,
            "select grade, conversion_rate from model_performance "
            "where model_id = 'acquisition' and rule_set = 'current'",
        )
    )
    assert {grade: comparison.loc[grade, "current"] for grade in rates} == {
        grade: f"{rate:.1%}" for grade, rate in rates.items()
    }
    assert len(app.get("vega_lite_chart")) == 3  # conversion by grade, lift, calibration
    (latest,) = query(
        publication,
        "select max(latest_backtest_date) from model_calibration where model_id = 'acquisition'",
    )[0]
    assert f"latest, {latest:%Y-%m-%d}, which those dates never saw" in texts(app)


# The data module ---------------------------------------------------------------------


def test_the_gains_curve_climbs_from_the_best_grade():
    by_grade = pd.DataFrame(
        {
            "rule_set": ["current"] * 3,
            "grade": ["B1", "A1", "D4"],
            "entities": [30, 10, 60],
            "conversions": [3, 5, 2],
        }
    )
    curve = published.gains_curve(by_grade)
    assert list(curve["grade"]) == ["", "A1", "B1", "D4"]
    assert list(curve["share_of_entities"]) == [0.0, 0.1, 0.4, 1.0]
    assert list(curve["share_of_conversions"]) == [0.0, 0.5, 0.8, 1.0]


def test_calibration_has_both_rule_sets_per_grade(publication):
    with published.open_publication(publication) as pub:
        calibration = published.calibration(pub, "acquisition")
    expected = query(
        publication,
        "select rule_set, grade, predicted_conversion_rate, observed_conversion_rate "
        "from model_calibration where model_id = 'acquisition'",
    )
    assert len(calibration) == len(expected) > 0
    assert set(calibration["rule_set"]) == {"current", "pricing_focus"}
    assert calibration["rule_set"].iloc[0] == "current"
    rates = calibration[["predicted_conversion_rate", "observed_conversion_rate"]]
    assert rates.stack().between(0, 1).all()


def test_expected_conversion_text():
    assert published.expected_conversion(0.121, 4460, "leads") == (
        "12.1% (of 4,460 backtest leads)"
    )
    assert published.expected_conversion(None, 0, "leads") == "no backtest"
    assert published.expected_conversion(float("nan"), 0, "accounts") == "no backtest"
    rows = pd.DataFrame(
        {"expected_conversion_rate": [0.5, None], "expected_conversion_entities": [2, 0]}
    )
    assert published.expected_conversions(rows, "accounts") == [
        "50.0% (of 2 backtest accounts)",
        "no backtest",
    ]


def test_the_dashboard_opens_the_publication_read_only(publication):
    before = publication.read_bytes()
    pub = published.open_publication(publication)
    assert pub.query("select count(*) as n from lead_scores")["n"].iloc[0] > 0
    with pytest.raises(duckdb.Error, match="read-only"):
        pub.query("create table dashboard_wrote_this as select 1")
    assert publication.read_bytes() == before


# Bad input ---------------------------------------------------------------------------


def test_no_publication_says_run_make_demo_first(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "nothing.duckdb", "matrix")
    assert not app.exception
    assert "run `make demo` first" in app.error[0].value


@pytest.mark.parametrize(
    ("table", "view"),
    # model_calibration: a publication written before the mart existed.
    [("customer_health", "tiers"), ("model_calibration", "performance")],
)
def test_a_missing_table_is_named(monkeypatch, publication, tmp_path, table, view):
    broken = tmp_path / "broken.duckdb"
    shutil.copy(publication, broken)
    con = duckdb.connect(str(broken))
    con.execute(f"drop table {table}")
    con.close()
    app = run_app(monkeypatch, broken, view)
    assert not app.exception
    assert f"has no table {table}" in app.error[0].value
    # The other views still work.
    assert_clean(run_app(monkeypatch, broken, "matrix"))


def test_the_build_warehouse_is_refused(monkeypatch, tmp_path):
    build = tmp_path / "build.duckdb"
    shutil.copy(built_test_warehouse(), build)
    app = run_app(monkeypatch, build, "matrix")
    assert not app.exception
    assert "not a Scorehouse publication" in app.error[0].value
