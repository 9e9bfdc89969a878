"""A foreign export scored through one mapping file and seed rows alone: other column
names, US-style dates in a local time zone, custom lead fields, free-text activity
types, no emails, leads without an account and without any event log. No SQL edited."""

from __future__ import annotations

import textwrap

import pytest

from scorehouse import cli
from tests_py.conftest import copy_project

LEADS = """\
Prospect ID,Company ID,Job Title,Created On,Lead Source,Total Visits,Do Not Call
L-1,C-1,VP Marketing,03/02/2025 09:15,Trade Show,14,No
L-2,,Marketing Manager,03/04/2025 17:45,Olark Chat,2,Yes
L-3,C-2,Analyst,04/01/2025 08:00,Google,11,
L-4,C-1,CEO,13/45/2025 08:00,Partner,0,No
"""

COMPANIES = """\
Company ID,Company,Website,Sector,Employees,Since,Plan
C-1,Acme,acme.com,SaaS,800,01/15/2024,Enterprise
C-2,Tiny,tiny.io,Retail,12,06/30/2024,Starter
"""

ACTIVITIES = """\
Lead,Type,When
L-1,Webinar Attended,10/25/2026 10:00
L-1,Call,
L-3,Call,10/30/2026 16:00
"""

FORMS = """\
Submission,Lead,Form,Submitted
F-1,L-2,Demo,10/30/2026 09:00
"""

MAPPING = """\
tables:
  contacts:
    file: leads.csv
    columns:
      contact_id: Prospect ID
      account_id: Company ID
      job_title: Job Title
      created_at: Created On
    date_format: "%m/%d/%Y %H:%M"
    timezone: America/New_York
    custom_fields: [Lead Source, Total Visits, Do Not Call]
  accounts:
    file: companies.csv
    columns:
      account_id: Company ID
      account_name: Company
      domain: Website
      industry: Sector
      employee_count: Employees
      created_at: Since
    date_format: "%m/%d/%Y"
    values:
      industry: {SaaS: Software}
  activities:
    file: crm_*.csv
    columns: {contact_id: Lead, activity_type: Type, occurred_at: When}
    date_format: "%m/%d/%Y %H:%M"
  form_submissions:
    file: forms.csv
    columns: {form_submission_id: Submission, contact_id: Lead, form_type: Form, occurred_at: Submitted}
    date_format: "%m/%d/%Y %H:%M"
    values:
      form_type: {Demo: demo_request}
"""

RULES = """\
acquisition,trade_show,fit,department,contact.lead_source,in,trade show|partner,,,10,none,,,,every,,From a trade show or a partner
acquisition,many_visits,engagement,web,contact.total_visits,between,,10,,8,none,,,,every,,Ten visits or more
acquisition,do_not_call,fit,seniority,contact.do_not_call,is_true,,,,-5,none,,,,every,,Asked not to be called
acquisition,enterprise_plan,fit,company_size,account.plan,equals,enterprise,,,12,none,,,,every,,On the enterprise plan
acquisition,webinar_activity,engagement,forms,activity.webinar_attended,any,,,,20,exponential,14,,,every,,Attended a webinar
acquisition,calls,engagement,forms,activity.call,any,,,,5,none,,,,every,,A sales call
"""


def write_export(folder):
    folder.mkdir(parents=True)
    (folder / "leads.csv").write_text(LEADS)
    (folder / "companies.csv").write_text(COMPANIES)
    (folder / "crm_activities.csv").write_text(ACTIVITIES)
    (folder / "forms.csv").write_text(FORMS)
    (folder / "mapping.yml").write_text(MAPPING)
    return folder / "mapping.yml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("own_data"))
    mapping = write_export(project.path / "export")
    seeds = project.path / "seeds" / "scoring" / "scoring_rules.csv"
    seeds.write_text(seeds.read_text() + RULES)
    assert cli.main(["load", "--mapping", str(mapping), "--db", str(project.db)]) == 0
    project.dbt("build", as_of="2026-11-01")
    return project


def test_dates_are_read_in_their_format_and_zone(built):
    ((created_at,),) = built.query(
        "select created_at from staging.stg_crm__contacts where contact_id = 'L-1'"
    )
    assert str(created_at) == "2025-03-02 14:15:00"  # 09:15 in New York, in UTC
    # A date the format cannot read is not lost: its row is quarantined with a reason.
    assert built.query(
        "select contact_id, quarantine_reason from staging.stg_crm__contacts_quarantine"
    ) == [("L-4", "unparseable_timestamp")]


def test_value_maps_apply(built):
    assert built.query(
        "select industry_id from intermediate.int_accounts_enriched where account_id = 'C-1'"
    ) == [("software",)]


def test_every_lead_is_scored_and_explained(built):
    leads = dict(built.query("select contact_id, account_id from marts.lead_scores"))
    assert leads == {"L-1": "C-1", "L-2": None, "L-3": "C-2"}
    points = {
        (c, r): p
        for c, r, p in built.query(
            "select contact_id, rule_id, decayed_points from marts.lead_score_breakdown "
            "where rule_id in ('trade_show', 'many_visits', 'do_not_call', 'enterprise_plan', "
            "'webinar_activity', 'calls')"
        )
    }
    assert points == {
        ("L-1", "trade_show"): 10,
        ("L-1", "many_visits"): 8,
        ("L-1", "enterprise_plan"): 12,
        ("L-1", "webinar_activity"): pytest.approx(20 * 0.5 ** (7 / 14)),
        ("L-1", "calls"): 5,  # undated: counted, not decayed
        ("L-2", "do_not_call"): -5,
        ("L-3", "many_visits"): 8,
        ("L-3", "calls"): 5,
    }


def test_a_form_without_email_attaches_by_contact_id(built):
    ((is_mql, occurrences),) = built.query(
        "select lead_scores.is_mql, breakdown.occurrences from marts.lead_scores "
        "inner join marts.lead_score_breakdown as breakdown using (contact_id, model_id) "
        "where contact_id = 'L-2' and breakdown.rule_id = 'demo_request'"
    )
    assert is_mql and occurrences == 1


def test_a_mapping_error_names_the_entry(tmp_path, capsys):
    mapping = write_export(tmp_path / "export")
    mapping.write_text(MAPPING.replace("job_title: Job Title", "job_titel: Job Title"))
    assert cli.main(["load", "--mapping", str(mapping), "--db", str(tmp_path / "w.duckdb")]) == 2
    assert "tables.contacts.columns.job_titel: not a column of raw table contacts" in (
        capsys.readouterr().err
    )
    mapping.write_text(MAPPING.replace("file: leads.csv", "file: lead.csv"))
    assert cli.main(["load", "--mapping", str(mapping), "--db", str(tmp_path / "w.duckdb")]) == 2
    assert "tables.contacts.file: no file matches 'lead.csv'" in capsys.readouterr().err


def test_the_readme_mapping_is_the_tested_one():
    """docs/own-data.md shows this file's mapping, so that the worked example runs (the
    README links to it)."""
    from scorehouse.contract import PROJECT_DIR

    for page in [PROJECT_DIR / "docs" / "own-data.md"]:
        assert textwrap.indent(MAPPING, "") in page.read_text(), page.name
