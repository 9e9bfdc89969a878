"""Hostile values for every number and time of a raw export: rows that only some engines
would take for numbers or times (`NaN`, `Infinity`, `-infinity`), sums that overflow
(`1e308`), and placeholder dates (`0001-01-01`, `9999-12-31`).

`append_dirty_values(raw_dir)` appends, to each CSV of the export, one row per numeric
or time column of the contract and per hostile value: a copy of the file's first row
(or of a usable row written here, for the optional tables the generator leaves out)
with a new id `DIRTY-<column>-<n>` and that one value changed. Staging must
quarantine every one of them, with a reason, on every engine alike, and no mart may hold
a non-finite value (`make dbt-test` builds the test data with them; the test-postgres
and test-spark builds compare their quarantine counts with DuckDB's).

    python -m scorehouse.devtools.generate.dirty_values data/test/raw
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from scorehouse.contract import load_contract

BAD_NUMBERS = ("NaN", "Infinity", "-inf", "1e308")
BAD_TIMES = ("infinity", "-infinity", "0001-01-01 00:00:00", "9999-12-31 00:00:00")
PREFIX = "DIRTY-"

# A usable row for the optional tables the generator leaves empty, so that their times
# are tried too.
EMPTY_TABLE_TEMPLATES = {
    "record_fields": {
        "record_type": "contact",
        "record_id": "CON-DIRTY",
        "field_name": "Plan",
        "field_value": "starter",
        "observed_at": "2026-01-01 00:00:00",
    },
    "activities": {
        "activity_id": "ACT-DIRTY",
        "contact_id": "CON-DIRTY",
        "email": "",
        "activity_type": "Call",
        "occurred_at": "2026-01-01 00:00:00",
    },
}


def append_dirty_values(raw_dir: Path) -> dict[str, list[str]]:
    """Append the hostile rows to the export in `raw_dir`; return their ids per table."""
    added: dict[str, list[str]] = {}
    for name, table in load_contract().items():
        path = raw_dir / f"{name}.csv"
        if not path.exists() and name in EMPTY_TABLE_TEMPLATES:
            with open(path, "w", newline="") as handle:
                csv.writer(handle).writerow(table.column_names)
        if not path.exists():
            continue
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            template = next(reader, None) or EMPTY_TABLE_TEMPLATES.get(name)
        # The row's id: its table's first column, or the field name of a custom field
        # (whose key is the record, type and field together).
        key = "field_name" if name == "record_fields" else table.columns[0].name
        if template is None or key not in header:
            continue
        rows = []
        for column in table.columns:
            if column.name not in header:
                continue
            if column.data_type in ("integer", "numeric"):
                values = BAD_NUMBERS
            elif column.data_type in ("timestamp", "date"):
                values = BAD_TIMES
            else:
                continue
            for n, value in enumerate(values):
                row_id = f"{PREFIX}{column.name}-{n}"
                rows.append({**template, key: row_id, column.name: value})
        with open(path, "a", newline="") as handle:
            csv.DictWriter(handle, fieldnames=header).writerows(rows)
        added[name] = [row[key] for row in rows]
    return added


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m scorehouse.devtools.generate.dirty_values RAW_DIR", file=sys.stderr)
        return 2
    for table, ids in append_dirty_values(Path(args[0])).items():
        print(f"{table:<24} {len(ids):>4} hostile row(s) appended")
    return 0


if __name__ == "__main__":
    sys.exit(main())
