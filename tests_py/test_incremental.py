"""Incremental processing: a daily run after new, late and re-delivered events gives the
same marts as a full rebuild, and processes only the new loads plus the lookback days."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from scorehouse.devtools.increments import split_increments
from scorehouse.errors import ScorehouseError
from tests_py.conftest import NO_DATA_TESTS, copy_project
from tests_py.test_determinism import mart_digests

CUTOFF = dt.date(2026, 10, 30)
DAILY_MODELS = ("int_page_views_daily", "int_email_events_daily", "int_usage_events_daily")
# Incremental models that follow the daily aggregates day by day (not by load).
DAY_MODELS = ("int_rule_matches_daily",)


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def split_at_cutoff(raw: Path, out: Path) -> tuple[Path, Path, dict[str, int]]:
    """The base export before the cutoff day and the day's increment (`scorehouse split`:
    events received that day, some of them late), plus 20 re-delivered page views and
    10 page views held back from 60 days earlier, later than any lookback."""
    counts = split_increments(raw, out, CUTOFF, days=1)
    base, increment = out / "base", out / CUTOFF.isoformat()
    header, before = read_rows(base / "page_views.csv")
    _, day = read_rows(increment / "page_views.csv")
    held_day = (CUTOFF - dt.timedelta(days=60)).isoformat()
    held = [r for r in before if r["occurred_at"].startswith(held_day)][:10]
    assert len(held) == 10
    before = [r for r in before if r not in held]
    write_rows(base / "page_views.csv", header, before)
    write_rows(increment / "page_views.csv", header, day + before[-20:] + held)
    appended = dict(counts[CUTOFF.isoformat()])
    appended["page_views"] += 30
    return base, increment, appended


def processed(log: str) -> dict[str, tuple[int, int]]:
    found = re.findall(r"rows processed: (\w+) (\d+) of (\d+) rows", log)
    return {model: (int(n), int(total)) for model, n, total in found}


def table_digest(project, relation: str) -> list[tuple]:
    return project.query(f"select * from {relation} order by all")


@pytest.fixture(scope="module")
def incremental(tmp_path_factory, generated_raw):
    """The base export built, the day's increment built incrementally (data tests included),
    then everything rebuilt with --full-refresh. The first and last builds leave out the
    data tests: they only make the states compared."""
    root = tmp_path_factory.mktemp("incremental")
    base, increment, appended = split_at_cutoff(generated_raw, root / "split")
    project = copy_project(root / "project")
    project.load(base, loaded_at="2026-10-30 06:00:00")
    project.dbt("build", *NO_DATA_TESTS, as_of="2026-10-30")
    project.load(increment, loaded_at="2026-10-31 06:00:00", append=True)
    result = project.dbt("build", as_of="2026-10-31")
    incremental_state = {
        "marts": mart_digests(project),
        "daily": {m: table_digest(project, f"intermediate.{m}") for m in DAILY_MODELS + DAY_MODELS},
        "history": table_digest(project, "marts.score_history"),
    }
    project.dbt("build", "--full-refresh", *NO_DATA_TESTS, as_of="2026-10-31")
    full_state = {
        "marts": mart_digests(project),
        "daily": {m: table_digest(project, f"intermediate.{m}") for m in DAILY_MODELS + DAY_MODELS},
        "history": table_digest(project, "marts.score_history"),
    }
    return project, appended, processed(result.stdout), incremental_state, full_state


def test_incremental_run_equals_a_full_refresh(incremental):
    project, _, _, incremental_state, full_state = incremental
    assert incremental_state["daily"] == full_state["daily"]
    assert incremental_state["marts"] == full_state["marts"]
    # --full-refresh rebuilds the marts but keeps the history (two dates).
    assert incremental_state["history"] == full_state["history"]
    dates = project.query("select distinct as_of_date from marts.score_history")
    assert len(dates) == 2, dates


def test_the_daily_run_processes_only_new_loads_and_the_lookback(incremental):
    project, appended, counts, _, _ = incremental
    assert counts["base_marketing__page_views"][0] == appended["page_views"]
    assert counts["base_marketing__email_events"][0] == appended["email_events"]
    assert counts["base_product__usage_events"][0] == appended["product_usage_events"]
    for model in DAILY_MODELS + DAY_MODELS:
        done, total = counts[model]
        assert 0 < done < total * 0.2, (model, done, total)


# The rule matches and every model they derive from; the models left out, downstream of
# the matches, cannot change them.
RULE_MATCHES = ["--select", "+int_rule_matches_daily", *NO_DATA_TESTS]


def test_a_rule_change_rebuilds_the_rule_matches(incremental):
    """A rule's matching columns changed: the matches of every day are redone, and the
    result is the full refresh's."""
    project, _, _, _, _ = incremental
    project.edit_seed("scoring/scoring_rules.csv", "contains,/pricing,", "contains,/pric,")
    result = project.dbt("build", *RULE_MATCHES, as_of="2026-10-31")
    assert "int_rule_matches_daily was built from other rules" in result.stdout
    done, total = processed(result.stdout)["int_rule_matches_daily"]
    assert done == total
    rebuilt = table_digest(project, "intermediate.int_rule_matches_daily")
    project.dbt("build", "--full-refresh", *RULE_MATCHES, as_of="2026-10-31")
    assert table_digest(project, "intermediate.int_rule_matches_daily") == rebuilt


def test_re_delivered_events_are_duplicates_and_held_back_events_count(incremental):
    project, _, _, _, _ = incremental
    (duplicates,) = project.query(
        "select count(*) from staging.stg_marketing__page_views_quarantine "
        "where quarantine_reason = 'duplicate' and _load_id = 2"
    )[0:1]
    assert duplicates[0] >= 20
    # The page views held back 60 days are in the daily aggregate of their own day.
    (old_day,) = project.query(
        "select count(*) from intermediate.int_page_views_daily "
        "where activity_date = date '2026-08-31' and max_load_id = 2"
    )
    assert old_day[0] >= 1


def test_split_files_each_event_under_the_day_it_was_received(tmp_path, generated_raw):
    import duckdb

    counts = split_increments(generated_raw, tmp_path / "split", dt.date(2026, 10, 20), days=3)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    total = con.execute(
        f"select count(*) from read_csv('{generated_raw / 'page_views.csv'}', all_varchar=true)"
    ).fetchone()[0]
    after = con.execute(
        f"select count(*) from read_csv('{generated_raw / 'page_views.csv'}', all_varchar=true) "
        "where cast(coalesce(try_cast(received_at as timestamptz), try_cast(occurred_at as "
        "timestamptz)) as date) > date '2026-10-22'"
    ).fetchone()[0]
    assert sum(folder["page_views"] for folder in counts.values()) + after == total
    day = tmp_path / "split" / "2026-10-21" / "page_views.csv"
    days = con.execute(
        f"select distinct cast(try_cast(received_at as timestamptz) as date) "
        f"from read_csv('{day}', all_varchar=true) where try_cast(received_at as timestamptz) "
        "is not null"
    ).fetchall()
    assert days == [(dt.date(2026, 10, 21),)]
    with pytest.raises(ScorehouseError, match="already exists"):
        split_increments(generated_raw, tmp_path / "split", dt.date(2026, 10, 20))


def page_view(received: str, occurred: str) -> dict:
    return {
        "page_view_id": "PV-1",
        "anonymous_id": "anon-1",
        "url": "https://example.com/pricing",
        "user_agent": "Mozilla/5.0",
        "occurred_at": occurred,
        "received_at": received,
    }


@pytest.mark.parametrize("append", [False, True], ids=["one load", "two loads"])
def test_a_usable_copy_is_kept_when_the_first_copy_was_unusable(tmp_path, append):
    from tests_py.conftest import write_raw

    project = copy_project(tmp_path / "p")
    broken = page_view("2026-10-02 10:00:00", "2026-12-25 09:00:00")  # in the future
    good = page_view("2026-10-02 11:00:00", "2026-10-02 09:00:00")
    if append:
        project.load(write_raw(tmp_path / "one", {"page_views": [broken]}))
        project.dbt("build", "--select", "base_marketing__page_views")
        project.load(write_raw(tmp_path / "two", {"page_views": [good, good]}), append=True)
    else:
        project.load(write_raw(tmp_path / "one", {"page_views": [broken, good, good]}))
    project.dbt("build", "--select", "base_marketing__page_views")
    rows = project.query(
        "select _load_id, _source_row, quarantine_reason from staging.base_marketing__page_views "
        "order by _load_id, _source_row"
    )
    assert [r[2] for r in rows] == ["future_timestamp", None, "duplicate"], rows
