"""Load raw CSV or Parquet exports, one file per contract table, into the raw schema.

Every column is stored as text: staging parses and types it, and quarantines the rows
it cannot use, so nothing is lost between the file and the warehouse. The loader
refuses a file it cannot trust as a whole, with a message naming the file and the
problem: a missing required column, a column whose values are mostly of the wrong
type, or lines that do not parse as CSV (unless `max_bad_lines` tolerates them, in
which case they are kept in `<raw_schema>._load_rejects`).

A load either replaces the raw tables (the default: a full export) or appends to them
(`append=True`: a daily increment, possibly with late or re-delivered events). Every
load gets the next `_load_id`, stamped on its rows and recorded in `<raw_schema>._loads`;
the incremental staging models process only rows of loads they have not seen, and
rebuild themselves when a replacing load removed rows they had already staged.

A load is all or nothing: the files are checked first (one export per table, a real
file, a gzip file complete), and then every table is written in one DuckDB transaction.
Whatever fails on the way (a refused file, a read error, a full disk) rolls it back, so
the raw tables stay as the previous load left them, and the failure is reported as one
`ScorehouseError` line naming the file, never a stack trace.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import gzip
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from scorehouse.contract import LINEAGE_COLUMNS, RECORD_FIELDS, Table, load_contract
from scorehouse.errors import ScorehouseError
from scorehouse.sql import one_row

FILE_SUFFIXES = (".csv", ".csv.gz", ".parquet")
CSV_DELIMITERS = (",", ";", "\t", "|")

# DuckDB expression that is non-null when text `{v}` parses as the logical type.
PARSERS = {
    "integer": "try_cast(trim({v}) as bigint)",
    "numeric": "try_cast(trim({v}) as double)",
    "timestamp": "try_cast(trim({v}) as timestamptz)",
    "date": "try_cast(trim({v}) as date)",
    "boolean": "case when lower(trim({v})) in ('true','false','t','f','1','0','yes','no','y','n')"
    " then true end",
}


@dataclass
class TableLoad:
    table: str
    file: str | None
    rows: int = 0
    rejected_lines: int = 0
    notes: list[str] = field(default_factory=list)


def find_file(input_dir: Path, table: str) -> Path | None:
    """The export of raw table `table` in `input_dir` (`<table>.csv`, `.csv.gz` or
    `.parquet`), or None when there is none. Two exports for one table are refused rather
    than one silently ignored: which one is the right one is the user's call. So is a name
    that is taken but does not lead to a file (`check_export_path`)."""
    found = [
        input_dir / f"{table}{suffix}"
        for suffix in FILE_SUFFIXES
        if os.path.lexists(input_dir / f"{table}{suffix}")
    ]
    if len(found) > 1:
        raise ScorehouseError(
            f"{input_dir}: {len(found)} exports for raw table {table}: "
            f"{' and '.join(p.name for p in found)}; keep one and move the other(s) out of the "
            "folder"
        )
    if not found:
        return None
    check_export_path(found[0])
    return found[0]


def check_export_path(path: Path) -> None:
    """Refuse an export name that does not lead to a regular file: a symbolic link to
    nothing (found by name, yet it would load as no file at all), a folder, or a device
    or pipe."""
    if path.is_symlink() and not path.exists():
        raise ScorehouseError(
            f"{path}: a symbolic link to {os.readlink(path)}, which does not exist; "
            "point the link at the export or remove it"
        )
    if path.is_dir():
        raise ScorehouseError(
            f"{path}: a folder, not an export file; move it away and put the table's export "
            "file in its place"
        )
    if not path.is_file():
        raise ScorehouseError(f"{path}: not a regular file; give the export as a plain file")


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


# Read errors of a file that is not gzip, or is cut short or corrupt.
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def _gzip_error(path: Path | str, exc: BaseException) -> ScorehouseError:
    """The line for a `.gz` export that is not gzip, or is cut short or corrupt."""
    if "not a gzip" in str(exc).lower():
        return ScorehouseError(
            f"{path}: not a gzip file, though named .gz; compress it with gzip, or drop the "
            ".gz from its name if it is plain CSV"
        )
    return ScorehouseError(
        f"{path}: the gzip file is cut short or corrupt ({_first_line(exc)}); copy or "
        "export it again in full (`gzip -t` checks it)"
    )


def _mixes_line_endings(path: Path) -> bool:
    """Whether the CSV file ends some lines with CRLF and others with LF alone, which
    DuckDB's CSV reader cannot parse. Counted over the whole file (a gzip file is so also
    read to its end: one cut short or corrupt is refused here, before any writing)."""
    crlf = lf = 0
    previous = b""
    try:
        with _open_bytes(path) as handle:
            while chunk := handle.read(1 << 20):
                lf += chunk.count(b"\n")
                crlf += chunk.count(b"\r\n") + (previous == b"\r" and chunk[:1] == b"\n")
                previous = chunk[-1:]
    except _GZIP_ERRORS as exc:
        raise _gzip_error(path, exc) from exc
    return 0 < crlf < lf


def _normalise_line_endings(path: Path, target: Path) -> None:
    """Write CSV file `path` to `target` with every row ending in LF. Only the CR of a
    CRLF that ends a row is dropped, so the line numbers stay those of the file; a line
    break inside a quoted value is kept as written. A quote opens or closes a quoted value
    (a doubled quote inside one does both), so the count of quotes so far says whether a
    line ends inside a value."""
    in_quotes = False
    try:
        with _open_bytes(path) as source, open(target, "wb") as out:
            for line in source:
                in_quotes ^= line.count(b'"') % 2 == 1
                if not in_quotes and line.endswith(b"\r\n"):
                    line = line[:-2] + b"\n"
                out.write(line)
    except _GZIP_ERRORS as exc:
        raise _gzip_error(path, exc) from exc


def csv_source(path: Path, scratch: Path) -> Path:
    """The file DuckDB should read for CSV export `path`: the file itself, or, when its
    lines end partly in CRLF and partly in LF, a copy in folder `scratch` with every row
    ending in LF, so that it loads whole instead of failing (no row is dropped or joined;
    see `_normalise_line_endings`). The copy is plain CSV, also for a `.csv.gz` export."""
    if not _mixes_line_endings(path):
        return path
    handle, name = tempfile.mkstemp(
        prefix=path.name.split(".")[0] + "-", suffix=".csv", dir=scratch
    )
    os.close(handle)
    _normalise_line_endings(path, Path(name))
    return Path(name)


def _first_line(exc: BaseException) -> str:
    """DuckDB's message without its list of possible fixes and reader settings."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _disk_full(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or (
        "no space left on device" in str(exc).lower()
    )


def file_error(
    exc: BaseException, subject: Path | str, *, kept: str, where: Path
) -> ScorehouseError:
    """One line for a DuckDB or OS error met while reading `subject` (a file, or what a
    mapping entry names), saying what to do. `kept` says what the failure left as it was
    (the load was rolled back); `where` is the folder being written to, whose disk a "no
    space left" error is about unless the error names another file."""
    detail = _first_line(exc)
    if _disk_full(exc):
        filename = getattr(exc, "filename", None)
        where = Path(filename).parent if filename else where
        return ScorehouseError(
            f"{subject}: the disk is full ({detail}); {kept}: free space on the disk "
            f"holding {where} and run the load again"
        )
    if "gzip stream" in detail.lower():
        return _gzip_error(subject, exc)
    if "state machine reached an invalid state" in detail:
        return ScorehouseError(
            f"{subject}: not readable as CSV (a quote that is never closed, or stray "
            f"carriage returns); {kept}: export it again as CSV with one kind of line ending "
            'and any quote inside a value doubled ("")'
        )
    return ScorehouseError(
        f"{subject}: cannot be loaded ({detail}); {kept}: check the file, and that the disk "
        "and the warehouse are usable, then run the load again"
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header's column names and the delimiter (comma, semicolon, tab or pipe)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError as exc:
        raise ScorehouseError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except _GZIP_ERRORS as exc:
        raise _gzip_error(path, exc) from exc
    if not first_line.strip():
        raise ScorehouseError(f"{path}: the file is empty; expected a header line")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter))
    return [h.strip() for h in header], delimiter


def _file_columns(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[list[str], str]:
    if path.suffix == ".parquet":
        try:
            rows = con.execute("select name from parquet_schema(?)", [str(path)]).fetchall()
        except duckdb.Error as exc:
            raise ScorehouseError(
                f"{path}: not a readable Parquet file ({_first_line(exc)})"
            ) from exc
        return [r[0] for r in rows[1:]], ""  # the first row is the schema root
    return _csv_header(path)


# The types the loader gives its lineage columns (every contract column is varchar).
_LINEAGE_TYPES = {"_loaded_at": "timestamp", "_source_row": "bigint", "_load_id": "bigint"}


def configure(con: duckdb.DuckDBPyConnection) -> None:
    """UTC, and the memory limit and threads dbt's profile gives DuckDB
    (`SCOREHOUSE_DUCKDB_MEMORY`, `SCOREHOUSE_THREADS`): beyond the limit DuckDB spills to
    disk, so large exports load in bounded memory."""
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set memory_limit = {_literal(os.environ.get('SCOREHOUSE_DUCKDB_MEMORY', '6GB'))}")
    con.execute(f"set threads = {int(os.environ.get('SCOREHOUSE_THREADS', '2'))}")


def _row_number(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """SQL for a row's 1-based position in temp table `table`, in the order it was
    written, which is the file's order. Not `rowid + 1`: the rows a transaction writes
    (the whole load is one) get rowids counted from a large offset, in order, no gaps.
    The first rowid is looked up once here: as a subquery it slows the load down."""
    first = one_row(con.execute(f"select coalesce(min(rowid), 0) from {table}"))[0]
    return f"(rowid - {int(first)} + 1)"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader_sql(path: Path, header: list[str], delimiter: str) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet({_literal(str(path))})"
    columns = ", ".join(f"{_literal(c)}: 'varchar'" for c in header)
    return (
        f"read_csv({_literal(str(path))}, header=true, auto_detect=false, columns={{{columns}}}, "
        f"quote='\"', escape='\"', delim={_literal(delimiter)}, store_rejects=true, "
        "rejects_table='_rejects', rejects_scan='_reject_scans', null_padding=false)"
    )


def _check_columns(table: Table, path: Path, header: list[str]) -> list[str]:
    """Check the header, already lower-cased, against the contract."""
    notes = []
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates:
        raise ScorehouseError(f"{path}: duplicate column(s) in the header: {', '.join(duplicates)}")
    missing = [c for c in table.required_columns if c not in header]
    if missing:
        raise ScorehouseError(
            f"{path}: missing required column(s) {', '.join(missing)} for raw table "
            f"'{table.name}'; expected columns: {', '.join(table.column_names)}"
        )
    absent_optional = [c for c in table.column_names if c not in header]
    if absent_optional:
        notes.append(f"optional column(s) absent, loaded as null: {', '.join(absent_optional)}")
    extra = [c for c in header if c not in table.column_names]
    if extra and table.custom_fields:
        notes.append(f"custom field(s) kept in {RECORD_FIELDS}: {', '.join(extra)}")
    elif extra:
        notes.append(f"column(s) not in the contract, not loaded: {', '.join(extra)}")
    return notes


def _collect_custom_fields(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    path: Path,
    header: list[str],
    delimiter: str,
    load_id: int,
    source: Path,
) -> None:
    """Add the file's columns that the contract does not name to `_custom_fields`, one
    row per record and non-empty value, with the file's row number as staging counts it.
    A row without its record id, where the contract allows one (`Table.keyed_by_row`),
    is keyed as its staging model keys it. `source` is the file to read (`csv_source`)."""
    contract_columns = set(table.column_names)
    extra = [c for c in header if c.lower() not in contract_columns]
    if not table.custom_fields or not extra:
        return
    key = next((c for c in header if c.lower() == table.key_column), None)
    key_value = f"nullif(trim(cast({_quote(key)} as varchar)), '')" if key else "null"
    casts = [f"cast({_quote(c)} as varchar) as {_quote(c)}" for c in extra]
    columns = ", ".join([f"{key_value} as _record_id", *casts])
    record_id = "_record_id"
    if table.keyed_by_row:
        row = "cast(_source_row as varchar)"
        record_id = (
            f"coalesce(_record_id, 'row:{load_id}:' || {_literal(path.name)} || ':' || {row})"
        )
    con.execute("drop table if exists _rejects")
    con.execute("drop table if exists _reject_scans")
    con.execute(
        f"create or replace temp table _extras as "
        f"select {columns} from {_reader_sql(source, header, delimiter)}"
    )
    con.execute(
        f"""
        insert into _custom_fields
        select ?, {record_id}, field_name, field_value, ?, _source_row
        from (
            unpivot (select *, {_row_number(con, "_extras")} as _source_row from _extras)
            on {", ".join(_quote(c) for c in extra)}
            into name field_name value field_value
        )
        where nullif(trim(field_value), '') is not null
        order by _source_row, field_name
        """,
        [table.custom_fields, path.name],
    )


def _check_types(
    con: duckdb.DuckDBPyConnection, table: Table, path: Path, max_bad_share: float
) -> list[str]:
    """Refuse a column whose non-empty values mostly fail to parse as its declared type."""
    notes = []
    for column in table.columns:
        parser = PARSERS.get(column.data_type)
        if parser is None:
            continue
        expr = parser.format(v=_quote(column.name))
        non_empty, bad, example = one_row(
            con.execute(
                f"""
            select
                count(*) filter (where nullif(trim({_quote(column.name)}), '') is not null),
                count(*) filter (where nullif(trim({_quote(column.name)}), '') is not null
                                   and ({expr}) is null),
                min({_quote(column.name)}) filter (
                    where nullif(trim({_quote(column.name)}), '') is not null and ({expr}) is null)
            from _stage
            """
            )
        )
        if bad and bad > max_bad_share * non_empty:
            raise ScorehouseError(
                f"{path}: column '{column.name}' should hold {column.data_type} values, but "
                f"{bad} of {non_empty} do not parse (e.g. {example!r}); "
                + (
                    "write timestamps as ISO 8601, e.g. 2026-03-01 10:00:00 or 2026-03-01T10:00:00Z"
                    if column.data_type in ("timestamp", "date")
                    else "check the export's column mapping"
                )
            )
        if bad:
            notes.append(
                f"{bad} value(s) of '{column.name}' do not parse; staging quarantines them"
            )
    return notes


def _check_rejects(con: duckdb.DuckDBPyConnection, path: Path, max_bad_lines: int) -> int:
    if path.suffix == ".parquet":
        return 0
    # DuckDB reports one error per bad column; a bad line counts once.
    rejects = con.execute(
        "select line, min(error_type), min(error_message), min(csv_line) "
        "from _rejects group by line order by line"
    ).fetchall()
    if len(rejects) > max_bad_lines:
        shown = "; ".join(
            f"line {line}: {etype.lower().replace('_', ' ')} ({(text or '')[:60]!r})"
            for line, etype, _msg, text in rejects[:5]
        )
        raise ScorehouseError(
            f"{path}: {len(rejects)} line(s) are not valid CSV rows for this table "
            f"(allowed: {max_bad_lines}): {shown}"
        )
    return len(rejects)


def load(
    input_dir: Path,
    db_path: Path,
    *,
    raw_schema: str = "raw",
    max_bad_lines: int = 0,
    max_bad_share: float = 0.5,
    allow_missing: bool = False,
    loaded_at: dt.datetime | None = None,
    append: bool = False,
) -> list[TableLoad]:
    """Load every contract table from `input_dir` into `raw_schema` of the DuckDB file.

    With `append`, the rows are added to the raw tables instead of replacing them.
    """
    input_dir = Path(input_dir)
    if not input_dir.is_dir():
        raise ScorehouseError(f"{input_dir}: no such folder of raw files")
    contract = load_contract()
    files = {name: find_file(input_dir, name) for name in contract}
    missing = [name for name, path in files.items() if path is None and not contract[name].optional]
    if missing and not allow_missing and not append:
        raise ScorehouseError(
            f"{input_dir}: no file for raw table(s) {', '.join(missing)}; expected "
            f"<table>.csv, .csv.gz or .parquet (use --allow-missing to load them empty)"
        )
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="scorehouse-load-") as scratch:
        return _load_files(
            input_dir,
            Path(db_path),
            contract,
            files,
            Path(scratch),
            raw_schema=raw_schema,
            max_bad_lines=max_bad_lines,
            max_bad_share=max_bad_share,
            loaded_at=loaded_at,
            append=append,
        )


def _rollback(con: duckdb.DuckDBPyConnection | None) -> None:
    """Undo the load's transaction, if one is open, and close the connection. Errors are
    ignored: no transaction open yet, or a connection a failed write left unusable (the
    transaction then never committed). The failure being reported is the one that counts."""
    if con is None:
        return
    with contextlib.suppress(duckdb.Error):
        con.rollback()
    with contextlib.suppress(duckdb.Error):
        con.close()


def _load_files(
    input_dir: Path,
    db_path: Path,
    contract: dict[str, Table],
    files: dict[str, Path | None],
    scratch: Path,
    *,
    raw_schema: str,
    max_bad_lines: int,
    max_bad_share: float,
    loaded_at: dt.datetime,
    append: bool,
) -> list[TableLoad]:
    """The load proper, all or nothing: every CSV is read through once before anything is
    written (`csv_source`), then all tables are written in one transaction. Any failure
    rolls it back; a DuckDB or OS error becomes one line naming the file being loaded
    (`file_error`), e.g. a full disk."""
    results = []
    current: Path | None = None  # the file being read, which an error line names
    con = None
    try:
        sources = {}
        for name, path in files.items():
            if path is not None and path.suffix != ".parquet":
                current = path
                sources[name] = csv_source(path, scratch)
        current = None
        db_path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(db_path))
        configure(con)
        con.begin()
        con.execute(f"create schema if not exists {_quote(raw_schema)}")
        con.execute(
            f"create {'table if not exists' if append else 'or replace table'} "
            f"{_quote(raw_schema)}._load_rejects ("
            "source_file varchar, line bigint, error_type varchar, error_message varchar, "
            "csv_line varchar, _loaded_at timestamp)"
        )
        con.execute(
            f"create table if not exists {_quote(raw_schema)}._loads ("
            "load_id bigint, table_name varchar, load_mode varchar, source_file varchar, "
            "row_count bigint, _loaded_at timestamp)"
        )
        load_id = one_row(
            con.execute(f"select coalesce(max(load_id), 0) + 1 from {_quote(raw_schema)}._loads")
        )[0]
        upgraded = _check_appendable(con, raw_schema, contract) if append else {}
        con.execute(
            "create or replace temp table _custom_fields (record_type varchar, record_id varchar, "
            "field_name varchar, field_value varchar, _source_file varchar, _source_row bigint)"
        )
        # The record tables first: record_fields also takes their custom fields.
        for name, table in sorted(contract.items(), key=lambda item: item[0] == RECORD_FIELDS):
            path = current = files[name]
            result = TableLoad(name, path.name if path else None)
            result.notes += upgraded.get(name, [])
            if path is None:
                result.notes.append(
                    "no file: nothing appended" if append else "no file: loaded as an empty table"
                )
                select = ", ".join(
                    f"cast(null as varchar) as {_quote(c)}" for c in table.column_names
                )
                con.execute(f"create or replace temp table _stage as select {select} where false")
            else:
                source = sources.get(name, path)
                if source != path:
                    result.notes.append(
                        "lines end partly in CRLF, partly in LF: read with every row ending in "
                        "LF (no row dropped, values unchanged)"
                    )
                header, delimiter = _file_columns(con, path)
                # Column names match the contract whatever their case.
                by_name = {c.lower(): c for c in header}
                result.notes += _check_columns(table, path, [c.lower() for c in header])
                select = ", ".join(
                    f"cast({_quote(by_name[c])} as varchar) as {_quote(c)}"
                    if c in by_name
                    else f"cast(null as varchar) as {_quote(c)}"
                    for c in table.column_names
                )
                # Rejects accumulate per connection: start each file with none.
                con.execute("drop table if exists _rejects")
                con.execute("drop table if exists _reject_scans")
                con.execute(
                    f"create or replace temp table _stage as "
                    f"select {select} from {_reader_sql(source, header, delimiter)}"
                )
                result.rejected_lines = _check_rejects(con, path, max_bad_lines)
                if result.rejected_lines:
                    con.execute(
                        f"insert into {_quote(raw_schema)}._load_rejects "
                        "select ?, line, min(error_type), min(error_message), min(csv_line), ? "
                        "from _rejects group by line order by line",
                        [path.name, loaded_at],
                    )
                    result.notes.append(
                        f"{result.rejected_lines} malformed line(s) kept in "
                        f"{raw_schema}._load_rejects"
                    )
                result.notes += _check_types(con, table, path, max_bad_share)
                _collect_custom_fields(con, table, path, header, delimiter, load_id, source)
            stamped = (
                "select *, cast(? as timestamp) as _loaded_at, cast(? as varchar) as _source_file, "
                f"{_row_number(con, '_stage')} as _source_row, cast(? as bigint) as _load_id "
                "from _stage"
            )
            target = f"{_quote(raw_schema)}.{_quote(name)}"
            if append:
                con.execute(
                    f"insert into {target} by name {stamped}", [loaded_at, result.file, load_id]
                )
            else:
                con.execute(
                    f"create or replace table {target} as {stamped}",
                    [loaded_at, result.file, load_id],
                )
            result.rows = one_row(con.execute("select count(*) from _stage"))[0]
            if name == RECORD_FIELDS:
                # The custom fields of the record tables, loaded before this one.
                con.execute(
                    f"insert into {target} by name select record_type, record_id, field_name, "
                    "field_value, cast(? as timestamp) as _loaded_at, _source_file, _source_row, "
                    "cast(? as bigint) as _load_id from _custom_fields",
                    [loaded_at, load_id],
                )
                kept = one_row(con.execute("select count(*) from _custom_fields"))[0]
                if kept:
                    result.notes.append(f"{kept} custom field value(s) from the record tables")
                result.rows += kept
            con.execute(
                f"insert into {_quote(raw_schema)}._loads values (?, ?, ?, ?, ?, ?)",
                [
                    load_id,
                    name,
                    "append" if append else "replace",
                    result.file,
                    result.rows,
                    loaded_at,
                ],
            )
            results.append(result)
        current = None
        con.commit()
    except (duckdb.Error, OSError) as exc:
        _rollback(con)
        kept = f"the raw tables in {db_path} were left as they were"
        # Between files, the warehouse itself is at fault when it could not be opened.
        subject = current or (db_path if con is None else input_dir)
        raise file_error(exc, subject, kept=kept, where=db_path.parent) from exc
    except BaseException:
        _rollback(con)
        raise
    finally:
        if con is not None:
            con.close()
    return results


def _check_appendable(
    con: duckdb.DuckDBPyConnection, raw_schema: str, contract: dict
) -> dict[str, list[str]]:
    """Appending needs raw tables written by this loader, with the contract's columns.
    Raw tables an earlier version wrote are brought up to the contract when only optional
    parts are new: an optional table is created empty, an optional column is added as
    null (nothing already loaded changes). Returns what was added, per table."""
    upgraded: dict[str, list[str]] = {}
    for name, table in contract.items():
        target = f"{_quote(raw_schema)}.{_quote(name)}"
        found = [
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [raw_schema, name],
            ).fetchall()
        ]
        expected = [*table.column_names, *LINEAGE_COLUMNS]
        if not found and table.optional:
            columns = ", ".join(f"{_quote(c)} {_LINEAGE_TYPES.get(c, 'varchar')}" for c in expected)
            con.execute(f"create table {target} ({columns})")
            upgraded[name] = ["optional table new in the contract: created empty"]
            continue
        if not found:
            raise ScorehouseError(
                f"cannot append: raw table {raw_schema}.{name} does not exist yet; "
                "load a full export first (without --append)"
            )
        optional = {c.name for c in table.columns if not c.required}
        new_columns = [c for c in expected if c not in found]
        if set(found) <= set(expected) and set(new_columns) <= optional:
            for column in new_columns:
                con.execute(f"alter table {target} add column {_quote(column)} varchar")
            if new_columns:
                upgraded[name] = [
                    f"optional column(s) new in the contract, added as null to the rows "
                    f"already loaded: {', '.join(new_columns)}"
                ]
            continue
        raise ScorehouseError(
            f"cannot append to {raw_schema}.{name}: its columns ({', '.join(found)}) are not "
            f"the contract's ({', '.join(expected)}); reload a full export without --append"
        )
    return upgraded


def tables_without_data(db_path: Path, raw_schema: str = "raw") -> list[str]:
    """The raw tables the export does not provide: no rows in the latest full load and in
    every increment appended since. Their freshness cannot be checked (there is nothing
    to be fresh), so `scorehouse run` leaves them out of it and says so."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            f"""
            with last_full as (
                select coalesce(max(load_id), 0) as load_id
                from {_quote(raw_schema)}._loads where load_mode = 'replace'
            )
            select table_name
            from {_quote(raw_schema)}._loads
            where load_id >= (select load_id from last_full)
            group by table_name
            having sum(row_count) = 0
            order by table_name
            """
        ).fetchall()
    except duckdb.Error:
        return []  # not loaded by this loader: every source is checked
    finally:
        con.close()
    return [r[0] for r in rows]
