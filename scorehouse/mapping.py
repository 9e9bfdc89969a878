"""One mapping file (YAML) turns a real export into the raw contract.

```yaml
tables:
  contacts:                          # a raw table of the contract
    file: leads*.csv                 # file or glob, relative to the mapping file
    columns:                         # contract column: the export's column
      contact_id: Prospect ID
      created_at: Created On
    date_format: "%m/%d/%Y %H:%M"    # for the date and timestamp columns (strptime)
    timezone: America/New_York       # the zone those times are written in (default UTC)
    values:                          # contract column: {export value: contract value}
      country: {France: FR}
    custom_fields: [Lead Source]     # other columns to keep (default: all of them)
```

Each mapped table is rewritten, as text, into a folder of contract files that
`scorehouse load` then loads as usual, so the loader's checks and messages stay. A
value that the date format does not parse is kept as written, so that staging
quarantines its row with a reason instead of losing it. Errors name the mapping entry.
The export files get the loader's file checks (`scorehouse.load.check_export_path`,
`csv_source`): a folder or a broken link matched by the glob, or a damaged gzip file, is
refused by name, and a file whose lines end partly in CRLF, partly in LF is read whole.
"""

from __future__ import annotations

import glob
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from scorehouse.contract import Table, load_contract
from scorehouse.errors import ScorehouseError, read_settings_file
from scorehouse.load import check_export_path, csv_source, file_error

TABLE_KEYS = {"file", "columns", "date_format", "timezone", "values", "custom_fields"}


@dataclass
class TableMapping:
    table: str
    files: list[Path]
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    timezone: str = "UTC"
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    custom_fields: list[str] | None = None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def read_mapping(path: Path) -> list[TableMapping]:
    """The mapping file's tables, checked against the contract."""
    path = Path(path)
    doc = read_settings_file(path, "mapping file")
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict) or not doc["tables"]:
        raise ScorehouseError(f"{path}: expected a `tables:` mapping of raw tables to exports")
    contract = load_contract()
    mappings = []
    for name, entry in doc["tables"].items():
        where = f"{path}: tables.{name}"
        if name not in contract:
            raise ScorehouseError(
                f"{where}: not a raw table of the contract ({', '.join(sorted(contract))})"
            )
        if not isinstance(entry, dict) or "file" not in entry:
            raise ScorehouseError(f"{where}: needs `file:`, the export's file or glob")
        unknown = sorted(set(entry) - TABLE_KEYS)
        if unknown:
            raise ScorehouseError(
                f"{where}: unknown key(s) {', '.join(unknown)} "
                f"(expected {', '.join(sorted(TABLE_KEYS))})"
            )
        files = sorted(Path(p) for p in glob.glob(str(path.parent / entry["file"])))
        if not files:
            raise ScorehouseError(f"{where}.file: no file matches {entry['file']!r}")
        for file in files:
            check_export_path(file)
        columns = {str(k): str(v) for k, v in (entry.get("columns") or {}).items()}
        values = {str(k): v for k, v in (entry.get("values") or {}).items()}
        for key, kind in [(c, "columns") for c in columns] + [(c, "values") for c in values]:
            if key not in contract[name].column_names:
                raise ScorehouseError(
                    f"{where}.{kind}.{key}: not a column of raw table {name} "
                    f"({', '.join(contract[name].column_names)})"
                )
        for key, mapped in values.items():
            if not isinstance(mapped, dict):
                raise ScorehouseError(f"{where}.values.{key}: expected {{export value: value}}")
        custom = entry.get("custom_fields")
        if custom is not None and not isinstance(custom, list):
            raise ScorehouseError(f"{where}.custom_fields: expected a list of column names")
        mappings.append(
            TableMapping(
                table=name,
                files=files,
                columns=columns,
                date_format=entry.get("date_format"),
                timezone=str(entry.get("timezone", "UTC")),
                values={k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
                custom_fields=[str(c) for c in custom] if custom is not None else None,
            )
        )
    return mappings


def _column_sql(table: Table, mapping: TableMapping, column: str, header: set[str]) -> str:
    """The expression giving contract column `column` from the export, as text. Without
    an alias, the export's column of the same name, in any case."""
    by_lower = {h.lower(): h for h in header}
    source = mapping.columns.get(column, by_lower.get(column, column))
    if source not in header:
        if column in mapping.columns:
            raise ScorehouseError(
                f"tables.{mapping.table}.columns.{column}: the export has no column {source!r} "
                f"({', '.join(sorted(header))})"
            )
        return f"cast(null as varchar) as {_quote(column)}"
    expr = f"trim({_quote(source)})"
    data_type = next(c.data_type for c in table.columns if c.name == column)
    if mapping.date_format and data_type in ("timestamp", "date"):
        parsed = f"try_strptime({expr}, {_literal(mapping.date_format)})"
        converted = f"cast(timezone({_literal(mapping.timezone)}, {parsed}) as varchar)"
        # Kept as written when it does not parse: staging quarantines it with a reason.
        expr = f"coalesce({converted}, {expr})"
    for old, new in mapping.values.get(column, {}).items():
        expr = f"(case when {expr} = {_literal(old)} then {_literal(new)} else {expr} end)"
    return f"{expr} as {_quote(column)}"


def apply_mapping(mapping_path: Path, out_dir: Path) -> list[str]:
    """Write one contract CSV per mapped table into `out_dir`; returns notes to show."""
    contract = load_contract()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    notes = []
    mappings = read_mapping(mapping_path)
    with tempfile.TemporaryDirectory(prefix="scorehouse-mapping-") as scratch:
        con = duckdb.connect()
        try:
            con.execute("set TimeZone = 'UTC'")
            for mapping in mappings:
                notes += _write_table(con, contract[mapping.table], mapping, out_dir, Path(scratch))
        finally:
            con.close()
    return notes


def _write_table(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    mapping: TableMapping,
    out_dir: Path,
    scratch: Path,
) -> list[str]:
    """Write the contract CSV of one mapped table into `out_dir`; returns notes to show.
    A DuckDB or OS error reading the export or writing the CSV (e.g. a full disk) is one
    line naming the export's file(s) and the mapping entry; nothing is loaded yet then."""
    names = ", ".join(str(f) for f in mapping.files)
    subject = f"{names} (tables.{mapping.table}.file)"
    kept = "nothing was loaded, the raw tables were left as they were"
    try:
        return _write_mapped(con, table, mapping, out_dir, scratch)
    except (duckdb.Error, OSError) as exc:
        raise file_error(exc, subject, kept=kept, where=out_dir) from exc


def _write_mapped(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    mapping: TableMapping,
    out_dir: Path,
    scratch: Path,
) -> list[str]:
    """`_write_table` without the error translation: reads the export's files (a copy in
    `scratch` for one with mixed line endings) and writes the contract CSV."""
    notes = []
    sources = [csv_source(f, scratch) for f in mapping.files]
    mixed = [f.name for f, source in zip(mapping.files, sources, strict=True) if source != f]
    if mixed:
        notes.append(
            f"{mapping.table}: lines end partly in CRLF, partly in LF in {', '.join(mixed)}: "
            "read with every row ending in LF (no row dropped, values unchanged)"
        )
    files = "[" + ", ".join(_literal(str(f)) for f in sources) + "]"
    reader = f"read_csv({files}, all_varchar=true, header=true, union_by_name=true)"
    header = [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]
    if mapping.timezone != "UTC":
        try:
            con.execute(f"select timezone({_literal(mapping.timezone)}, now())")
        except duckdb.Error as exc:
            raise ScorehouseError(
                f"tables.{mapping.table}.timezone: unknown time zone {mapping.timezone!r}"
            ) from exc
    selects = [_column_sql(table, mapping, c, set(header)) for c in table.column_names]
    used = set(mapping.columns.values())
    extra = [h for h in header if h not in used and h.lower() not in table.column_names]
    if table.custom_fields:
        keep = extra if mapping.custom_fields is None else mapping.custom_fields
        missing = [c for c in keep if c not in header]
        if missing:
            raise ScorehouseError(
                f"tables.{mapping.table}.custom_fields: the export has no column(s) "
                f"{', '.join(missing)}"
            )
        selects += [f"{_quote(c)}" for c in keep]
        dropped = [c for c in extra if c not in keep]
    else:
        dropped = extra
    if dropped:
        notes.append(f"{mapping.table}: column(s) not kept: {', '.join(dropped)}")
    target = out_dir / f"{mapping.table}.csv"
    con.execute(
        f"copy (select {', '.join(selects)} from {reader}) to {_literal(str(target))} "
        "(header true, delimiter ',')"
    )
    return notes
