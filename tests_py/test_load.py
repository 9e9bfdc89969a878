"""The loader refuses files it cannot trust, with a message naming the file and problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scorehouse.errors import ScorehouseError
from scorehouse.load import load
from tests_py.conftest import write_raw

ACCOUNT = {
    "account_id": "ACC-1",
    "account_name": "Acme",
    "domain": "acme.com",
    "industry": "Software",
    "employee_count": "500",
    "annual_revenue": "1000000",
    "country": "FR",
    "created_at": "2025-01-01 00:00:00",
}


def replace_file(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.csv").write_text(text)


def test_valid_files_load_as_text_with_lineage(tmp_path):
    raw = write_raw(tmp_path / "raw", {"accounts": [ACCOUNT]})
    results = load(raw, tmp_path / "w.duckdb")
    assert {r.table: r.rows for r in results}["accounts"] == 1
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    row = con.execute(
        "select account_id, employee_count, _source_file, _source_row from raw.accounts"
    ).fetchone()
    assert row == ("ACC-1", "500", "accounts.csv", 1)
    types = dict(con.execute("describe raw.accounts").fetchall()[i][:2] for i in range(9))
    assert types["employee_count"] == "VARCHAR"


def test_missing_required_column_names_file_and_column(tmp_path):
    raw = write_raw(tmp_path / "raw", {})
    replace_file(raw, "accounts", "account_id,account_name,domain\nACC-1,Acme,acme.com\n")
    with pytest.raises(ScorehouseError) as err:
        load(raw, tmp_path / "w.duckdb")
    message = str(err.value)
    assert "accounts.csv" in message
    assert "missing required column(s) industry, employee_count, created_at" in message


def test_wrong_type_column_is_refused(tmp_path):
    rows = [dict(ACCOUNT, account_id=f"ACC-{i}", created_at="31/01/2026") for i in range(5)]
    raw = write_raw(tmp_path / "raw", {"accounts": rows})
    with pytest.raises(ScorehouseError) as err:
        load(raw, tmp_path / "w.duckdb")
    message = str(err.value)
    assert "accounts.csv" in message and "'created_at' should hold timestamp values" in message
    assert "5 of 5 do not parse (e.g. '31/01/2026')" in message


def test_a_few_bad_values_are_left_to_staging(tmp_path):
    rows = [dict(ACCOUNT, account_id=f"ACC-{i}") for i in range(9)]
    rows.append(dict(ACCOUNT, account_id="ACC-9", employee_count="many"))
    raw = write_raw(tmp_path / "raw", {"accounts": rows})
    results = {r.table: r for r in load(raw, tmp_path / "w.duckdb")}
    assert results["accounts"].rows == 10
    assert any(
        "1 value(s) of 'employee_count' do not parse" in n for n in results["accounts"].notes
    )


def test_garbage_lines_are_refused_with_line_numbers(tmp_path):
    raw = write_raw(tmp_path / "raw", {"accounts": [ACCOUNT]})
    text = (raw / "accounts.csv").read_text()
    replace_file(
        raw, "accounts", text + "this line is garbage\nACC-2,B,b.com,Retail,1,2,FR,2025-01-01,x,y\n"
    )
    with pytest.raises(ScorehouseError) as err:
        load(raw, tmp_path / "w.duckdb")
    message = str(err.value)
    assert "accounts.csv: 2 line(s) are not valid CSV rows" in message
    assert "line 3" in message and "line 4" in message


def test_tolerated_garbage_lines_are_kept_not_lost(tmp_path):
    raw = write_raw(tmp_path / "raw", {"accounts": [ACCOUNT]})
    text = (raw / "accounts.csv").read_text()
    replace_file(raw, "accounts", text + "this line is garbage\n")
    load(raw, tmp_path / "w.duckdb", max_bad_lines=5)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert con.execute("select count(*) from raw.accounts").fetchone()[0] == 1
    kept = con.execute("select source_file, line, csv_line from raw._load_rejects").fetchall()
    assert kept == [("accounts.csv", 3, "this line is garbage")]


def test_missing_file_is_an_error_unless_allowed(tmp_path):
    raw = write_raw(tmp_path / "raw", {"accounts": [ACCOUNT]})
    (raw / "invoices.csv").unlink()
    with pytest.raises(ScorehouseError, match="no file for raw table\\(s\\) invoices"):
        load(raw, tmp_path / "w.duckdb")
    results = {r.table: r for r in load(raw, tmp_path / "w.duckdb", allow_missing=True)}
    assert results["invoices"].rows == 0


def test_empty_file_and_non_utf8_are_refused(tmp_path):
    raw = write_raw(tmp_path / "raw", {})
    replace_file(raw, "accounts", "")
    with pytest.raises(ScorehouseError, match="accounts.csv: the file is empty"):
        load(raw, tmp_path / "w.duckdb")
    (raw / "accounts.csv").write_bytes(b"account_id\n\xff\xfe\n")
    with pytest.raises(ScorehouseError, match="accounts.csv: not UTF-8"):
        load(raw, tmp_path / "w.duckdb")


def test_parquet_exports_load_like_csv(tmp_path):
    raw = write_raw(tmp_path / "raw", {"accounts": [ACCOUNT]})
    con = duckdb.connect()
    source = str(raw / "accounts.csv")
    target = str(raw / "accounts.parquet")
    con.execute(
        f"copy (select * from read_csv('{source}', all_varchar=true)) to '{target}' (format parquet)"
    )
    (raw / "accounts.csv").unlink()
    results = {r.table: r for r in load(raw, tmp_path / "w.duckdb")}
    assert results["accounts"].rows == 1 and results["accounts"].file == "accounts.parquet"


def test_cli_reports_bad_input_in_one_line_without_traceback(tmp_path):
    raw = write_raw(tmp_path / "raw", {})
    replace_file(raw, "contacts", "contact_id\nCON-1\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scorehouse.cli",
            "load",
            "--input-dir",
            str(raw),
            "--db",
            str(tmp_path / "w.duckdb"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("scorehouse: error: ")
    assert "contacts.csv: missing required column(s)" in result.stderr


def test_semicolon_files_and_header_case_are_accepted(tmp_path):
    raw = write_raw(tmp_path / "raw", {})
    header = ";".join(name.upper() for name in ACCOUNT)
    values = ";".join(ACCOUNT.values())
    replace_file(raw, "accounts", f"\ufeff{header}\n{values}\n")
    results = {r.table: r for r in load(raw, tmp_path / "w.duckdb")}
    assert results["accounts"].rows == 1
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert con.execute("select account_id, created_at from raw.accounts").fetchone() == (
        "ACC-1",
        "2025-01-01 00:00:00",
    )


def test_append_brings_an_earlier_versions_raw_tables_up_to_the_contract(tmp_path):
    """A warehouse loaded before the contract gained an optional table and an optional
    column still takes appends: the table is created empty, the column added as null to
    the rows already loaded, and both are said; nothing loaded before changes."""
    db = tmp_path / "w.duckdb"
    load(write_raw(tmp_path / "full", {"accounts": [ACCOUNT]}), db)
    con = duckdb.connect(str(db))
    con.execute("drop table raw.activities")
    con.execute("alter table raw.record_fields drop column observed_at")
    con.close()
    later = {**ACCOUNT, "account_id": "ACC-2"}
    results = {
        r.table: r
        for r in load(write_raw(tmp_path / "more", {"accounts": [later]}), db, append=True)
    }
    assert any("created empty" in note for note in results["activities"].notes)
    assert any("observed_at" in note for note in results["record_fields"].notes)
    con = duckdb.connect(str(db))
    assert con.execute("select account_id from raw.accounts order by 1").fetchall() == [
        ("ACC-1",),
        ("ACC-2",),
    ]
    assert "observed_at" in [row[0] for row in con.execute("describe raw.record_fields").fetchall()]


def test_append_still_refuses_a_table_missing_a_required_column(tmp_path):
    db = tmp_path / "w.duckdb"
    load(write_raw(tmp_path / "full", {"accounts": [ACCOUNT]}), db)
    con = duckdb.connect(str(db))
    con.execute("alter table raw.accounts drop column account_id")
    con.close()
    with pytest.raises(ScorehouseError, match="cannot append to raw.accounts"):
        load(write_raw(tmp_path / "more", {"accounts": [ACCOUNT]}), db, append=True)
