"""Tests of the demo-data generator (small scales, a few seconds)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from scorehouse.contract import load_contract
from scorehouse.devtools.generate import TABLES, generate, main
from scorehouse.devtools.generate._vocab import BOT_USER_AGENTS

SCALE = 0.02
PK = {
    "accounts": "account_id",
    "contacts": "contact_id",
    "opportunities": "opportunity_id",
    "page_views": "page_view_id",
    "email_events": "email_event_id",
    "form_submissions": "form_submission_id",
    "product_usage_events": "usage_event_id",
    "support_tickets": "ticket_id",
    "nps_responses": "nps_response_id",
    "invoices": "invoice_id",
}
MAIN_TS = {
    "accounts": "created_at",
    "contacts": "created_at",
    "opportunities": "created_at",
    "page_views": "occurred_at",
    "email_events": "occurred_at",
    "form_submissions": "occurred_at",
    "product_usage_events": "occurred_at",
    "support_tickets": "opened_at",
    "nps_responses": "responded_at",
    "invoices": "invoice_date",
}
EVENT_TABLES = ["page_views", "email_events", "form_submissions", "product_usage_events"]
TS_RE = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z|[+-]\d\d:\d\d)?)?$"
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen") / "a"
    return out, generate(out, scale=SCALE, seed=7)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen") / "big"
    return out, generate(out, scale=0.1, seed=3)


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_is_byte_identical_and_other_seed_differs(run, tmp_path):
    out, _ = run
    generate(tmp_path / "b", scale=SCALE, seed=7)
    generate(tmp_path / "c", scale=SCALE, seed=8)
    a, b, c = files(out), files(tmp_path / "b"), files(tmp_path / "c")
    assert len(a) == len(TABLES) + 4  # raw tables, _generated.json, 3 truth files
    assert a == b
    assert a["raw/page_views.csv"] != c["raw/page_views.csv"]


def test_headers_match_sources_yaml(run):
    out, _ = run
    contract = load_contract()
    # Every table but the optional ones (activities, custom fields) is generated.
    assert sorted(t for t, table in contract.items() if not table.optional) == sorted(TABLES)
    for t in TABLES:
        with (out / "raw" / f"{t}.csv").open(newline="") as f:
            assert next(csv.reader(f)) == contract[t].column_names, t


def test_generated_json_and_row_counts(run):
    out, summary = run
    meta = json.loads((out / "raw" / "_generated.json").read_text())
    assert meta["seed"] == 7 and meta["scale"] == SCALE
    assert meta["start_date"] == "2025-11-01" and meta["end_date"] == "2026-10-31"
    for t in TABLES:
        rows = read(out / "raw" / f"{t}.csv")
        assert len(rows) == meta["rows"][t] == summary["rows"][t] > 0, t
        assert all(None not in r for r in rows), t  # no ragged lines


def test_rows_scale_roughly_linearly(run, tmp_path):
    _, small = run
    double = generate(tmp_path / "d", scale=2 * SCALE, seed=7)
    for t in ["accounts", "contacts", *EVENT_TABLES]:
        ratio = double["rows"][t] / small["rows"][t]
        assert 1.6 < ratio < 2.5, (t, ratio)


def test_dirt_counts_match_files(run):
    out, summary = run
    dirt = json.loads((out / "truth" / "dirt.json").read_text())
    assert dirt == summary["dirt"]
    for t in TABLES:
        rows = read(out / "raw" / f"{t}.csv")
        pk, ts = PK[t], MAIN_TS[t]
        assert sum(r[pk] == "" for r in rows) == dirt[t]["null_primary_key"], t
        assert sum(not TS_RE.match(r[ts]) for r in rows) == dirt[t]["unparseable_timestamp"], t
        if t in EVENT_TABLES:
            seen, dups = set(), 0
            for r in rows:
                if r[pk]:
                    dups += r[pk] in seen
                    seen.add(r[pk])
            assert dups == dirt[t]["duplicate_rows"], t
            future = sum(r[ts][:4].isdigit() and r[ts][:4] >= "2027" for r in rows)
            assert future == dirt[t]["future_timestamp"], t
    pv = read(out / "raw" / "page_views.csv")
    bots = sum(any(b == r["user_agent"] for b in BOT_USER_AGENTS) for r in pv)
    assert bots == dirt["page_views"]["bot_rows"]
    assert 0.02 < bots / len(pv) < 0.04
    contacts = read(out / "raw" / "contacts.csv")
    messy = sum(r["email"] != r["email"].strip().lower() for r in contacts)
    assert messy == dirt["contacts"]["messy_email"]
    ee = read(out / "raw" / "email_events.csv")
    assert sum(r["contact_id"] == "" for r in ee) == dirt["email_events"]["null_contact_id"]


def test_late_events_are_at_the_end(big):
    out, summary = big
    rows = read(out / "raw" / "page_views.csv")
    n_late = summary["dirt"]["page_views"]["late_arriving"]
    assert n_late > 0
    tail = rows[-n_late:]
    ok = [r for r in tail if TS_RE.match(r["received_at"]) and TS_RE.match(r["occurred_at"])]
    assert all(
        r["received_at"][:10] > r["occurred_at"][:10] for r in ok if "+" not in r["occurred_at"]
    )


def test_truth_files(big):
    out, _ = big
    raw_cols = {c for t in load_contract().values() for c in t.column_names}
    for name in ["contacts", "accounts"]:
        with (out / "truth" / f"{name}.csv").open(newline="") as f:
            header = next(csv.reader(f))
        assert not (set(header) & raw_cols) - {"contact_id", "account_id"}, header
    contacts = read(out / "truth" / "contacts.csv")
    accounts = read(out / "truth" / "accounts.csv")
    conv = sum(r["converted_90d"] == "true" for r in contacts) / len(contacts)
    assert 0.005 < conv < 0.08
    cust = [r for r in accounts if r["is_customer"] == "true"]
    assert 0.1 < len(cust) / len(accounts) < 0.5
    churn = sum(r["churned_90d"] == "true" for r in cust) / len(cust)
    assert 0.02 < churn < 0.2
    assert all(r["latent_health"] == "" for r in accounts if r["is_customer"] == "false")

    # Converted contacts are fitter and more in-market than the rest.
    def mean(rows, col):
        return sum(float(r[col]) for r in rows) / len(rows)

    yes = [r for r in contacts if r["converted_90d"] == "true"]
    no = [r for r in contacts if r["converted_90d"] == "false"]
    assert mean(yes, "latent_fit") > mean(no, "latent_fit") + 0.3
    assert mean(yes, "latent_intent") > mean(no, "latent_intent") + 0.3


def test_parquet_has_the_same_rows_as_csv(run, tmp_path):
    out, _ = run
    generate(tmp_path / "p", scale=SCALE, seed=7, fmt="parquet")
    contract = load_contract()
    for t in TABLES:
        cols = contract[t].column_names
        opts = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in cols},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        from_csv = pacsv.read_csv(out / "raw" / f"{t}.csv", convert_options=opts)
        from_pq = pq.read_table(tmp_path / "p" / "raw" / f"{t}.parquet")
        assert from_pq.schema == pa.schema([(c, pa.string()) for c in cols])
        assert from_pq.equals(from_csv), t
    assert files(tmp_path / "p")["truth/dirt.json"] == files(out)["truth/dirt.json"]


def test_cli(tmp_path, capsys):
    assert (
        main(
            [
                "--out",
                str(tmp_path),
                "--scale",
                "0.01",
                "--seed",
                "1",
                "--months",
                "3",
                "--end-date",
                "2026-03-31",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == TABLES
    meta = json.loads((tmp_path / "raw" / "_generated.json").read_text())
    assert meta["start_date"] == "2026-01-01"
