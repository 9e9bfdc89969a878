"""Prove the baseline equal to the project: its `lead_scores` (acquisition) against the
warehouse's `marts.lead_scores`, as of the same date.

    .venv/bin/python bench/check.py --baseline scores.parquet --db warehouse.duckdb \
        --as-of 2026-10-30

Equal means: the same contacts; fit, engagement and total scores within 1e-9; and every
other column of lead_scores the baseline computes (account, grades, lifecycle stage,
MQL/SQL flags, service-level due time, top reasons) identical. Prints the mismatches per
column and, last, one verdict line; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import duckdb

# The columns compared, and how, are those of the reference implementation's comparison.
from scorehouse.devtools.reference.compare import EXACT_COLUMNS as EXACT
from scorehouse.devtools.reference.compare import SCORE_COLUMNS as SCORES

TOLERANCE = 1e-9


def compare(baseline: Path, db: Path, as_of: dt.date) -> dict[str, int]:
    """Mismatching rows per column (and per side for contacts)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(
            "create temp table project as select * from marts.lead_scores "
            "where model_id = 'acquisition' and scored_as_of = ?",
            [as_of],
        )
        con.execute(f"create temp table baseline as select * from read_parquet('{baseline}')")
        counts = {
            "contacts only in the project": con.execute(
                "select count(*) from (select contact_id from project "
                "except select contact_id from baseline)"
            ).fetchone()[0],
            "contacts only in the baseline": con.execute(
                "select count(*) from (select contact_id from baseline "
                "except select contact_id from project)"
            ).fetchone()[0],
            "rows compared": con.execute(
                "select count(*) from project join baseline using (contact_id)"
            ).fetchone()[0],
        }
        for column in SCORES:
            counts[column] = con.execute(
                f"select count(*) from project p join baseline b using (contact_id) "
                f"where abs(p.{column} - b.{column}) > {TOLERANCE} "
                f"or (p.{column} is null) <> (b.{column} is null)"
            ).fetchone()[0]
        for column in EXACT:
            counts[column] = con.execute(
                f"select count(*) from project p join baseline b using (contact_id) "
                f"where p.{column} is distinct from b.{column}"
            ).fetchone()[0]
        for column in SCORES + EXACT:
            if counts[column]:
                sample = con.execute(
                    f"select contact_id, p.{column}, b.{column} from project p "
                    f"join baseline b using (contact_id) "
                    f"where p.{column} is distinct from b.{column} limit 3"
                ).fetchall()
                print(f"{column}: e.g. (contact, project, baseline) {sample}")
    finally:
        con.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    counts = compare(args.baseline, args.db, args.as_of)
    for name, n in counts.items():
        print(f"{name}: {n:,}")
    rows = counts.pop("rows compared")
    differences = {k: v for k, v in counts.items() if v}
    if differences or rows == 0:
        print(f"DIFFERENT on {rows:,} contacts: {differences}")
        return 1
    print(
        f"EQUAL: {rows:,} contacts; scores within {TOLERANCE:g}; grades, lifecycle, MQL/SQL, "
        "SLA due time and top reasons identical"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
