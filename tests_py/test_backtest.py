"""Backtests use no data after their date: events added after every backtest date leave
the backtest scores unchanged, while the current scores move."""

from __future__ import annotations

import csv
import shutil

from tests_py.conftest import NO_DATA_TESTS, copy_project

# The latest backtest date is the scoring date minus scorehouse_backtest_horizon_days (90).
AS_OF = "2026-11-01"
AFTER_EVERY_BACKTEST = "2026-10-20 10:00:00"

BACKTEST_SCORES = (
    "select s.* from intermediate.int_scores_graded as s "
    "join intermediate.int_scoring_runs as r using (run_id) "
    "where r.run_type <> 'current' order by all"
)
CURRENT_SCORES = (
    "select s.* from intermediate.int_scores_graded as s "
    "join intermediate.int_scoring_runs as r using (run_id) "
    "where r.run_type = 'current' order by all"
)


def first_rows(path, count):
    with open(path, newline="") as handle:
        return [row for _, row in zip(range(count), csv.DictReader(handle), strict=False)]


def append_rows(path, rows):
    with open(path, newline="") as handle:
        fields = next(csv.reader(handle))
    with open(path, "a", newline="") as handle:
        csv.DictWriter(handle, fieldnames=fields).writerows(rows)


def add_late_behaviour(raw):
    """Pricing visits, demo requests, email clicks and product use, all after every backtest date."""
    contacts = [
        r for r in first_rows(raw / "contacts.csv", 400) if r["email"].strip() and r["account_id"]
    ][:40]
    usage = first_rows(raw / "product_usage_events.csv", 40)
    append_rows(
        raw / "form_submissions.csv",
        [
            {
                "form_submission_id": f"FS-LATE-{i}",
                "email": c["email"],
                "anonymous_id": f"anon-late-{i}",
                "form_type": "demo_request",
                "page_url": "",
                "occurred_at": AFTER_EVERY_BACKTEST,
                "received_at": "",
            }
            for i, c in enumerate(contacts)
        ],
    )
    append_rows(
        raw / "page_views.csv",
        [
            {
                "page_view_id": f"PV-LATE-{i}",
                "anonymous_id": f"anon-late-{i}",
                "contact_id": "",
                "url": "https://www.scorehouse-demo.com/pricing",
                "referrer": "",
                "user_agent": "Mozilla/5.0",
                "occurred_at": AFTER_EVERY_BACKTEST,
                "received_at": "",
            }
            for i in range(len(contacts))
        ],
    )
    append_rows(
        raw / "email_events.csv",
        [
            {
                "email_event_id": f"EE-LATE-{i}",
                "contact_id": c["contact_id"],
                "campaign_id": "CMP-LATE",
                "event_type": "click",
                "bounce_type": "",
                "url": "",
                "occurred_at": AFTER_EVERY_BACKTEST,
                "received_at": "",
            }
            for i, c in enumerate(contacts)
        ],
    )
    append_rows(
        raw / "product_usage_events.csv",
        [
            {
                "usage_event_id": f"UE-LATE-{i}",
                "account_id": u["account_id"],
                "contact_id": u["contact_id"],
                "event_name": "integration_connected",
                "feature": "",
                "occurred_at": AFTER_EVERY_BACKTEST,
                "received_at": "",
            }
            for i, u in enumerate(usage)
        ],
    )


def test_events_after_the_backtest_dates_do_not_change_backtest_scores(tmp_path, generated_raw):
    raw = tmp_path / "raw"
    shutil.copytree(generated_raw, raw)
    project = copy_project(tmp_path / "project")
    # The models this test reads (the graded scores of every scoring run, the runs, the
    # performance mart) and their parents; not the other marts, nor dbt's tests.
    build = ("build", "--select", "+int_scores_graded", "+model_performance", *NO_DATA_TESTS)

    project.load(raw)
    project.dbt(*build, as_of=AS_OF)
    (latest_backtest,) = project.query(
        "select max(as_of_at) from intermediate.int_scoring_runs where run_type = 'backtest'"
    )[0]
    assert str(latest_backtest) < AFTER_EVERY_BACKTEST
    backtest_before = project.query(BACKTEST_SCORES)
    performance_before = project.query("select * from marts.model_performance order by all")
    current_before = project.query(CURRENT_SCORES)
    assert backtest_before

    add_late_behaviour(raw)
    project.load(raw)
    project.dbt(*build, as_of=AS_OF)

    assert project.query(BACKTEST_SCORES) == backtest_before
    assert project.query("select * from marts.model_performance order by all") == performance_before
    assert project.query(CURRENT_SCORES) != current_before, (
        "the late events should move current scores"
    )
