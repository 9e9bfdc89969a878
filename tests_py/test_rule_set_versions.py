"""Rule-set versions: every score, history row and alert says which configuration scored
it, a rule change does not flood sales with alerts, and the what-if shows its volume.

One small history, built day by day in one warehouse, every day with the same vars (backtests
included), so that dbt parses the project once, from the session's parse:
- 2026-10-27, written as an older Scorehouse wrote it: in `intermediate.int_score_snapshots`,
  where releases before the mart `score_snapshots` kept the history, and without the
  history columns added since;
- 2026-10-28, the same seeds: its versions, and the old rows taken over by `score_snapshots`;
- 2026-10-29, after `pricing_page` went from 15 to 40 points: CON-CFG (a pricing page
  visit five days before) becomes an MQL and changes grade by configuration alone, while
  CON-BEH requests a demo that day (behaviour);
- 2026-10-30, same rules again, with the data tests: CON-LATER requests a demo (behaviour).
The first two days build the history and what it is made of (`+score_snapshots`); the
alerts and the other marts are built over the whole history on the last two.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import published
from scorehouse import calibrate as cal
from scorehouse.contract import PROJECT_DIR
from scorehouse.publish import BI_MARTS
from tests_py.conftest import NO_DATA_TESTS, Project, copy_project, write_raw
from tests_py.test_scoring_scenarios import account, contact, form

OLD_DAY, SAME_DAY, CHANGE_DAY, LATER_DAY = "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30"
MODELS_ONLY = ("build", *NO_DATA_TESTS)
HISTORY_ONLY = (*MODELS_ONLY, "--select", "+score_snapshots")
# What this change added to the history: an older warehouse has none of these columns.
NEW_HISTORY_COLUMNS = (
    "rule_set_version",
    "restated_as_of_date",
    "restated_grade",
    "restated_value_tier",
    "restated_total_score",
    "restated_is_mql",
    "restated_is_sql",
)
PRICING_15 = "page_view,contains,/pricing,,,15,exponential,14"
PRICING_40 = "page_view,contains,/pricing,,,40,exponential,14"


def pricing_view(view_id: str, contact_id: str, occurred_at: str) -> dict:
    return {
        "page_view_id": view_id,
        "anonymous_id": f"anon-{contact_id}",
        "contact_id": contact_id,
        "url": "https://www.scorehouse-demo.com/pricing",
        "referrer": "",
        "user_agent": "Mozilla/5.0",
        "occurred_at": occurred_at,
        "received_at": "",
    }


RAW = {
    "accounts": [
        account("ACC-1", "Acme", "acme.com", "Software", "500"),
        account("ACC-2", "Beta", "beta.com", "Software", "150"),
        account("ACC-3", "Gamma", "gamma.com", "Software", "150"),
    ],
    "contacts": [
        contact("CON-CFG", "ACC-1", "cfg@acme.com", "VP Marketing"),
        contact("CON-BEH", "ACC-2", "beh@beta.com", "Director of Sales"),
        contact("CON-LATER", "ACC-3", "later@gamma.com", "Director of Sales"),
    ],
    "page_views": [pricing_view("PV-1", "CON-CFG", "2026-10-23 10:00:00")],
    "form_submissions": [
        form("FS-1", "beh@beta.com", "", "demo_request", "2026-10-28 10:00:00"),
        form("FS-2", "later@gamma.com", "", "demo_request", "2026-10-29 10:00:00"),
        # On the backtest dates (2026-10-30 minus 90, 120 and 150 days): a demo request
        # qualifies for 30 days, so CON-CFG is an MQL on the second and CON-BEH on the
        # third only.
        form("FS-3", "cfg@acme.com", "", "demo_request", "2026-06-28 10:00:00"),
        form("FS-4", "beh@beta.com", "", "demo_request", "2026-07-28 10:00:00"),
    ],
}


def versions(project: Project) -> dict[str, str]:
    return dict(
        project.query("select model_id, rule_set_version from intermediate.int_rule_set_versions")
    )


def publish_marts(project: Project, target: Path, as_of: str) -> Path:
    """The BI marts copied into a publication the dashboard reads (scorehouse publish also
    runs the quality gate, which this small dataset is not made for)."""
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{project.db}' as warehouse (read_only)")
        for mart in BI_MARTS:
            con.execute(f"create table {mart} as select * from warehouse.marts.{mart}")
        con.execute(
            "create table _publication as select "
            f"timestamp '{as_of} 07:00:00' as published_at, date '{as_of}' as scored_as_of"
        )
    finally:
        con.close()
    return target


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    """The warehouse after each day, and what each day left behind."""
    folder = tmp_path_factory.mktemp("versions")
    project = copy_project(folder / "project")
    project.load(write_raw(project.path / "raw", RAW))
    seen: dict = {"project": project}

    project.dbt(*HISTORY_ONLY, as_of=OLD_DAY)
    seen["old_versions"] = versions(project)
    con = duckdb.connect(str(project.db))
    con.execute(
        "create table intermediate.int_score_snapshots as select * exclude ("
        f"{', '.join(NEW_HISTORY_COLUMNS)}) from marts.score_snapshots"
    )
    con.execute("drop table marts.score_snapshots")
    con.close()
    seen["old_rows"] = project.query("select * from intermediate.int_score_snapshots order by all")

    project.dbt(*HISTORY_ONLY, as_of=SAME_DAY)
    seen["same_versions"] = versions(project)
    seen["same_marts"] = project.query(
        "select distinct model_id, rule_set_version from marts.lead_scores union "
        "select distinct model_id, rule_set_version from marts.account_scores union "
        "select distinct model_id, rule_set_version from marts.customer_health"
    )
    seen["python_versions"] = cal.rule_set_versions(project.path)

    project.edit_seed("scoring/scoring_rules.csv", PRICING_15, PRICING_40)
    project.dbt(*MODELS_ONLY, as_of=CHANGE_DAY)
    seen["changed_versions"] = versions(project)
    seen["changed_python_versions"] = cal.rule_set_versions(project.path)
    # Every run but the backtests and what-ifs, which every day has.
    seen["change_day_runs"] = project.query(
        "select run_id, cast(as_of_at as date) from intermediate.int_scoring_runs "
        "where run_type not in ('backtest', 'whatif') order by 1"
    )
    seen["change_day_publication"] = publish_marts(
        project, folder / "change_day.duckdb", CHANGE_DAY
    )

    project.dbt("build", as_of=LATER_DAY)
    seen["later_day_runs"] = project.query(
        "select run_type from intermediate.int_scoring_runs group by 1 order by 1"
    )
    seen["later_day_publication"] = publish_marts(project, folder / "later_day.duckdb", LATER_DAY)
    return seen


def alerts(project: Project, day: str) -> dict[tuple[str, str], tuple]:
    rows = project.query(
        "select entity_id, alert_type, alert_cause, rule_set_version, previous_rule_set_version "
        f"from marts.score_alerts where as_of_date = '{day}'"
    )
    return {(entity, kind): tuple(rest) for entity, kind, *rest in rows}


# Versions ----------------------------------------------------------------------------


def test_the_same_seeds_give_the_same_versions_as_adopt_records(history):
    assert history["old_versions"] == history["same_versions"]
    assert len(set(history["same_versions"].values())) == len(history["same_versions"]) == 5
    # Every mart row carries its model's version (this data has prospects, no customers).
    assert ("acquisition", history["same_versions"]["acquisition"]) in history["same_marts"]
    assert all(history["same_versions"][m] == v for m, v in history["same_marts"])
    # `scorehouse adopt` records the same versions, written from the seed files.
    assert history["python_versions"] == history["same_versions"]
    shipped = cal.read_seed(PROJECT_DIR / "seeds" / "scoring" / "rule_set_versions.csv")[-1]
    assert shipped["config_hash"] == cal.config_hash(PROJECT_DIR)


def test_a_points_change_changes_the_version_of_its_model_only(history):
    before, after = history["same_versions"], history["changed_versions"]
    assert after["acquisition"] != before["acquisition"]
    assert {m: v for m, v in after.items() if m != "acquisition"} == {
        m: v for m, v in before.items() if m != "acquisition"
    }
    assert history["changed_python_versions"] == after


def test_a_config_text_written_from_the_seed_files_is_the_warehouses(history):
    project = history["project"]
    texts = dict(
        project.query("select model_id, config_text from intermediate.int_rule_set_versions")
    )
    assert texts == cal.config_texts(project.path)
    assert (
        "rule|pricing_page|engagement|web|page_view|contains|/pricing|||40.000000|"
        in (texts["acquisition"])
    )


# The history -------------------------------------------------------------------------


def test_an_earlier_releases_history_is_taken_over_with_its_missing_columns_null(history):
    project = history["project"]
    old_count = len(history["old_rows"])
    assert old_count > 0
    kept = project.query(
        "select count(*), count(rule_set_version), count(restated_as_of_date) "
        f"from marts.score_snapshots where as_of_date = '{OLD_DAY}'"
    )
    assert kept == [(old_count, 0, 0)]
    # Taken over value for value, and the earlier release's table left in place.
    columns = ", ".join(
        name
        for (name,) in project.query(
            "select column_name from information_schema.columns where table_schema = "
            "'intermediate' and table_name = 'int_score_snapshots' order by ordinal_position"
        )
    )
    taken_over = project.query(
        f"select {columns} from marts.score_snapshots where as_of_date = '{OLD_DAY}' order by all"
    )
    assert taken_over == history["old_rows"]
    (version,) = project.query(
        "select count(*) - count(rule_set_version) from marts.score_history "
        f"where as_of_date > '{OLD_DAY}'"
    )[0]
    assert version == 0
    # The day after the old history compares with an unknown version: behaviour, as before.
    assert all(
        cause == "behaviour" and previous is None
        for cause, _, previous in alerts(project, SAME_DAY).values()
    )


def test_the_change_day_rescores_the_previous_date_and_no_other_day_does(history):
    assert history["change_day_runs"] == [
        ("current", dt.date.fromisoformat(CHANGE_DAY)),
        ("restated", dt.date.fromisoformat(SAME_DAY)),
    ]
    assert ("restated",) not in history["later_day_runs"]
    assert ("backtest",) in history["later_day_runs"]


# Alerts ------------------------------------------------------------------------------


def test_a_rule_change_raises_configuration_alerts(history):
    project = history["project"]
    old, new = history["same_versions"]["acquisition"], history["changed_versions"]["acquisition"]
    found = alerts(project, CHANGE_DAY)
    for key in [
        ("CON-CFG", "mql_reached"),
        ("CON-CFG", "grade_changed"),
        ("ACC-1", "grade_changed"),
    ]:
        assert found[key] == ("configuration", new, old), key


def test_behaviour_is_behaviour_on_the_change_day_and_after(history):
    project = history["project"]
    new = history["changed_versions"]["acquisition"]
    on_change_day = alerts(project, CHANGE_DAY)
    for key in [
        ("CON-BEH", "mql_reached"),
        ("CON-BEH", "grade_changed"),
        ("ACC-2", "grade_changed"),
    ]:
        assert on_change_day[key][0] == "behaviour", key
    later = alerts(project, LATER_DAY)
    assert later[("CON-LATER", "mql_reached")] == ("behaviour", new, new)
    assert {cause for cause, _, _ in later.values()} == {"behaviour"}


# Dashboard ---------------------------------------------------------------------------


def test_the_call_list_leaves_leads_qualified_by_configuration_out(history):
    with published.open_publication(history["later_day_publication"]) as pub:
        default = published.leads_due(pub, "acquisition", today_only=False)
        every = published.leads_due(
            pub, "acquisition", today_only=False, include_configuration=True
        )
    assert set(default["contact_id"]) == {"CON-BEH", "CON-LATER"}
    assert dict(zip(every["contact_id"], every["qualified_by"], strict=True)) == {
        "CON-BEH": "behaviour",
        "CON-LATER": "behaviour",
        "CON-CFG": "configuration",
    }


def test_the_alert_list_leaves_configuration_alerts_out(monkeypatch, history):
    publication = history["change_day_publication"]
    with published.open_publication(publication) as pub:
        default = published.recent_alerts(pub)
        every = published.recent_alerts(pub, include_configuration=True)
        counts = published.alert_counts(pub)
    assert "CON-CFG" not in set(default["entity_id"]) and "CON-BEH" in set(default["entity_id"])
    assert set(every["entity_id"]) >= {"CON-CFG", "ACC-1", "CON-BEH", "ACC-2"}
    assert set(default["alert_cause"]) == {"behaviour"}
    # The MQLs new that day, counted apart by cause.
    mqls = counts[counts["alert_type"] == "mql_reached"].set_index("alert_cause")["alerts"]
    assert mqls.to_dict() == {"behaviour": 1, "configuration": 1}

    monkeypatch.setenv("SCOREHOUSE_PUBLISHED_DB", str(publication))
    app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=60)
    app.query_params["view"] = "tiers"
    app.run()
    assert not app.exception and not app.error
    listed = set(app.dataframe[-1].value["entity_id"])
    assert "CON-CFG" not in listed and "CON-BEH" in listed
    assert any("caused by a rule change left out" in c.value for c in app.caption)
    app.toggle(key="alert_configuration").set_value(True).run()
    assert "CON-CFG" in set(app.dataframe[-1].value["entity_id"])


# What-if volume ----------------------------------------------------------------------


def test_the_what_if_volume_is_calibrates(history):
    project = history["project"]
    summary = project.query(
        "select rule_set, model_id, mqls_per_date, new_mqls_per_day, new_calls_per_day "
        "from marts.model_performance_summary where model_id = 'acquisition' order by 1"
    )
    assert [row[0] for row in summary] == ["current", "pricing_focus"]
    con = duckdb.connect(str(project.db), read_only=True)
    try:
        for rule_set, model_id, *figures in summary:
            expected = cal._volume(cal._scored(con, model_id, rule_set), model_id, project.path)
            assert figures == pytest.approx(
                [
                    expected["mqls_per_date"],
                    expected["new_mqls_per_day"],
                    expected["new_calls_per_day"],
                ],
                abs=1e-6,
            )
    finally:
        con.close()
    # CON-CFG is an MQL on the second backtest date and CON-BEH on the third: 2 of 3
    # dates, 2 new MQLs over the 60 days between the first and the last.
    current = summary[0]
    assert current[2:4] == pytest.approx((2 / 3, 2 / 60), abs=1e-6)
