"""Check that a DuckDB of another version (1.x: Evidence, most drivers) reads a publication.

`scorehouse publish` writes the DuckDB file in an older storage format and the marts as
Parquet files, so that readers on DuckDB 1.x open them (docs/publication.md). Whether they
do is only known by opening them with such a DuckDB, which cannot be installed beside the
project's own (the lock pins 2.x). So this module imports nothing but the standard
library and duckdb, and runs in a venv that has only the DuckDB to check
(requirements-duckdb1.lock), from the project folder:

    <venv>/bin/python -m scorehouse.devtools.readers_check data/published/scorehouse.duckdb

It opens the file read-only and the Parquet folder the file names
(`parquet.versions/<_publication.parquet_version>`), and for every mart that
`_publication_marts` records reads every row and column: the table in `main`, its view in
`marts`, and its Parquet file. Each must have the recorded number of rows, and the table
and the Parquet file the same rows (a sum of row hashes: the count alone would come from
metadata, without reading a value). The link `parquet` must point at that folder, every
Parquet file must name the published build, and the semantic layer's relations must
read. One line per mart; exit 0 when all agree, 1 with one line per problem, 2 when the
publication cannot be opened at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

# As scorehouse/publish.py writes them (not imported: this runs without the project).
PARQUET_LINK = "parquet"
PARQUET_VERSIONS = "parquet.versions"
SEMANTIC_RELATIONS = ("marts.metricflow_time_spine", "marts.model_performance_dated")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, int]:
    """Rows of `relation` and the sum of their hashes, which reads every column."""
    (count, fingerprint), *_ = con.execute(
        f"select count(*), coalesce(sum(hash(r)::hugeint), 0) from {relation} as r"
    ).fetchall()
    return count, int(fingerprint)


def check_publication(published_db: Path) -> tuple[list[str], list[str]]:
    """Read the publication `published_db` whole. Returns what was read (one line per
    mart) and the problems found (one line each; none when the reader reads it all)."""
    published_db = Path(published_db)
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        (version, build), *_ = con.execute(
            "select parquet_version, build_invocation_id from _publication"
        ).fetchall()
        recorded = con.execute(
            "select mart, row_count from _publication_marts order by mart"
        ).fetchall()
        folder = published_db.parent / PARQUET_VERSIONS / version
        lines, problems = [], []
        link = published_db.parent / PARQUET_LINK
        if not link.is_symlink() or Path(os.readlink(link)).name != version:
            problems.append(
                f"{link} does not point at {folder.name}, the Parquet folder the DuckDB file "
                "names (a publish in between? run the check again)"
            )
        on_disk = {path.stem for path in folder.glob("*.parquet")} - {
            "_publication",
            "_publication_marts",
        }
        if on_disk != {mart for mart, _ in recorded}:
            problems.append(
                f"{folder}: Parquet files {sorted(on_disk)} are not the recorded marts "
                f"{sorted(mart for mart, _ in recorded)}"
            )
        for mart, expected in recorded:
            table = _rows(con, f"main.{mart}")
            view = _rows(con, f"marts.{mart}")
            parquet_file = folder / f"{mart}.parquet"
            if not parquet_file.exists():
                lines.append(f"{mart:<26} {table[0]:>10,} rows in DuckDB, no Parquet file")
                continue
            parquet = _rows(con, f"read_parquet({_literal(str(parquet_file))})")
            stamp = dict(
                con.execute(
                    "select decode(key), decode(value) from parquet_kv_metadata(?)",
                    [str(parquet_file)],
                ).fetchall()
            )
            lines.append(f"{mart:<26} {table[0]:>10,} rows in DuckDB, {parquet[0]:>10,} in Parquet")
            counts = {"DuckDB table": table[0], "marts view": view[0], "Parquet": parquet[0]}
            for where, count in counts.items():
                if count != expected:
                    problems.append(f"{mart}: {count:,} rows in the {where}, {expected:,} recorded")
            if view != table:
                problems.append(f"{mart}: the marts view reads other rows than the DuckDB table")
            if parquet != table:
                problems.append(f"{mart}: the Parquet file holds other rows than the DuckDB table")
            if stamp.get("scorehouse_build") != build:
                problems.append(
                    f"{parquet_file}: written for build {stamp.get('scorehouse_build')}, "
                    f"the publication is of build {build}"
                )
        for relation in SEMANTIC_RELATIONS:
            count = _rows(con, relation)[0]
            lines.append(f"{relation:<26} {count:>10,} rows in DuckDB (semantic layer)")
            if count == 0:
                problems.append(f"{relation} is empty")
        if not recorded:
            problems.append(f"{published_db}: _publication_marts records no mart")
        return lines, problems
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scorehouse.devtools.readers_check",
        description="read every mart of a publication with this Python's DuckDB",
    )
    parser.add_argument("published_db", type=Path, help="the publication's DuckDB file")
    args = parser.parse_args(argv)
    reader = f"duckdb {duckdb.__version__}"
    if not args.published_db.exists():
        print(f"{args.published_db}: no publication there", file=sys.stderr)
        return 2
    try:
        lines, problems = check_publication(args.published_db)
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"{reader} cannot read {args.published_db}: {first_line}", file=sys.stderr)
        return 2
    print(f"{reader} reads {args.published_db}:")
    for line in lines:
        print(f"  {line}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{reader}: every mart reads whole, in the DuckDB file and in Parquet, as recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
