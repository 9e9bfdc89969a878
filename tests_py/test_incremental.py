"""Incremental processing: a daily run after new, late and re-delivered events gives the
same marts as a full rebuild, and processes only the new loads plus the lookback days."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from tests_py.conftest import copy_project
from tests_py.test_determinism import mart_digests

EVENT_FILES = ("page_views", "email_events", "product_usage_events")
CUTOFF = dt.datetime(2026, 10, 31)
DAILY_MODELS = ("int_page_views_daily", "int_email_events_daily", "int_usage_events_daily")


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def parse(text: str) -> dt.datetime | None:
    """A raw timestamp as naive UTC, or None when it does not parse (dirty rows)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def split_at_cutoff(raw: Path, initial: Path, increment: Path) -> dict[str, int]:
    """The full export before the cutoff day, and the day's increment: events received
    that day (some of them late), plus 20 re-delivered page views and 10 page views held
    back from 60 days earlier (later than any lookback)."""
    shutil.copytree(raw, initial)
    increment.mkdir()
    appended = {}
    for name in EVENT_FILES:
        header, rows = read_rows(raw / f"{name}.csv")
        before, day = [], []
        for row in rows:
            received = parse(row["received_at"]) or parse(row["occurred_at"])
            if received is None or received < CUTOFF:
                before.append(row)
            elif received < CUTOFF + dt.timedelta(days=1):
                day.append(row)
        if name == "page_views":
            day += before[-20:]  # re-delivered: duplicates of rows already loaded
            old = [
                r
                for r in before
                if (t := parse(r["occurred_at"])) and t.date() == (CUTOFF - dt.timedelta(60)).date()
            ][:10]
            assert len(old) == 10
            before = [r for r in before if r not in old]
            day += old
        write_rows(initial / f"{name}.csv", header, before)
        write_rows(increment / f"{name}.csv", header, day)
        appended[name] = len(day)
    return appended


def processed(log: str) -> dict[str, tuple[int, int]]:
    found = re.findall(r"rows processed: (\w+) (\d+) of (\d+) rows", log)
    return {model: (int(n), int(total)) for model, n, total in found}


def table_digest(project, relation: str) -> list[tuple]:
    return project.query(f"select * from {relation} order by all")


@pytest.fixture(scope="module")
def incremental(tmp_path_factory, generated_raw):
    root = tmp_path_factory.mktemp("incremental")
    appended = split_at_cutoff(generated_raw, root / "initial", root / "increment")
    project = copy_project(root / "project")
    project.load(root / "initial", loaded_at="2026-10-31 06:00:00")
    project.dbt("build", as_of="2026-10-31")
    project.load(root / "increment", loaded_at="2026-11-01 06:00:00", append=True)
    result = project.dbt("build", as_of="2026-11-01")
    incremental_state = {
        "marts": mart_digests(project),
        "daily": {m: table_digest(project, f"intermediate.{m}") for m in DAILY_MODELS},
        "history": table_digest(project, "marts.score_history"),
    }
    project.dbt("build", "--full-refresh", as_of="2026-11-01")
    full_state = {
        "marts": mart_digests(project),
        "daily": {m: table_digest(project, f"intermediate.{m}") for m in DAILY_MODELS},
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
    for model in DAILY_MODELS:
        done, total = counts[model]
        assert 0 < done < total * 0.2, (model, done, total)


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
        "where activity_date = date '2026-09-01' and max_load_id = 2"
    )
    assert old_day[0] >= 1
