"""`scorehouse export` (issue 17, item 1): every changed score reaches the CRM once.

A real HTTP receiver on 127.0.0.1 (http.server in a thread) fails on purpose (503s, a
dropped connection, an answer lost after it applied a batch, a slow answer, a 400) and
applies each batch once per Idempotency-Key, as a careful CRM integration does. The
marts are those of the `make dbt-test` warehouse, published once for the module; "the
next day" is a copy of that publication with a few scores edited and a new scoring
date, so each test runs in seconds on its own fresh state warehouse.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
import yaml

from scorehouse import cli
from scorehouse.errors import ScorehouseError
from scorehouse.export import (
    DEFAULT_CONFIG,
    fingerprint,
    load_config,
    read_publication,
    shorten_reasons,
)
from tests_py.bi_warehouse import published_test_marts, query


class Receiver:
    """A webhook that applies each batch once per Idempotency-Key. `behaviour(ordinal,
    attempt)` decides each request: `ordinal` is 1 for the first key it ever saw, 2 for
    the second..., `attempt` counts that key's requests. Actions: ok, 503, 400, drop
    (connection closed, nothing applied), applied-drop (applied, then the connection
    closed: the answer is lost), applied-slow (applied, then answered after 2.5 s)."""

    def __init__(self):
        self.behaviour = lambda ordinal, attempt: "ok"
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []  # (key, action)
        self.attempts: Counter[str] = Counter()
        self.ordinals: dict[str, int] = {}
        self.bodies: dict[str, bytes] = {}
        self.applied: list[str] = []  # keys, in the order applied
        self.repeats: Counter[str] = Counter()  # requests dropped as already applied
        self.mismatches: list[str] = []  # a key seen again with another body
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/scores?token=secret"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def _apply(self, key: str, body: bytes) -> None:
        if key in self.applied:
            self.repeats[key] += 1
        else:
            self.applied.append(key)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, text: str = "") -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                assert self.headers["Content-Type"].startswith("application/json")
                with receiver.lock:
                    receiver.attempts[key] += 1
                    ordinal = receiver.ordinals.setdefault(key, len(receiver.ordinals) + 1)
                    if receiver.bodies.setdefault(key, body) != body:
                        receiver.mismatches.append(key)
                    action = receiver.behaviour(ordinal, receiver.attempts[key])
                    receiver.requests.append((key, action))
                    if action in ("ok", "applied-drop", "applied-slow"):
                        receiver._apply(key, body)
                if action in ("drop", "applied-drop"):
                    self.close_connection = True
                    return
                if action == "applied-slow":
                    time.sleep(2.5)
                if action == "503":
                    self._answer(503, "down for maintenance")
                elif action == "400":
                    self._answer(400, '{"error": "property scorehouse_grade does not exist"}')
                else:
                    self._answer(200, '{"status": "applied"}')

        return Handler

    def records(self, key: str) -> list[dict]:
        return json.loads(self.bodies[key])["records"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    return published_test_marts(tmp_path_factory.mktemp("export"))


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def state_db(tmp_path) -> Path:
    """An empty warehouse of the test's own to keep the export's state in."""
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    return path


def export(state_db: Path, published: Path, fmt: str, *args: str) -> int:
    return cli.main(
        ["export", "--format", fmt, "--db", str(state_db), "--published-db", str(published)]
        + list(args)
    )


def webhook(state_db, published, receiver, *args: str) -> int:
    return export(
        state_db,
        published,
        "webhook",
        "--url",
        receiver.url,
        "--retry-delay",
        "0.01",
        "--timeout",
        "1.5",
        *args,
    )


def next_day(publication: Path, folder: Path, edits: list[str]) -> Path:
    """A copy of the publication scored a day later, with `edits` (SQL) applied."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "published.duckdb"
    shutil.copy(publication, copy)
    con = duckdb.connect(str(copy))
    try:
        for table in ("lead_scores", "account_scores", "_publication"):
            con.execute(f"update {table} set scored_as_of = scored_as_of + 1")
        for edit in edits:
            con.execute(edit)
    finally:
        con.close()
    return copy


def current(published: Path) -> dict[tuple, str]:
    """Each record's fingerprint in a publication, as the export computes them."""
    config = load_config(DEFAULT_CONFIG)
    return {
        r.key: r.fingerprint for r in read_publication(published, config.reasons_max_length).records
    }


def record_key(record: dict) -> tuple[str, str, str]:
    entity_id = record["contact_id"] if record["entity_type"] == "contact" else record["account_id"]
    return (record["entity_type"], entity_id, record["model_id"])


def state(state_db: Path) -> dict[tuple, str]:
    rows = query(
        state_db,
        "select entity_type, entity_id, model_id, fingerprint from scorehouse_meta.export_state",
    )
    return {(t, e, m): f for t, e, m, f in rows}


def batches(state_db: Path) -> list[tuple]:
    return query(
        state_db,
        "select batch_id, status, attempt_count, record_count, http_status, scored_as_of::varchar "
        "from scorehouse_meta.export_batches order by batch_number",
    )


def test_two_daily_runs_through_a_failing_then_recovering_webhook(
    publication, receiver, state_db, tmp_path, capsys
):
    day1 = current(publication)
    batch_size = len(day1) // 4 + 1  # four batches

    # Day 1: batch 1 loses its connection once, batch 2 is applied but its answer is
    # lost, then the receiver goes down (503) for the rest of the day.
    def day1_behaviour(ordinal, attempt):
        if ordinal == 1 and attempt == 1:
            return "drop"
        if ordinal == 2 and attempt == 1:
            return "applied-drop"
        return "503" if ordinal >= 3 else "ok"

    receiver.behaviour = day1_behaviour
    args = ["--batch-size", str(batch_size), "--attempts", "3"]
    assert webhook(state_db, publication, receiver, *args) == 1
    err = capsys.readouterr().err
    [first, second, third, fourth] = batches(state_db)
    assert (first[1:3], second[1:3], third[1:3], fourth[1:3]) == (
        ("sent", 2),
        ("sent", 2),
        ("failed", 3),
        ("pending", 0),
    )
    assert third[4] == 503
    assert (
        f"scorehouse: export stopped: webhook http://127.0.0.1:{receiver.server.server_address[1]}"
        f"/scores did not take batch {third[0]} ({third[3]:,} records) after 3 tries in all: "
        "HTTP 503 Service Unavailable: down for maintenance; the next `scorehouse export` sends "
        "it again with the same Idempotency-Key, before any new change; 2 batch(es) wait for "
        "the next run"
    ) in err, err
    assert "secret" not in err
    assert receiver.applied == [first[0], second[0]] and receiver.repeats[second[0]] == 1
    delivered = [record_key(r) for key in receiver.applied for r in receiver.records(key)]
    assert state(state_db) == {k: day1[k] for k in delivered}, "state advanced beyond delivery"

    # Day 2: three scores changed: one already delivered, one in the failed batch, one in
    # the batch never tried. The receiver is back; one answer comes too late (a timeout).
    undelivered = sorted(set(day1) - set(delivered))
    changed_keys = [delivered[0], undelivered[0], undelivered[-1]]
    edits = []
    for entity_type, entity_id, model_id in changed_keys:
        table, id_column = (
            ("lead_scores", "contact_id")
            if entity_type == "contact"
            else ("account_scores", "account_id")
        )
        edits.append(
            f"update {table} set total_score = total_score + 0.5 "
            f"where {id_column} = '{entity_id}' and model_id = '{model_id}'"
        )
    day2_publication = next_day(publication, tmp_path / "day2", edits)
    day2 = current(day2_publication)
    assert {k for k in day2 if day2[k] != day1[k]} == set(changed_keys)
    receiver.behaviour = lambda ordinal, attempt: (
        "applied-slow" if ordinal == 4 and attempt == 1 else "ok"
    )
    assert webhook(state_db, day2_publication, receiver, *args) == 0
    out = capsys.readouterr().out
    assert "3 batch(es), " in out and "(2 of an earlier run)" in out, out
    all_batches = batches(state_db)
    assert [b[1] for b in all_batches] == ["sent"] * 5
    assert all_batches[4][3] == 3 and all_batches[4][5] == "2026-11-02"
    assert all_batches[3][2] == 2  # the slow answer timed out, the retry was a repeat

    # Each batch was applied once, in order, with the same content on every try ...
    assert receiver.mismatches == []
    assert receiver.applied == [b[0] for b in all_batches]
    for key in (third[0], fourth[0]):  # made on day 1, sent on day 2 as they were
        assert {r["scored_as_of"] for r in receiver.records(key)} == {"2026-11-01"}
    # ... so every version of every score arrived exactly once ...
    versions = Counter(
        (record_key(r), fingerprint(r)) for key in receiver.applied for r in receiver.records(key)
    )
    assert max(versions.values()) == 1
    assert set(versions) == {*day1.items(), *((k, day2[k]) for k in changed_keys)}
    # ... and the warehouse's state is what the receiver holds now: the last version.
    latest = {}
    for key in receiver.applied:
        for r in receiver.records(key):
            latest[record_key(r)] = fingerprint(r)
    assert latest == day2 == state(state_db)


def test_nothing_changed_sends_nothing_and_a_change_is_sent_again(
    publication, receiver, state_db, tmp_path, capsys
):
    assert webhook(state_db, publication, receiver) == 0
    sent = len(receiver.requests)
    assert sent >= 1
    assert webhook(state_db, publication, receiver) == 0
    assert len(receiver.requests) == sent
    assert "0 batch(es), 0 records delivered" in capsys.readouterr().out
    # A warehouse that lost the state sends the same batches under the same keys (the
    # key is the destination and the content), which the receiver drops as repeats.
    lost = tmp_path / "lost.duckdb"
    duckdb.connect(str(lost)).close()
    assert webhook(lost, publication, receiver) == 0
    assert [key for key, _ in receiver.requests[sent:]] == receiver.applied
    assert receiver.mismatches == [] and sum(receiver.repeats.values()) == sent
    first_batches, sent = sent, 2 * sent

    # The next day, one lead's grade changed: that record alone is sent.
    (contact_id,) = query(publication, "select min(contact_id) from lead_scores")[0]
    day2 = next_day(
        publication,
        tmp_path / "day2",
        [f"update lead_scores set is_mql = not is_mql where contact_id = '{contact_id}'"],
    )
    assert webhook(state_db, day2, receiver) == 0
    assert len(receiver.requests) == sent + 1
    [record] = receiver.records(receiver.applied[-1])
    assert (record["contact_id"], record["scored_as_of"]) == (contact_id, "2026-11-02")
    assert set(record) == {
        "entity_type", "contact_id", "account_id", "model_id", "total_score", "fit_grade",
        "engagement_level", "grade", "is_mql", "is_sql", "expected_conversion_rate",
        "scored_as_of", "reasons",
    }  # fmt: skip

    # --full sends everything again, under new keys (a full re-send is its own content).
    assert webhook(state_db, day2, receiver, "--full") == 0
    full = [key for key, _ in receiver.requests[sent + 1 :]]
    assert len(full) == first_batches and not set(full) & set(receiver.applied[:-first_batches])

    # Going back to an older publication would undo newer scores in the CRM: refused.
    requests = len(receiver.requests)
    assert webhook(state_db, publication, receiver) == 2
    assert "is scored as of 2026-11-01, before the scores already delivered to webhook:" in (
        capsys.readouterr().err
    )
    assert len(receiver.requests) == requests


def test_a_400_is_a_permanent_failure_with_a_clear_message(publication, receiver, state_db, capsys):
    receiver.behaviour = lambda ordinal, attempt: "400"
    assert webhook(state_db, publication, receiver, "--batch-size", "100000") == 1
    err = capsys.readouterr().err
    [(batch_id, status, attempts, records, http_status, _)] = batches(state_db)
    assert (status, attempts, http_status) == ("failed", 1, 400)
    assert len(receiver.requests) == 1 and receiver.applied == []
    assert (
        f"/scores refused batch {batch_id} ({records:,} records): HTTP 400 Bad Request: "
        '{"error": "property scorehouse_grade does not exist"}; not retried (a 4xx other than '
        "429 will not change by itself): fix the receiver or its settings, then run the export "
        "again, which resends it with the same Idempotency-Key (or drop it: --drop-batch)"
    ) in err, err
    assert err.count("\n") == 1
    assert state(state_db) == {}

    # Fixed: the next run resends that very batch first.
    receiver.behaviour = lambda ordinal, attempt: "ok"
    assert webhook(state_db, publication, receiver, "--batch-size", "100000") == 0
    assert receiver.applied == [batch_id]
    assert batches(state_db)[0][1:3] == ("sent", 2)


def test_a_dropped_batch_is_kept_and_its_records_sent_again(
    publication, receiver, state_db, capsys
):
    receiver.behaviour = lambda ordinal, attempt: "400"
    assert webhook(state_db, publication, receiver, "--batch-size", "100000") == 1
    [(batch_id, *_)] = batches(state_db)
    assert webhook(state_db, publication, receiver, "--drop-batch", batch_id) == 0
    assert batches(state_db)[0][1] == "dropped"
    assert len(receiver.requests) == 1
    assert webhook(state_db, publication, receiver, "--drop-batch", batch_id) == 2
    assert "is dropped, not waiting to be sent: nothing to drop" in capsys.readouterr().err

    # Not retried as such; the records, still not delivered, are exported again (the same
    # content: the same key, which the receiver refused and so never applied).
    receiver.behaviour = lambda ordinal, attempt: "ok"
    assert webhook(state_db, publication, receiver, "--batch-size", "100000") == 0
    assert receiver.applied == [batch_id]
    assert state(state_db) == current(publication)


def csv_file(out_dir: Path, prefix: str) -> tuple[bytes, list[list[str]]]:
    [path] = sorted(out_dir.glob(f"{prefix}-*.csv"))
    data = path.read_bytes()
    return data, list(csv.reader(io.StringIO(data.decode())))


def test_hubspot_and_salesforce_files(publication, state_db, tmp_path, capsys):
    out = tmp_path / "out"
    assert export(state_db, publication, "hubspot", "--out-dir", str(out)) == 0
    assert export(state_db, publication, "salesforce", "--out-dir", str(out)) == 0
    assert sorted(p.name.split("-2026-11-01-")[0] for p in out.iterdir()) == [
        "hubspot-companies",
        "hubspot-contacts",
        "salesforce-account",
        "salesforce-lead",
    ]
    lead_count, lead_models = query(
        publication, "select count(distinct contact_id), list(distinct model_id) from lead_scores"
    )[0]
    account_models = sorted(
        m for (m,) in query(publication, "select distinct model_id from account_scores")
    )
    assert lead_models == ["acquisition"]

    data, rows = csv_file(out, "hubspot-contacts")
    assert rows[0] == [
        "Record ID",
        "scorehouse_account_id",
        "scorehouse_scored_on",
        "scorehouse_acquisition_score",
        "scorehouse_acquisition_fit_grade",
        "scorehouse_acquisition_engagement_level",
        "scorehouse_acquisition_grade",
        "scorehouse_acquisition_mql",
        "scorehouse_acquisition_sql",
        "scorehouse_acquisition_expected_conversion",
        "scorehouse_acquisition_reasons",
    ]
    assert len(rows) == lead_count + 1 and b"@" not in data
    contact_id, account_id, grade, mql = query(
        publication,
        "select contact_id, account_id, lead_grade, is_mql from lead_scores "
        "where account_id is null order by contact_id limit 1",
    )[0]
    row = dict(zip(rows[0], next(r for r in rows if r[0] == contact_id), strict=True))
    assert row["scorehouse_account_id"] == ""  # HubSpot: a null is an empty cell
    assert row["scorehouse_acquisition_grade"] == grade
    assert row["scorehouse_acquisition_mql"] == ("true" if mql else "false")

    data, rows = csv_file(out, "salesforce-account")
    assert rows[0][:2] == ["Scorehouse_Id__c", "Scorehouse_Scored_On__c"]
    assert rows[0][2:] == [
        f"Scorehouse_{model}_{name}__c"
        for model in account_models
        for name in ("Score", "Fit_Grade", "Engagement", "Grade", "Conversion", "Reasons")
    ]
    assert b"\r" not in data and data.endswith(b"\n")
    # Contact models' account rows have no expected conversion: `#N/A`, Salesforce's null.
    nulls = {r[rows[0].index("Scorehouse_acquisition_Conversion__c")] for r in rows[1:]}
    assert nulls == {"#N/A"}
    assert "" not in {cell for r in rows[1:] for cell in r}
    _, leads = csv_file(out, "salesforce-lead")
    assert leads[0][:3] == [
        "Scorehouse_Id__c",
        "Scorehouse_Account_Id__c",
        "Scorehouse_Scored_On__c",
    ]
    assert [name for name in out.iterdir() if name.name.startswith(".")] == []

    # Unchanged the next time: no new file.
    capsys.readouterr()
    assert export(state_db, publication, "hubspot", "--out-dir", str(out)) == 0
    assert "0 batch(es)" in capsys.readouterr().out and len(list(out.iterdir())) == 4


def test_reasons_are_cut_between_two_reasons_and_marked():
    assert shorten_reasons("A (+1.0); B (+2.0); C (+3.0)", 100) == "A (+1.0); B (+2.0); C (+3.0)"
    assert shorten_reasons("Alpha (+1.0); Beta (+2.0); Gamma (+3.0)", 35) == (
        "Alpha (+1.0); Beta (+2.0); +1 more"
    )
    assert shorten_reasons("Alpha (+1.0); Beta (+2.0); Gamma (+3.0)", 33) == (
        "Alpha (+1.0); +2 more"
    )
    assert shorten_reasons("A very long single reason indeed (+1.0)", 20) == "A very long singl..."
    assert shorten_reasons(None, 20) is None


def test_exported_reasons_fit_the_configured_length(publication, state_db, tmp_path):
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text())
    settings["reasons"]["max_length"] = 40
    config = tmp_path / "crm_export.yml"
    config.write_text(yaml.safe_dump(settings))
    out = tmp_path / "out"
    assert (
        export(state_db, publication, "hubspot", "--out-dir", str(out), "--config", str(config))
        == 0
    )
    _, rows = csv_file(out, "hubspot-contacts")
    reasons = dict(
        query(
            publication,
            "select contact_id, top_reasons from lead_scores where model_id = 'acquisition'",
        )
    )
    column = rows[0].index("scorehouse_acquisition_reasons")
    cut = 0
    for row in rows[1:]:
        exported, full = row[column], reasons[row[0]] or ""
        assert len(exported) <= 40
        if exported.endswith("..."):  # no whole reason fits with `; +N more`
            assert exported == full.split("; ")[0][:37] + "..."
        elif exported != full:
            cut += 1
            kept, more = exported.rsplit("; +", 1)
            assert full.startswith(kept + "; ") and more.endswith(" more")
    assert cut > 0


def test_bad_settings_are_one_line_errors(tmp_path, state_db, publication, capsys):
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text())
    settings["hubspot"]["contacts"]["fields"]["total_score"] = "scorehouse_score"
    config = tmp_path / "crm_export.yml"
    config.write_text(yaml.safe_dump(settings))
    with pytest.raises(
        ScorehouseError,
        match=r"hubspot.contacts.fields.total_score: 'scorehouse_score' needs \{model\}",
    ):
        load_config(config)
    settings["hubspot"]["contacts"]["models"] = ["acquisition"]
    config.write_text(yaml.safe_dump(settings))
    assert load_config(config).objects["hubspot"][0].fields["total_score"] == "scorehouse_score"
    settings["webhook"]["atempts"] = 3
    config.write_text(yaml.safe_dump(settings))
    with pytest.raises(ScorehouseError, match="webhook: unknown key 'atempts'"):
        load_config(config)

    settings["webhook"].pop("atempts")
    settings["salesforce"]["accounts"]["models"] = ["retention", "renewal"]
    config.write_text(yaml.safe_dump(settings))
    args = ["--out-dir", str(tmp_path / "out"), "--config", str(config)]
    assert export(state_db, publication, "salesforce", *args) == 2
    assert (
        "salesforce.accounts.models: no model 'renewal' scores accounts in "
        in capsys.readouterr().err
    )
    assert not (tmp_path / "out").exists()

    assert export(state_db, publication, "webhook") == 2
    assert "--format webhook needs --url" in capsys.readouterr().err
    assert export(state_db, tmp_path / "none.duckdb", "hubspot", "--out-dir", str(tmp_path)) == 2
    assert (
        "none.duckdb: no publication to export; run `scorehouse run` first"
        in capsys.readouterr().err
    )


def test_run_destinations_are_checked_and_each_gets_a_stage_line(
    tmp_path, state_db, publication, receiver, monkeypatch, capsys
):
    """`scorehouse run` sends to the settings' run_destinations after it publishes: one
    `export` line per destination, every destination tried even when one fails, and a
    bad entry refused with a line that names it (before anything is built)."""
    settings = yaml.safe_load(DEFAULT_CONFIG.read_text())
    config = tmp_path / "crm_export.yml"

    def refused(destinations, message):
        settings["run_destinations"] = destinations
        config.write_text(yaml.safe_dump(settings))
        with pytest.raises(ScorehouseError, match=message):
            load_config(config)

    refused({"format": "webhook"}, r"run_destinations: expected a list of destinations")
    refused([{"format": "csv"}], r"run_destinations\[1\].format: expected one of hubspot")
    refused([{"format": "webhook", "out_dir": "x"}], r"run_destinations\[1\]: unknown key")
    refused([{"format": "hubspot", "out_dir": ""}], r"run_destinations\[1\].out_dir: expected")
    refused([{"format": "webhook", "url": "ftp://x"}], r"\[1\].url: --url must be an http")
    monkeypatch.delenv("SCOREHOUSE_TEST_HOOK", raising=False)
    refused(
        [{"format": "webhook", "url": "${SCOREHOUSE_TEST_HOOK}"}],
        r"\[1\].url: '\$\{SCOREHOUSE_TEST_HOOK\}' names an environment variable that is not set",
    )
    refused(
        [{"format": "hubspot", "out_dir": "out"}, {"format": "hubspot", "out_dir": "./out"}],
        r"hubspot:.*/out is listed twice",
    )

    # A failing receiver first, then a file destination: both tried, the run fails.
    monkeypatch.setenv("SCOREHOUSE_TEST_HOOK", receiver.url)
    settings["run_destinations"] = [
        {"format": "webhook", "url": "${SCOREHOUSE_TEST_HOOK}"},
        {"format": "hubspot", "out_dir": "hubspot"},
    ]
    settings["webhook"].update(attempts=2, retry_base_seconds=0.01)
    config.write_text(yaml.safe_dump(settings))
    loaded = load_config(config)
    assert loaded.run_destinations[1].out_dir == tmp_path / "hubspot"
    receiver.behaviour = lambda ordinal, attempt: "503"
    stages = cli.Stages()
    assert not cli.export_stage(stages, loaded, state_db, publication)
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.startswith("export ")]
    assert len(lines) == 2, out
    assert lines[0].split()[1] == "FAILED" and "/scores, scored as of" in lines[0]
    assert lines[1].split()[1] == "ok" and f"hubspot:{tmp_path / 'hubspot'}" in lines[1]
    assert "records delivered" in lines[1] and "secret" not in out + err
    assert "scorehouse: export stopped:" in err and "wait for the next run" in err
    assert sorted(p.name.split("-")[1] for p in (tmp_path / "hubspot").iterdir()) == [
        "companies",
        "contacts",
    ]

    # The receiver is back: the next run delivers the pending batches, files unchanged.
    receiver.behaviour = lambda ordinal, attempt: "ok"
    assert cli.export_stage(stages, loaded, state_db, publication)
    webhook_line, hubspot_line = capsys.readouterr().out.splitlines()
    pending = len(receiver.applied)
    assert pending == sum(1 for b in batches(state_db) if b[1] == "sent") - 2  # 2 files
    assert (
        f"{pending} batch(es)" in webhook_line and f"({pending} of an earlier run)" in webhook_line
    )
    assert "0 batch(es), 0 records delivered" in hubspot_line
