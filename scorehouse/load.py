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
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from scorehouse.contract import LINEAGE_COLUMNS, RECORD_FIELDS, Table, load_contract
from scorehouse.errors import ScorehouseError

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
    for suffix in FILE_SUFFIXES:
        path = input_dir / f"{table}{suffix}"
        if path.exists():
            return path
    return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header's column names and the delimiter (comma, semicolon, tab or pipe)."""
    import gzip

    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError as exc:
        raise ScorehouseError(f"{path}: not UTF-8 text ({exc.reason})") from exc
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
            raise ScorehouseError(f"{path}: not a readable Parquet file ({exc})") from exc
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
) -> None:
    """Add the file's columns that the contract does not name to `_custom_fields`, one
    row per record and non-empty value, with the file's row number as staging counts it.
    A row without its record id, where the contract allows one (`Table.keyed_by_row`),
    is keyed as its staging model keys it."""
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
        f"select {columns} from {_reader_sql(path, header, delimiter)}"
    )
    con.execute(
        f"""
        insert into _custom_fields
        select ?, {record_id}, field_name, field_value, ?, _source_row
        from (
            unpivot (select *, rowid + 1 as _source_row from _extras)
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
        non_empty, bad, example = con.execute(
            f"""
            select
                count(*) filter (where nullif(trim({_quote(column.name)}), '') is not null),
                count(*) filter (where nullif(trim({_quote(column.name)}), '') is not null
                                   and ({expr}) is null),
                min({_quote(column.name)}) filter (
                    where nullif(trim({_quote(column.name)}), '') is not null and ({expr}) is null)
            from _stage
            """
        ).fetchone()
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
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    results = []
    try:
        configure(con)
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
        load_id = con.execute(
            f"select coalesce(max(load_id), 0) + 1 from {_quote(raw_schema)}._loads"
        ).fetchone()[0]
        upgraded = _check_appendable(con, raw_schema, contract) if append else {}
        con.execute(
            "create or replace temp table _custom_fields (record_type varchar, record_id varchar, "
            "field_name varchar, field_value varchar, _source_file varchar, _source_row bigint)"
        )
        # The record tables first: record_fields also takes their custom fields.
        for name, table in sorted(contract.items(), key=lambda item: item[0] == RECORD_FIELDS):
            path = files[name]
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
                try:
                    con.execute(
                        f"create or replace temp table _stage as "
                        f"select {select} from {_reader_sql(path, header, delimiter)}"
                    )
                except duckdb.Error as exc:
                    raise ScorehouseError(f"{path}: cannot be read ({exc})") from exc
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
                _collect_custom_fields(con, table, path, header, delimiter, load_id)
            stamped = (
                "select *, cast(? as timestamp) as _loaded_at, cast(? as varchar) as _source_file, "
                "rowid + 1 as _source_row, cast(? as bigint) as _load_id from _stage"
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
            result.rows = con.execute("select count(*) from _stage").fetchone()[0]
            if name == RECORD_FIELDS:
                # The custom fields of the record tables, loaded before this one.
                con.execute(
                    f"insert into {target} by name select record_type, record_id, field_name, "
                    "field_value, cast(? as timestamp) as _loaded_at, _source_file, _source_row, "
                    "cast(? as bigint) as _load_id from _custom_fields",
                    [loaded_at, load_id],
                )
                kept = con.execute("select count(*) from _custom_fields").fetchone()[0]
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
    finally:
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
