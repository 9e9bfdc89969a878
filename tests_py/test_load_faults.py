"""Faults in an export folder, or a full disk, end in one line naming the file and what
to do, and a failed load leaves the raw tables exactly as the previous load left them."""

from __future__ import annotations

import errno
import gzip
import os
import textwrap
from pathlib import Path

import duckdb
import pytest

from scorehouse import cli
from scorehouse.errors import ScorehouseError
from scorehouse.load import load
from tests_py.conftest import write_raw
from tests_py.test_load import ACCOUNT

HEADER = ",".join(ACCOUNT)
REAL_CONNECT = duckdb.connect


def account_line(account_id: str, name: str = "Acme") -> str:
    return ",".join([account_id, name, *list(ACCOUNT.values())[2:]])


def raw_tables(db: Path) -> dict[str, list[tuple]]:
    """Every table of the raw schema with all its rows, to compare before and after."""
    con = REAL_CONNECT(str(db), read_only=True)
    try:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw' "
                "order by 1"
            ).fetchall()
        ]
        return {n: con.execute(f'select * from raw."{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path) -> tuple[Path, dict[str, list[tuple]]]:
    """A warehouse after a good load, and its raw tables then."""
    db = tmp_path / "w.duckdb"
    load(write_raw(tmp_path / "good", {"accounts": [ACCOUNT]}), db)
    return db, raw_tables(db)


def refused(raw: Path, db: Path, **options) -> str:
    with pytest.raises(ScorehouseError) as err:
        load(raw, db, **options)
    message = str(err.value)
    assert "\n" not in message
    return message


def next_export(tmp_path: Path) -> Path:
    """A valid export with other rows than the good load's, to be broken by a test."""
    return write_raw(tmp_path / "next", {"accounts": [dict(ACCOUNT, account_id="ACC-2")]})


def test_a_csv_gz_that_is_not_gzip_is_refused(tmp_path, loaded):
    db, before = loaded
    raw = next_export(tmp_path)
    (raw / "accounts.csv").rename(raw / "accounts.csv.gz")
    message = refused(raw, db)
    assert message == (
        f"{raw / 'accounts.csv.gz'}: not a gzip file, though named .gz; compress it with gzip, "
        "or drop the .gz from its name if it is plain CSV"
    )
    assert raw_tables(db) == before


@pytest.mark.parametrize("keep", [12, -6], ids=["after-a-few-bytes", "before-its-end"])
def test_a_truncated_gzip_is_refused(tmp_path, loaded, keep):
    """Cut in its header, or after the rows (the header line still reads): both refused
    before anything is written."""
    db, before = loaded
    raw = next_export(tmp_path)
    data = gzip.compress((raw / "accounts.csv").read_bytes())
    (raw / "accounts.csv").unlink()
    (raw / "accounts.csv.gz").write_bytes(data[:keep])
    message = refused(raw, db)
    assert message == (
        f"{raw / 'accounts.csv.gz'}: the gzip file is cut short or corrupt (Compressed file "
        "ended before the end-of-stream marker was reached); copy or export it again in full "
        "(`gzip -t` checks it)"
    )
    assert raw_tables(db) == before


def test_a_folder_named_like_an_export_is_refused(tmp_path, loaded):
    db, before = loaded
    raw = next_export(tmp_path)
    (raw / "accounts.csv").unlink()
    (raw / "accounts.csv").mkdir()
    message = refused(raw, db)
    assert message == (
        f"{raw / 'accounts.csv'}: a folder, not an export file; move it away and put the "
        "table's export file in its place"
    )
    assert raw_tables(db) == before


@pytest.mark.parametrize("append", [False, True], ids=["full", "append"])
def test_a_dangling_symlink_is_refused_not_loaded_as_no_file(tmp_path, loaded, append):
    """Before, `exists()` said no file: an optional table, or any table of an increment,
    then loaded empty without a word."""
    db, before = loaded
    raw = next_export(tmp_path)
    (raw / "activities.csv").unlink()
    (raw / "activities.csv").symlink_to(tmp_path / "gone" / "activities.csv")
    message = refused(raw, db, append=append)
    assert message == (
        f"{raw / 'activities.csv'}: a symbolic link to {tmp_path / 'gone' / 'activities.csv'}, "
        "which does not exist; point the link at the export or remove it"
    )
    assert raw_tables(db) == before


@pytest.mark.parametrize("other", ["accounts.parquet", "accounts.csv.gz"])
def test_two_exports_for_one_table_are_refused_naming_both(tmp_path, loaded, other):
    db, before = loaded
    raw = next_export(tmp_path)
    if other.endswith(".gz"):
        (raw / other).write_bytes(gzip.compress((raw / "accounts.csv").read_bytes()))
    else:
        source = raw / "accounts.csv"
        REAL_CONNECT().execute(
            f"copy (select * from read_csv('{source}', all_varchar=true)) "
            f"to '{raw / other}' (format parquet)"
        )
    message = refused(raw, db)
    assert message == (
        f"{raw}: 2 exports for raw table accounts: accounts.csv and {other}; keep one and "
        "move the other(s) out of the folder"
    )
    assert raw_tables(db) == before


@pytest.mark.parametrize("compressed", [False, True], ids=["csv", "csv.gz"])
def test_mixed_line_endings_load_every_row(tmp_path, compressed):
    """CRLF and LF in one file, which DuckDB's reader cannot parse, load whole: every row,
    the file's row numbers, a CRLF inside a quoted value kept, custom fields keyed to the
    right rows, and a note saying so."""
    raw = write_raw(tmp_path / "raw", {})
    lines = [
        (HEADER + ",plan", "\r\n"),
        (account_line("ACC-1") + ",Gold", "\n"),
        (account_line("ACC-2", '"Two\r\nLines"') + ",Silver", "\r\n"),
        (account_line("ACC-3") + ",", "\n"),
        (account_line("ACC-4") + ",Bronze", "\r\n"),
    ]
    data = "".join(text + end for text, end in lines).encode()
    (raw / "accounts.csv").unlink()
    if compressed:
        (raw / "accounts.csv.gz").write_bytes(gzip.compress(data))
    else:
        (raw / "accounts.csv").write_bytes(data)
    results = {r.table: r for r in load(raw, tmp_path / "w.duckdb")}
    assert results["accounts"].rows == 4
    assert results["accounts"].notes[0] == (
        "lines end partly in CRLF, partly in LF: read with every row ending in LF "
        "(no row dropped, values unchanged)"
    )
    con = REAL_CONNECT(str(tmp_path / "w.duckdb"))
    assert con.execute(
        "select account_id, account_name, _source_row from raw.accounts order by _source_row"
    ).fetchall() == [
        ("ACC-1", "Acme", 1),
        ("ACC-2", "Two\r\nLines", 2),
        ("ACC-3", "Acme", 3),
        ("ACC-4", "Acme", 4),
    ]
    assert con.execute(
        "select record_id, field_value, _source_row from raw.record_fields order by all"
    ).fetchall() == [("ACC-1", "Gold", 1), ("ACC-2", "Silver", 2), ("ACC-4", "Bronze", 4)]


def test_a_bad_line_in_a_mixed_file_keeps_its_line_number(tmp_path):
    """Normalising drops only the CR of a CRLF: a refused line is named by its line in
    the file as given."""
    raw = write_raw(tmp_path / "raw", {})
    text = f"{HEADER}\r\n{account_line('ACC-1')}\nthis line is garbage\r\n{account_line('ACC-2')}\n"
    (raw / "accounts.csv").write_bytes(text.encode())
    message = refused(raw, tmp_path / "w.duckdb")
    assert message.startswith(f"{raw / 'accounts.csv'}: 1 line(s) are not valid CSV rows")
    assert "line 3: " in message


def test_a_refused_file_late_in_the_load_leaves_earlier_tables_as_they_were(tmp_path, loaded):
    """The tables before it in the load were already replaced when the last file was
    refused: the one transaction is rolled back."""
    db, before = loaded
    raw = next_export(tmp_path)
    (raw / "nps_responses.csv").write_text("nps_response_id\nN-1\n")
    message = refused(raw, db)
    assert message.startswith(f"{raw / 'nps_responses.csv'}: missing required column(s)")
    assert raw_tables(db) == before


class FullDisk:
    """A DuckDB connection whose statement `fails_on` (or commit) hits a full disk."""

    def __init__(self, con, fails_on: str):
        self._con = con
        self._fails_on = fails_on

    def execute(self, sql, *args):
        if self._fails_on in sql:
            raise duckdb.IOException(
                'IO Error: Could not write file "w.duckdb.wal": No space left on device'
            )
        return self._con.execute(sql, *args)

    def commit(self):
        if self._fails_on == "commit":
            raise duckdb.IOException("IO Error: Could not sync WAL: No space left on device")
        return self._con.commit()

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.mark.parametrize(
    "fails_on, subject",
    [
        ('create or replace table "raw"."email_events"', "email_events.csv"),
        ("commit", ""),
    ],
    ids=["mid-load", "at-commit"],
)
def test_a_full_disk_says_so_and_leaves_the_raw_tables(
    tmp_path, loaded, monkeypatch, fails_on, subject
):
    db, before = loaded
    raw = next_export(tmp_path)
    monkeypatch.setattr(
        duckdb, "connect", lambda *a, **k: FullDisk(REAL_CONNECT(*a, **k), fails_on)
    )
    message = refused(raw, db)
    monkeypatch.undo()
    detail = (
        'IO Error: Could not write file "w.duckdb.wal": No space left on device'
        if subject
        else "IO Error: Could not sync WAL: No space left on device"
    )
    assert message == (
        f"{raw / subject if subject else raw}: the disk is full ({detail}); the raw tables in "
        f"{db} were left as they were: free space on the disk holding {tmp_path} and run "
        "the load again"
    )
    assert raw_tables(db) == before


def test_a_full_disk_while_normalising_a_file_names_where(tmp_path, loaded, monkeypatch):
    """An OSError with ENOSPC from Python (the copy with its line endings made one) names
    the folder whose disk is full."""
    db, before = loaded
    raw = next_export(tmp_path)
    (raw / "accounts.csv").write_bytes(f"{HEADER}\r\n{account_line('ACC-2')}\n".encode())

    def no_space(path, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr("scorehouse.load._normalise_line_endings", no_space)
    message = refused(raw, db)
    assert message.startswith(f"{raw / 'accounts.csv'}: the disk is full ([Errno 28] ")
    assert f"; the raw tables in {db} were left as they were: free space on the disk " in message
    assert message.endswith(" and run the load again") and "scorehouse-load-" in message
    assert raw_tables(db) == before


def test_any_other_duckdb_error_is_one_line_naming_the_file(tmp_path, loaded, monkeypatch):
    """DuckDB's multi-line message (possible fixes, reader settings) is cut to its first
    line."""
    db, before = loaded
    raw = next_export(tmp_path)

    class Broken(FullDisk):
        def execute(self, sql, *args):
            if "temp table _stage as select" in sql and "contacts.csv" in sql:
                raise duckdb.InvalidInputException(
                    "Invalid Input Error: CSV Error on Line: 7\nPossible fixes:\n* strict_mode"
                )
            return self._con.execute(sql, *args)

    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Broken(REAL_CONNECT(*a, **k), ""))
    message = refused(raw, db)
    monkeypatch.undo()
    assert message == (
        f"{raw / 'contacts.csv'}: cannot be loaded (Invalid Input Error: CSV Error on Line: 7); "
        f"the raw tables in {db} were left as they were: check the file, and that the disk and "
        "the warehouse are usable, then run the load again"
    )
    assert raw_tables(db) == before


def test_an_os_error_reading_a_file_is_one_line_naming_it(tmp_path, loaded, monkeypatch):
    db, before = loaded
    raw = next_export(tmp_path)

    def unreadable(path, scratch):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr("scorehouse.load.csv_source", unreadable)
    message = refused(raw, db)
    assert message.startswith(f"{raw / 'invoices.csv'}: cannot be loaded ([Errno 13] Permission")
    assert raw_tables(db) == before


def test_the_cli_prints_one_line_for_a_fault(tmp_path, loaded, capsys):
    db, before = loaded
    raw = next_export(tmp_path)
    (raw / "contacts.csv").rename(raw / "contacts.csv.gz")
    assert cli.main(["load", "--input-dir", str(raw), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"scorehouse: error: {raw / 'contacts.csv.gz'}: not a gzip file, though named .gz; "
        "compress it with gzip, or drop the .gz from its name if it is plain CSV\n"
    )
    assert raw_tables(db) == before


MAPPING = """\
tables:
  accounts:
    file: companies*.csv
    columns:
      account_id: Company ID
      account_name: Company
      domain: Website
      industry: Sector
      employee_count: Employees
      created_at: Since
"""
COMPANIES = ["Company ID,Company,Website,Sector,Employees,Since", "C-1,Acme,acme.com,SaaS,800,"]


def mapped_export(folder: Path, ending: str = "\n") -> Path:
    folder.mkdir(parents=True)
    (folder / "companies.csv").write_bytes("".join(c + ending for c in COMPANIES).encode())
    (folder / "mapping.yml").write_text(textwrap.dedent(MAPPING))
    return folder / "mapping.yml"


def load_mapped(mapping: Path, db: Path) -> int:
    return cli.main(["load", "--mapping", str(mapping), "--db", str(db)])


def test_mapping_faults_are_one_line_and_load_nothing(tmp_path, loaded, capsys):
    db, before = loaded
    mapping = mapped_export(tmp_path / "export")
    export = mapping.parent
    (export / "companies_old.csv").mkdir()
    assert load_mapped(mapping, db) == 2
    assert capsys.readouterr().err == (
        f"scorehouse: error: {export / 'companies_old.csv'}: a folder, not an export file; "
        "move it away and put the table's export file in its place\n"
    )
    (export / "companies_old.csv").rmdir()
    (export / "companies_2.csv").symlink_to(export / "gone.csv")
    assert load_mapped(mapping, db) == 2
    assert "companies_2.csv: a symbolic link to" in capsys.readouterr().err
    (export / "companies_2.csv").unlink()
    (export / "companies_3.csv.gz").write_bytes(gzip.compress(b"Company ID\nC-2\n")[:12])
    mapping.write_text(mapping.read_text().replace("companies*.csv", "companies*.csv*"))
    assert load_mapped(mapping, db) == 2
    assert capsys.readouterr().err == (
        f"scorehouse: error: {export / 'companies_3.csv.gz'}: the gzip file is cut short or "
        "corrupt (Compressed file ended before the end-of-stream marker was reached); copy or "
        "export it again in full (`gzip -t` checks it)\n"
    )
    assert raw_tables(db) == before


def test_a_full_disk_while_mapping_says_so(tmp_path, loaded, monkeypatch, capsys):
    db, before = loaded
    mapping = mapped_export(tmp_path / "export")

    class NoSpace(FullDisk):
        def execute(self, sql, *args):
            if sql.startswith("copy ("):
                raise duckdb.IOException(
                    'IO Error: Could not write file "accounts.csv": No space left on device'
                )
            return self._con.execute(sql, *args)

    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: NoSpace(REAL_CONNECT(*a, **k), ""))
    assert load_mapped(mapping, db) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.startswith(
        f"scorehouse: error: {mapping.parent / 'companies.csv'} (tables.accounts.file): the disk "
        'is full (IO Error: Could not write file "accounts.csv": No space left on device); '
        "nothing was loaded, the raw tables were left as they were: free space on the disk "
        "holding "
    )
    assert err.count("\n") == 1 and "scorehouse-mapped-" in err
    assert raw_tables(db) == before


def test_a_mapped_file_with_mixed_line_endings_loads_whole(tmp_path, capsys):
    mapping = mapped_export(tmp_path / "export", ending="\r\n")
    (mapping.parent / "companies_2.csv").write_bytes(
        b"Company ID,Company,Website,Sector,Employees,Since\r\nC-2,Two,two.io,Retail,5,\n"
        b"C-3,Three,three.io,Retail,7,\r\n"
    )
    assert load_mapped(mapping, tmp_path / "w.duckdb") == 0
    out = capsys.readouterr().out
    assert (
        "mapping note: accounts: lines end partly in CRLF, partly in LF in companies_2.csv" in out
    )
    con = REAL_CONNECT(str(tmp_path / "w.duckdb"))
    assert con.execute("select account_id from raw.accounts order by 1").fetchall() == [
        ("C-1",),
        ("C-2",),
        ("C-3",),
    ]
