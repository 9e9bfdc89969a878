"""Attributes as of a date: a custom field the CRM dates (`record_fields.observed_at`)
is read at each scoring date with the value in effect then, so a backtest does not read
today's value into the past; an undated value holds at every date, and
model_performance_summary says how much of what the rules read had a history."""

from __future__ import annotations

import pytest

from tests_py.conftest import copy_project, write_raw
from tests_py.test_scoring_scenarios import AS_OF, account, contact

# The backtest dates as of 2026-11-01: 90, 120 and 150 days before (backtest_* vars).
LATEST_BACKTEST = "2026-08-03 00:00:00"
BACKTESTS = ["2026-06-04", "2026-07-04", "2026-08-03"]


def plan(contact_id, value, observed_at):
    return {
        "record_type": "contact",
        "record_id": contact_id,
        "field_name": "Plan",
        "field_value": value,
        "observed_at": observed_at,
    }


HISTORY = [
    # Free until mid-July, then enterprise: only the latest backtest sees enterprise.
    plan("CON-1", "free", "2026-01-05 09:00:00"),
    plan("CON-1", "Enterprise", "2026-07-15 09:00:00"),
    # No history: today's value, read at every date.
    plan("CON-2", "enterprise", ""),
    # First known in September: no value at any backtest date.
    plan("CON-3", "enterprise", "2026-09-01 00:00:00"),
    # Changed exactly at the latest backtest's time: not yet in effect then, as an event
    # at that instant would not be.
    plan("CON-4", "free", ""),
    plan("CON-4", "enterprise", LATEST_BACKTEST),
]

RULES = (
    "acquisition,enterprise_plan,fit,company_size,contact.plan,equals,enterprise,,,12,"
    "none,,,,every,,On the enterprise plan\n"
    "acquisition,partner_deal,fit,company_size,opportunity.deal_source,equals,partner,,,6,"
    "none,,,,every,,A deal brought by a partner\n"
)

# A deal that names its lead and no company (a lead list has none), with a custom
# field: an opportunity field holds from the deal's creation, between two backtests.
OPPORTUNITY = (
    "opportunity_id,account_id,contact_id,opportunity_type,stage,amount,created_at,"
    "closed_at,Deal Source\n"
    "OPP-1,,CON-2,new_business,won,5000,2026-07-20 10:00:00,2026-09-01 10:00:00,Partner\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("attribute_history"))
    created = "2026-01-01 00:00:00"
    raw = write_raw(
        project.path / "raw",
        {
            "accounts": [account("ACC-1", "Acme", "acme.com", "Software", "500")],
            "contacts": [
                contact(f"CON-{n}", "ACC-1", f"c{n}@acme.com", "Engineer", created)
                for n in range(1, 5)
            ],
            "record_fields": HISTORY,
        },
    )
    (raw / "opportunities.csv").write_text(OPPORTUNITY)
    seeds = project.path / "seeds" / "scoring" / "scoring_rules.csv"
    seeds.write_text(seeds.read_text() + RULES)
    project.load(raw)
    project.dbt("build", as_of=AS_OF)
    return project


def plan_points(project, rule_id="enterprise_plan"):
    """A rule's points per contact and scoring date (current and backtests)."""
    rows = project.query(
        "select cast(cast(r.as_of_at as date) as varchar), s.entity_id, sum(s.decayed_points) "
        "from intermediate.int_rule_points_decayed as s "
        "join intermediate.int_scoring_runs as r using (run_id) "
        f"where s.rule_id = '{rule_id}' and r.rule_set = 'current' "
        "group by all order by all"
    )
    return {(day, contact_id): points for day, contact_id, points in rows}


def test_a_backtest_reads_the_value_in_effect_at_its_date(built):
    points = plan_points(built)
    # CON-1 was on the free plan at the two earlier backtest dates.
    assert [points.get((day, "CON-1")) for day in BACKTESTS] == [None, None, 12]
    assert points[(AS_OF, "CON-1")] == 12


def test_an_undated_value_holds_at_every_date(built):
    points = plan_points(built)
    assert [points.get((day, "CON-2")) for day in [*BACKTESTS, AS_OF]] == [12, 12, 12, 12]


def test_no_value_before_the_first_dated_one(built):
    points = plan_points(built)
    assert [points.get((day, "CON-3")) for day in [*BACKTESTS, AS_OF]] == [None, None, None, 12]


def test_a_value_dated_at_the_scoring_instant_is_not_yet_in_effect(built):
    points = plan_points(built)
    assert [points.get((day, "CON-4")) for day in [*BACKTESTS, AS_OF]] == [None, None, None, 12]


def test_the_history_is_staged_one_row_per_value_and_time(built):
    rows = built.query(
        "select record_id, field_value, cast(observed_at as varchar) "
        "from staging.stg_crm__record_fields where record_id = 'CON-1' order by observed_at"
    )
    assert rows == [
        ("CON-1", "free", "2026-01-05 09:00:00"),
        ("CON-1", "Enterprise", "2026-07-15 09:00:00"),
    ]


def test_the_summary_says_how_much_of_what_the_rules_read_had_a_history(built):
    history = dict(
        built.query(
            "select model_id, attribute_history from marts.model_performance_summary "
            "where rule_set = 'current'"
        )
    )
    # Acquisition also reads built-in attributes (today's values) and undated plans.
    assert history["acquisition"] == "partial"


def test_an_opportunity_field_holds_from_the_deal_and_its_outcome_reaches_the_lead(built):
    points = plan_points(built, "partner_deal")
    assert [points.get((day, "CON-2")) for day in [*BACKTESTS, AS_OF]] == [None, None, 6, 6]
    outcomes = built.query(
        "select entity_type, entity_id, outcome from intermediate.int_outcomes order by all"
    )
    assert outcomes == [("contact", "CON-2", "new_business_won")]
