"""The layout of macros and generic tests, checked as a linter would (sqlfluff cannot lint
them: a file of macro definitions renders to no SQL).

- One macro per file, named after it: `macros/<folder>/<name>.sql` defines `<name>`, and,
  when it is dispatched, its `default__<name>` and engine implementations. An override of
  one of dbt's own macros for one engine is a file of its own (`spark__dateadd.sql`).
- A macro is dispatched only where some engine overrides it.
- Each folder's `_<folder>__macros.yml` documents exactly the folder's macros, each with a
  description and its arguments, in the order of its signature.
- One generic test per file in `tests/generic/`, named after it.
- No line longer than 120 characters (sqlfluff's limit for the models).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scorehouse.contract import PROJECT_DIR

MACROS = PROJECT_DIR / "macros"
GENERIC_TESTS = PROJECT_DIR / "tests" / "generic"
ENGINES = ("default", "duckdb", "postgres", "spark")
DEFINITION = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\s*\(")
MAX_LINE = 120


def engine_and_name(name: str) -> tuple[str | None, str]:
    """`spark__dateadd` -> ("spark", "dateadd"); `first_by` -> (None, "first_by")."""
    engine, _, rest = name.partition("__")
    return (engine, rest) if rest and engine in ENGINES else (None, name)


def arguments(text: str, start: int) -> list[str]:
    """The argument names of the signature whose `(` is at `start`."""
    depth, quote, current, names = 0, None, "", []
    for char in text[start:]:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            if depth == 1:
                continue
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and char == ",":
            names.append(current)
            current = ""
        elif depth >= 1:
            current += char
    names.append(current)
    return [name.split("=")[0].strip() for name in names if name.strip()]


def definitions(path: Path) -> list[tuple[str, str, list[str]]]:
    """(kind, name, argument names) of every macro or test a file defines."""
    text = path.read_text()
    return [
        (match.group(1), match.group(2), arguments(text, match.end() - 1))
        for match in DEFINITION.finditer(text)
    ]


def macro_files() -> list[Path]:
    return sorted(MACROS.glob("*/*.sql"))


def test_the_layout_is_checked_on_every_folder():
    """Guards the checks below against a glob that finds nothing."""
    folders = {path.parent.name for path in macro_files()}
    assert {"staging", "scoring", "engines", "utils"} <= folders
    assert len(macro_files()) > 50 and len(list(GENERIC_TESTS.glob("*.sql"))) >= 5
    assert not list(MACROS.glob("*.sql")), "a macro outside the folders"


@pytest.mark.parametrize("path", macro_files(), ids=lambda path: path.stem)
def test_a_macro_file_defines_one_macro_named_after_it(path):
    found = definitions(path)
    assert found, f"{path} defines no macro"
    names = {name for _, name, _ in found}
    if names == {path.stem}:
        return
    bases = {engine_and_name(name)[1] for name in names}
    assert bases == {path.stem} and path.stem in names, (
        f"{path.relative_to(PROJECT_DIR)} defines {sorted(names)}: one macro per file, "
        f"named after it (with its default__ and engine implementations when dispatched)"
    )


@pytest.mark.parametrize("path", macro_files(), ids=lambda path: path.stem)
def test_a_macro_is_dispatched_only_where_an_engine_overrides_it(path):
    if engine_and_name(path.stem)[0] is not None:
        return  # an override of one of dbt's own macros: dbt dispatches to it
    text = path.read_text()
    names = {name for _, name, _ in definitions(path)}
    overrides = {name for name in names if engine_and_name(name)[0] not in (None, "default")}
    dispatches = f"adapter.dispatch('{path.stem}'" in text
    if path.stem in names and dispatches:
        assert f"default__{path.stem}" in names, f"{path.stem} is dispatched without a default__"
        assert overrides, f"{path.stem} is dispatched, but no engine overrides it: call it plainly"
    elif path.stem in names:
        assert not overrides and f"default__{path.stem}" not in names, (
            f"{path.stem} has engine implementations but does not dispatch to them"
        )


def documented(folder: Path) -> dict[str, dict]:
    schema = folder / f"_{folder.name}__macros.yml"
    assert schema.exists(), f"{folder.relative_to(PROJECT_DIR)} has no {schema.name}"
    entries = yaml.safe_load(schema.read_text())["macros"]
    names = [entry["name"] for entry in entries]
    assert len(names) == len(set(names)), f"{schema.name} documents a macro twice"
    return {entry["name"]: entry for entry in entries}


@pytest.mark.parametrize(
    "folder", sorted({path.parent for path in macro_files()}), ids=lambda path: path.name
)
def test_each_folder_documents_exactly_its_macros_and_their_arguments(folder):
    docs = documented(folder)
    signatures = {}
    for path in folder.glob("*.sql"):
        for _, name, args in definitions(path):
            if name == path.stem:
                signatures[name] = args
    assert sorted(docs) == sorted(signatures), (
        f"{folder.name}: undocumented {sorted(set(signatures) - set(docs))}, "
        f"documented but not defined here {sorted(set(docs) - set(signatures))}"
    )
    for name, entry in docs.items():
        assert (entry.get("description") or "").strip(), f"{name} has no description"
        listed = [argument["name"] for argument in entry.get("arguments") or []]
        assert listed == signatures[name], (
            f"{name}: documented arguments {listed}, the signature's {signatures[name]}"
        )


@pytest.mark.parametrize("path", sorted(GENERIC_TESTS.glob("*.sql")), ids=lambda path: path.stem)
def test_a_generic_test_file_defines_one_test_named_after_it(path):
    assert [(kind, name) for kind, name, _ in definitions(path)] == [("test", path.stem)]


def test_no_macro_or_generic_test_line_is_longer_than_120_characters():
    long = [
        f"{path.relative_to(PROJECT_DIR)}:{number} ({len(line)})"
        for path in [*macro_files(), *GENERIC_TESTS.glob("*.sql")]
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > MAX_LINE
    ]
    assert not long, f"lines longer than {MAX_LINE} characters: {', '.join(long)}"
