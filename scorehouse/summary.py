"""The run summary: rows staged and quarantined per raw table, by reason."""

from __future__ import annotations

from pathlib import Path

import duckdb


def staging_summary(db_path: Path) -> list[tuple[str, str, int]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "select source_table, row_outcome, row_count from marts.staging_row_counts "
            "order by source_table, row_outcome = 'staged' desc, row_outcome"
        ).fetchall()
    finally:
        con.close()


def format_summary(rows: list[tuple[str, str, int]]) -> str:
    lines = [f"{'raw table':<24} {'outcome':<24} {'rows':>10}", "-" * 60]
    current = None
    for table, outcome, count in rows:
        lines.append(f"{table if table != current else '':<24} {outcome:<24} {count:>10,}")
        current = table
    return "\n".join(lines)
