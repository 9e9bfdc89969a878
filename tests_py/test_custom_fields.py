"""Any field and any activity is a signal: custom columns of the CRM exports become
`contact.<field>` and `account.<field>` signals, CRM activities `activity.<type>`, that
rules score; text compared without case or surrounding spaces, `contains` literal, and a
rule on an unknown signal refused, never zero in silence."""

from __future__ import annotations

import csv

import pytest

from tests_py.conftest import copy_project, write_raw
from tests_py.test_scoring_scenarios import AS_OF, SITE, account, contact, page_view

# Columns a real lead list carries that the contract does not name.
CONTACT_FIELDS = {
    "CON-1": {"Lead Source": " Trade Show ", "Do Not Call": "Yes", "Total Visits": "12"},
    "CON-2": {"Lead Source": "web form", "Do Not Call": "no", "Total Visits": "3"},
    "CON-3": {"Lead Source": "", "Do Not Call": "", "Total Visits": "10"},
}
ACCOUNT_FIELDS = {"ACC-1": {"Plan": "Enterprise"}, "ACC-2": {"Plan": "starter"}}

# Rules a marketing-ops person writes on those fields, in the export's own words.
RULES = """\
acquisition,trade_show,fit,department,contact.lead_source,in,TRADE SHOW| partner,,,10,none,,,,every,,From a trade show or a partner
acquisition,do_not_call,fit,seniority,contact.do_not_call,is_true,,,,-5,none,,,,every,,Asked not to be called
acquisition,many_visits,engagement,web,contact.total_visits,between,,10,,8,none,,,,every,,Ten visits or more
acquisition,enterprise_plan,fit,company_size,account.plan,equals,enterprise,,,12,none,,,,every,,On the enterprise plan
acquisition,promo_page,engagement,web,page_view,contains,100%_off,,,6,none,,,,every,,Read the 100%_off promotion
acquisition,webinar_activity,engagement,forms,activity.webinar_attended,any,,,,20,exponential,14,,,every,,Attended a webinar
acquisition,calls,engagement,forms,activity.call,any,,,,5,none,,,,every,,A sales call
acquisition,exact_case,fit,department,contact.lead_source,contains_exact,Trade,,,3,none,,,,every,,Written Trade
acquisition,exact_miss,fit,department,contact.lead_source,equals_exact,Web Form,,,4,none,,,,every,,Written Web Form
acquisition,connected_call,engagement,forms,activity.call.outcome,equals,connected,,,7,none,,,,every,,A call that reached the lead
acquisition,long_webinar,engagement,forms,activity.webinar_attended.duration_min,between,,30,,9,exponential,14,,,every,,Stayed 30 minutes or more
"""


def activity(activity_id, contact_id, email, activity_type, occurred_at):
    return {
        "activity_id": activity_id,
        "contact_id": contact_id,
        "email": email,
        "activity_type": activity_type,
        "occurred_at": occurred_at,
    }


# Activities of free-text types, some without a time, some found by email only.
ACTIVITIES = [
    activity("A-1", "CON-1", "", "Webinar attended", "2026-10-25 10:00:00"),
    activity("A-2", "", "B@tiny.io", "Call", ""),  # no time: counts, never decays
    activity("", "", "b@tiny.io", " call ", ""),  # no id: its own activity
    activity("A-4", "CON-1", "", "Webinar attended", "2027-06-01 00:00:00"),  # future
    activity("A-5", "", "", "Call", "2026-10-20 10:00:00"),  # no contact
    activity("A-6", "CON-1", "", "Call", "yesterday"),
    activity("A-1", "CON-1", "", "Webinar attended", "2026-10-25 10:00:00"),  # again
]


# The activities export's own columns (properties), by position in ACTIVITIES.
ACTIVITY_PROPERTIES = [
    {"Duration (min)": "45"},
    {"Outcome": " Connected "},
    {"Outcome": "voicemail"},  # an activity without an id keeps its properties too
    {},
    {},
    {},
    {"Duration (min)": "45"},
]


def write_activities(path):
    names = sorted({name for fields in ACTIVITY_PROPERTIES for name in fields})
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*ACTIVITIES[0], *names])
        writer.writeheader()
        for row, properties in zip(ACTIVITIES, ACTIVITY_PROPERTIES, strict=True):
            writer.writerow({**row, **properties})


def write_with_extra_columns(path, rows, extra):
    """Rewrite a contract CSV with the extra (custom) columns of each row's id."""
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames)
        existing = list(reader)
    assert not existing
    names = sorted({name for fields in extra.values() for name in fields})
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header + names)
        writer.writeheader()
        for row in rows:
            key = row.get("contact_id") or row["account_id"]
            writer.writerow({**row, **extra.get(key, {})})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("custom_fields"))
    accounts = [
        account("ACC-1", "Acme", "acme.com", "Software", "500"),
        account("ACC-2", "Tiny", "tiny.io", "Retail", "20"),
    ]
    contacts = [
        contact("CON-1", "ACC-1", "a@acme.com", "VP Marketing"),
        contact("CON-2", "ACC-2", "b@tiny.io", "Engineer"),
        contact("CON-3", "", "", "Analyst"),  # no account, no email
    ]
    # The contacts' own page views (no anonymous visitor to stitch).
    promo = f"{SITE}/promo/100%_off"
    lookalike = f"{SITE}/promo/100xx_off"  # with LIKE, `100%_off` would match it too
    raw = write_raw(
        project.path / "raw",
        {
            "page_views": [
                {
                    **page_view("PV-1", "anon-1", promo, "2026-10-20 10:00:00"),
                    "contact_id": "CON-1",
                },
                {
                    **page_view("PV-2", "anon-2", lookalike, "2026-10-20 10:00:00"),
                    "contact_id": "CON-2",
                },
            ],
        },
    )
    write_activities(raw / "activities.csv")
    write_with_extra_columns(raw / "contacts.csv", contacts, CONTACT_FIELDS)
    write_with_extra_columns(raw / "accounts.csv", accounts, ACCOUNT_FIELDS)
    (raw / "record_fields.csv").unlink()  # optional: the custom columns fill it
    seeds = project.path / "seeds" / "scoring" / "scoring_rules.csv"
    seeds.write_text(seeds.read_text() + RULES)
    project.loads = {r.table: r for r in project.load(raw)}
    project.dbt("build", as_of=AS_OF)
    return project


def matched(project, rule_id):
    return dict(
        project.query(
            "select contact_id, decayed_points from marts.lead_score_breakdown "
            f"where rule_id = '{rule_id}' and model_id = 'acquisition'"
        )
    )


def test_custom_columns_are_kept_not_dropped(built):
    assert any("custom field(s) kept in record_fields" in n for n in built.loads["contacts"].notes)
    # One row per non-empty value: 3 + 3 + 1 contact values, 2 account values, 4
    # activity properties.
    assert built.loads["record_fields"].rows == 13
    fields = built.query(
        "select signal, record_count from marts.signal_catalogue "
        "where signal_source = 'custom_field' order by signal"
    )
    assert fields == [
        ("account.plan", 4),  # each account, and each of its contacts
        ("contact.do_not_call", 2),
        ("contact.lead_source", 2),
        ("contact.total_visits", 3),
    ]


def test_text_rules_ignore_case_and_spaces(built):
    assert matched(built, "trade_show") == {"CON-1": 10}
    assert matched(built, "do_not_call") == {"CON-1": -5}
    assert matched(built, "enterprise_plan") == {"CON-1": 12}


def test_an_exact_rule_keeps_case(built):
    assert matched(built, "exact_case") == {"CON-1": 3}  # " Trade Show "
    assert matched(built, "exact_miss") == {}  # "web form" is not "Web Form"


def test_between_reads_a_custom_field_as_a_number(built):
    assert matched(built, "many_visits") == {"CON-1": 8, "CON-3": 8}


def test_contains_is_a_literal_substring(built):
    assert matched(built, "promo_page") == {"CON-1": 6}


def test_any_activity_type_is_a_signal(built):
    outcomes = dict(
        built.query(
            "select row_outcome, row_count from marts.staging_row_counts "
            "where source_table = 'activities'"
        )
    )
    assert outcomes == {
        "staged": 3,
        "future_timestamp": 1,
        "missing_key": 1,
        "unparseable_timestamp": 1,
        "duplicate": 1,
    }
    # Dated: decayed by its age (7 days, half-life 14 days).
    assert matched(built, "webinar_activity") == {
        "CON-1": pytest.approx(20 * 0.5 ** (7 / 14), abs=1e-6)
    }
    # Undated, found by email, two of them: counted, not decayed.
    assert matched(built, "calls") == {"CON-2": 10}
    kinds = dict(
        built.query(
            "select signal, signal_source from marts.signal_catalogue where signal like 'activity.%'"
        )
    )
    assert kinds == {
        "activity.call": "activity_type",
        "activity.call.outcome": "activity_property",
        "activity.webinar_attended": "activity_type",
        "activity.webinar_attended.duration_min": "activity_property",
    }


def test_a_rule_matches_one_property_of_an_activity(built):
    # Of CON-2's two undated calls, one connected (case and spaces ignored).
    assert matched(built, "connected_call") == {"CON-2": 7}
    # A dated webinar of 45 minutes, decayed like its type (7 days, half-life 14 days).
    assert matched(built, "long_webinar") == {"CON-1": pytest.approx(9 * 0.5 ** (7 / 14), abs=1e-6)}
    values = built.query(
        "select signal_text from intermediate.int_activity_signals "
        "where signal = 'activity.call.outcome' order by 1"
    )
    assert values == [("Connected",), ("voicemail",)]


def test_every_current_rule_shows_in_rule_coverage(built):
    coverage = dict(
        built.query(
            "select rule_id, entities_matched from marts.rule_coverage "
            "where run_type = 'current' and model_id = 'acquisition'"
        )
    )
    assert coverage["trade_show"] == 1 and coverage["many_visits"] == 2
    assert coverage["pricing_page"] == 0  # no one viewed it: shown, not dropped


def test_a_misspelt_signal_is_refused_with_the_closest_one(built):
    built.edit_seed("scoring/scoring_rules.csv", "contact.lead_source,in", "contact.lead_sorce,in")
    try:
        result = built.dbt(
            "build", "--select", "scoring_rules", "int_scoring_rules_checked", check=False
        )
    finally:
        built.edit_seed(
            "scoring/scoring_rules.csv", "contact.lead_sorce,in", "contact.lead_source,in"
        )
    assert result.returncode != 0
    assert (
        "model_id=acquisition, rule_id=trade_show): signal 'contact.lead_sorce' is not in "
        "the signal catalogue" in result.stdout
    )
    assert "did you mean 'contact.lead_source'?" in result.stdout


def test_validate_checks_the_configuration_against_the_data(built, capfd):
    from scorehouse import cli

    argv = ["validate", "--db", str(built.db), "--project-dir", str(built.path)]
    assert cli.main(argv) == 0
    assert "the scoring configuration is valid" in capfd.readouterr().out
    built.edit_seed("scoring/scoring_rules.csv", "account.plan,equals", "account.plans,equals")
    try:
        assert cli.main(argv) != 0
    finally:
        built.edit_seed("scoring/scoring_rules.csv", "account.plans,equals", "account.plan,equals")
    out = capfd.readouterr().out
    assert "signal 'account.plans' is not in the signal catalogue" in out
    assert "did you mean 'account.plan'?" in out


def test_the_dashboard_explains_custom_rules_and_undated_signals(built, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from dashboard.app import UNDATED
    from scorehouse.checks import run_checks
    from scorehouse.publish import publish
    from tests_py.test_dashboard import APP, assert_clean, texts

    publication = tmp_path / "published.duckdb"
    assert run_checks(built.db, tmp_path / "quality", project_dir=built.path).success
    publish(built.db, publication)
    monkeypatch.setenv("SCOREHOUSE_PUBLISHED_DB", str(publication))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["view"] = "explain"
    app.query_params["lead"] = "CON-2"
    app = app.run()
    assert_clean(app)
    table = app.table[0].value
    # A custom-field rule and rules on undated activities (calls), explained.
    assert {"calls", "connected_call"} <= set(table.index)
    assert table.loc["calls", "rule_description"] == "A sales call"
    assert table.loc["calls", "last_occurred_at"] == UNDATED
    assert f"'{UNDATED}'" in texts(app)
    app.text_input(key="explain_lead_id_acquisition").input("CON-1").run()
    assert_clean(app)
    assert {"trade_show", "enterprise_plan", "long_webinar"} <= set(app.table[0].value.index)
