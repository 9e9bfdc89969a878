"""Publish the BI-facing marts to a separate, read-only DuckDB file, atomically.

DuckDB lets one process write a file, and a writer blocks readers of that file. So BI
tools and the dashboard never read the build's warehouse: after a green build, the marts
are copied into a new file beside the publication, which is then renamed over it in one
step. A reader that is connected keeps the version it opened (the old file stays alive
until it closes); a new reader sees the new version; a failed build never gets here, so
the previous publication stays as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from scorehouse.errors import ScorehouseError

BI_MARTS = (
    "lead_scores",
    "lead_score_breakdown",
    "account_scores",
    "account_score_breakdown",
    "customer_health",
    "score_history",
    "score_alerts",
    "model_performance",
    "model_performance_summary",
    "staging_row_counts",
    "signal_catalogue",
    "rule_coverage",
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(build_db: Path, published_db: Path, *, marts_schema: str = "marts") -> dict[str, int]:
    """Copy the BI marts of `build_db` into `published_db`, replacing it atomically."""
    build_db, published_db = Path(build_db), Path(published_db)
    if not build_db.exists():
        raise ScorehouseError(f"{build_db}: no warehouse to publish from; run a build first")
    published_db.parent.mkdir(parents=True, exist_ok=True)
    staging = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(staging))
        try:
            con.execute(f"attach {_literal(str(build_db))} as build (read_only)")
            for mart in BI_MARTS:
                try:
                    con.execute(f"create table {mart} as select * from build.{marts_schema}.{mart}")
                except duckdb.CatalogException as exc:
                    raise ScorehouseError(
                        f"{build_db}: mart {marts_schema}.{mart} is missing"
                    ) from exc
                counts[mart] = con.execute(f"select count(*) from {mart}").fetchone()[0]
            scored_as_of = con.execute("select max(scored_as_of) from lead_scores").fetchone()[0]
            con.execute(
                "create table _publication as select ? as published_at, ? as scored_as_of",
                [dt.datetime.now(dt.UTC).replace(tzinfo=None), scored_as_of],
            )
            con.execute("detach build")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(staging, published_db)
    finally:
        staging.unlink(missing_ok=True)
    return counts
