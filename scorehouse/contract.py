"""The raw data contract, read from the dbt sources YAML so that it is written once.

Each `models/staging/<source>/_<source>__sources.yml` lists the raw tables with their
columns, the type staging parses each column into (`data_type`), whether a file must
have the column (`meta.required`) and, for a type column, the values staging accepts
(`meta.accepted_values`; any other is quarantined as `unknown_type`).
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
# The files and folders a copy of the dbt project needs to build (not its data).
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
)


def copy_project(destination: Path, source: Path = PROJECT_DIR) -> Path:
    """Copy the dbt project's parts (PROJECT_PARTS, without dbt's target folders) into
    `destination`, for a build that must not touch the project itself."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(
                source / part, destination / part, ignore=shutil.ignore_patterns("target")
            )
        elif (source / part).exists():
            shutil.copy(source / part, destination / part)
    return destination


# Columns the loader adds to every raw table.
LINEAGE_COLUMNS = ("_loaded_at", "_source_file", "_source_row", "_load_id")

# The raw table that keeps the custom fields of CRM records, one row per value.
RECORD_FIELDS = "record_fields"

# Logical types a contract column may declare.
KNOWN_TYPES = {"text", "integer", "numeric", "timestamp", "date", "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    required: bool
    description: str
    accepted_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    columns: tuple[Column, ...]
    # `meta.custom_fields`: the record type under which the loader keeps this table's
    # columns that the contract does not name, in `record_fields`; None drops them.
    custom_fields: str | None = None
    # `meta.optional`: a missing file loads as an empty table without --allow-missing.
    optional: bool = False

    @property
    def key_column(self) -> str:
        """The record id column of a table whose custom fields are kept."""
        return f"{self.custom_fields}_id"

    @property
    def keyed_by_row(self) -> bool:
        """Whether a row may lack its record id (an activity): it is then keyed by its
        load, file and row, `row:<load id>:<file>:<row>`, in staging and in the
        `record_fields` of its custom fields alike."""
        return not any(c.required for c in self.columns if c.name == self.key_column)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def load_contract(project_dir: Path = PROJECT_DIR) -> dict[str, Table]:
    """Return the raw tables of the contract, keyed by table name, in a stable order.

    The sources YAML is parsed once for a given text: each call reads the files, and
    parses them again only when one has changed (or one was added or removed). Each call
    returns a dict of its own; the tables in it are immutable, shared by every caller."""
    return dict(_parse_contract(project_dir, _read_sources(project_dir)))


def _read_sources(project_dir: Path) -> tuple[tuple[Path, str], ...]:
    """Each sources YAML of the project with its text, in a stable order."""
    paths = sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml"))
    return tuple((path, path.read_text()) for path in paths)


@functools.lru_cache(maxsize=8)
def _parse_contract(project_dir: Path, sources: tuple[tuple[Path, str], ...]) -> dict[str, Table]:
    """The contract of the sources YAML texts `sources` (cached: never change the dict
    returned, load_contract gives its callers copies)."""
    tables: dict[str, Table] = {}
    for path, text in sources:
        doc = yaml.safe_load(text)
        for source in doc.get("sources", []):
            for table in source.get("tables", []):
                columns = []
                for col in table.get("columns", []):
                    data_type = col.get("data_type", "text")
                    if data_type not in KNOWN_TYPES:
                        raise ValueError(
                            f"{path}: column {table['name']}.{col['name']} has unknown "
                            f"data_type {data_type!r} (expected one of {sorted(KNOWN_TYPES)})"
                        )
                    columns.append(
                        Column(
                            name=col["name"],
                            data_type=data_type,
                            required=bool((col.get("meta") or {}).get("required", False)),
                            description=col.get("description", ""),
                            accepted_values=tuple(
                                str(v) for v in (col.get("meta") or {}).get("accepted_values", [])
                            ),
                        )
                    )
                meta = table.get("meta") or {}
                tables[table["name"]] = Table(
                    source["name"],
                    table["name"],
                    tuple(columns),
                    custom_fields=meta.get("custom_fields"),
                    optional=bool(meta.get("optional", False)),
                )
    if not tables:
        raise ValueError(f"no sources YAML found under {project_dir / 'models' / 'staging'}")
    return tables


def accepted_values(table: str, column: str) -> tuple[str, ...]:
    """The values the contract accepts in `column` of raw table `table`, in the order the
    sources YAML lists them (the generator draws from them by position)."""
    values = next(
        (c.accepted_values for c in load_contract()[table].columns if c.name == column), ()
    )
    if not values:
        raise ValueError(f"the sources YAML gives no meta.accepted_values for {table}.{column}")
    return values
