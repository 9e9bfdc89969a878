"""End-to-end builds on small hand-made raw data, checking behaviour at the edges:
a lead with no account, a contact of a missing account, identity stitching of visits made
before a form, duplicate and late events, events after the scoring date, malformed rows,
repeat control, decay, and an empty input."""

from __future__ import annotations

import datetime

import pytest

from tests_py.conftest import copy_project, write_raw

AS_OF = "2026-11-01"


def account(account_id, name, domain, industry, employees, **extra):
    return {
        "account_id": account_id,
        "account_name": name,
        "domain": domain,
        "industry": industry,
        "employee_count": employees,
        "annual_revenue": "",
        "country": "FR",
        "created_at": "2025-01-01 00:00:00",
        **extra,
    }


def contact(contact_id, account_id, email, title, created_at="2025-06-01 00:00:00"):
    return {
        "contact_id": contact_id,
        "account_id": account_id,
        "email": email,
        "first_name": "",
        "last_name": "",
        "job_title": title,
        "country": "FR",
        "lead_source": "web",
        "created_at": created_at,
    }


def page_view(view_id, anonymous_id, url, occurred_at, received_at="", agent="Mozilla/5.0"):
    return {
        "page_view_id": view_id,
        "anonymous_id": anonymous_id,
        "contact_id": "",
        "url": url,
        "referrer": "",
        "user_agent": agent,
        "occurred_at": occurred_at,
        "received_at": received_at,
    }


def email_event(event_id, contact_id, campaign, event_type, occurred_at):
    return {
        "email_event_id": event_id,
        "contact_id": contact_id,
        "campaign_id": campaign,
        "event_type": event_type,
        "bounce_type": "",
        "url": "",
        "occurred_at": occurred_at,
        "received_at": "",
    }


def form(form_id, email, anonymous_id, form_type, occurred_at):
    return {
        "form_submission_id": form_id,
        "email": email,
        "anonymous_id": anonymous_id,
        "form_type": form_type,
        "page_url": "https://www.scorehouse-demo.com/demo",
        "occurred_at": occurred_at,
        "received_at": "",
    }


SITE = "https://www.scorehouse-demo.com"
RAW = {
    "accounts": [
        account("ACC-1", "Acme", "acme.com", "Software", "500"),
        account("ACC-2", "Tiny", "tiny.io", "Retail", "20"),
        account("ACC-2", "Tiny", "tiny.io", "Retail", "25"),  # later row: an update
        account("ACC-T", "Test Account 1", "test.com", "Software", "10"),
    ],
    "contacts": [
        contact("CON-VP", "ACC-1", "  VP.Marketing@ACME.com ", "VP Marketing"),
        contact("CON-NOACC", "", "lead@gmail.com", "Marketing Manager"),
        contact("CON-ORPHAN", "ACC-MISSING", "x@orphan.com", "Director of Sales"),
        contact("CON-NEW", "ACC-1", "new@acme.com", "CEO", created_at="2026-11-05 00:00:00"),
        contact("CON-BAD", "ACC-1", "bad@acme.com", "CEO", created_at="not a date"),
        contact("", "ACC-1", "nokey@acme.com", "CEO"),
    ],
    "page_views": [
        page_view("PV-1", "anon-1", f"{SITE}/pricing", "2026-10-20 10:00:00"),
        page_view("PV-2", "anon-1", f"{SITE}/pricing", "2026-10-25 10:00:00"),
        page_view("PV-2", "anon-1", f"{SITE}/pricing", "2026-10-25 10:00:00"),  # duplicate
        page_view(
            "PV-3", "anon-1", f"{SITE}/pricing", "2026-10-28 10:00:00", "2026-10-31 09:00:00"
        ),
        page_view("PV-4", "anon-2", f"{SITE}/pricing", "2026-10-28 11:00:00"),  # never identified
        page_view(
            "PV-5", "anon-3", f"{SITE}/pricing", "2026-10-28 12:00:00", agent="Googlebot/2.1"
        ),
        page_view("PV-6", "anon-1", f"{SITE}/careers", "2027-06-01 00:00:00"),  # future
        page_view("PV-7", "anon-1", f"{SITE}/pricing", "2026-11-01 12:00:00"),  # after as-of
    ],
    "form_submissions": [
        form("FS-1", " VP.Marketing@acme.com", "anon-1", "demo_request", "2026-10-30 09:00:00"),
        form("FS-2", "lead@gmail.com", "", "newsletter", "2026-10-01 08:00:00"),
        form("FS-3", "not-an-email", "", "contact", "2026-10-01 08:00:00"),
    ],
    "email_events": [
        email_event("EE-1", "CON-NOACC", "CMP-1", "open", "2026-10-02 08:00:00"),
        email_event("EE-2", "CON-NOACC", "CMP-1", "open", "2026-10-03 08:00:00"),  # repeat
        email_event("EE-3", "CON-NOACC", "CMP-1", "click", "2026-10-03 08:01:00"),
        email_event("EE-4", "CON-ORPHAN", "CMP-1", "unsubscribe", "2026-10-04 08:00:00"),
        email_event("EE-5", "CON-ORPHAN", "CMP-1", "forward", "2026-10-04 08:00:00"),
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("scenario"))
    project.load(write_raw(project.path / "raw", RAW))
    project.dbt("build", as_of=AS_OF)
    return project


def outcomes(project, table):
    return dict(
        project.query(
            "select row_outcome, row_count from marts.staging_row_counts "
            f"where source_table = '{table}'"
        )
    )


def test_every_raw_row_is_staged_or_quarantined_with_a_reason(built):
    assert outcomes(built, "accounts") == {"staged": 2, "duplicate": 1, "internal_or_test": 1}
    assert outcomes(built, "contacts") == {
        "staged": 4,
        "missing_key": 1,
        "unparseable_timestamp": 1,
    }
    assert outcomes(built, "page_views") == {
        "staged": 5,
        "duplicate": 1,
        "bot_traffic": 1,
        "future_timestamp": 1,
    }
    assert outcomes(built, "form_submissions") == {"staged": 2, "invalid_email": 1}
    assert outcomes(built, "email_events") == {"staged": 4, "unknown_type": 1}
    for table, rows in RAW.items():
        assert sum(outcomes(built, table).values()) == len(rows), table


def test_the_latest_crm_row_wins(built):
    assert built.query(
        "select employee_count from staging.stg_crm__accounts where account_id = 'ACC-2'"
    ) == [(25,)]


def test_leads_without_a_known_account_are_scored_with_a_null_account(built):
    rows = dict(built.query("select contact_id, account_id from marts.lead_scores"))
    assert rows == {"CON-VP": "ACC-1", "CON-NOACC": None, "CON-ORPHAN": None}  # CON-NEW: later


def test_stitched_visits_before_the_form_count_once_per_day(built):
    ((occurrences, decayed),) = built.query(
        "select occurrences, decayed_points from marts.lead_score_breakdown "
        "where contact_id = 'CON-VP' and rule_id = 'pricing_page'"
    )
    # PV-1, PV-2 (its duplicate dropped) and the late PV-3; not PV-7, after the scoring date.
    assert occurrences == 3
    ages = [12, 7, 4]  # whole days before 2026-11-01: every event of a day is as old as its day
    assert decayed == pytest.approx(sum(15 * 0.5 ** (a / 14) for a in ages), abs=1e-6)


def test_demo_request_qualifies_at_once_with_its_service_level(built):
    ((is_mql, stage, grade, sla),) = built.query(
        "select is_mql, lifecycle_stage, lead_grade, sla_due_at from marts.lead_scores "
        "where contact_id = 'CON-VP'"
    )
    assert is_mql and stage in ("mql", "sql")
    hours = dict(built.query("select lead_grade, response_hours from config.service_levels"))
    assert grade in hours, f"CON-VP is {grade}; the scenario expects a grade with a service level"
    demo_requested_at = datetime.datetime(2026, 10, 30, 9)
    assert sla == demo_requested_at + datetime.timedelta(hours=hours[grade])


def test_repeat_control_counts_one_open_per_campaign(built):
    rows = dict(
        built.query(
            "select rule_id, occurrences from marts.lead_score_breakdown where contact_id = 'CON-NOACC'"
        )
    )
    assert rows["email_open"] == 1 and rows["email_click"] == 1 and rows["free_mail"] == 1


def test_negative_points_cannot_push_a_score_below_zero(built):
    ((engagement,),) = built.query(
        "select engagement_score from marts.lead_scores where contact_id = 'CON-ORPHAN'"
    )
    assert engagement == 0


def test_empty_input_builds_empty_marts(tmp_path):
    project = copy_project(tmp_path / "empty")
    project.load(write_raw(project.path / "raw", {}))
    project.dbt("build", as_of=AS_OF)
    assert project.query("select count(*) from marts.lead_scores") == [(0,)]
    assert project.query("select count(*) from marts.account_scores") == [(0,)]
