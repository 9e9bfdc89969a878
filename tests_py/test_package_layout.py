"""The package's layout: production code does not depend on the demo and test tooling.

`scorehouse/devtools/` holds the demo generator, the reference scorer, the cross-engine
check, the evaluation against the generator's truth, the increments split and the readers
check. No module of `scorehouse/` outside it imports it at module level (anywhere but
inside a function): the CLI's demo and test commands import it lazily, inside their
functions. Parsed with `ast`, nothing is imported or built.

`scorehouse/devtools/readers_check.py` runs in a venv that has only duckdb
(`python -m scorehouse.devtools.readers_check`, tests_py/test_publication_readers.py), so
it imports only the standard library and duckdb, and the packages `python -m` imports
first (`scorehouse`, `scorehouse.devtools`) import only the standard library.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scorehouse.contract import PROJECT_DIR

PACKAGE = PROJECT_DIR / "scorehouse"
DEVTOOLS = "scorehouse.devtools"
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def module_name(path: Path) -> str:
    """scorehouse/cli.py -> scorehouse.cli; scorehouse/devtools/__init__.py ->
    scorehouse.devtools."""
    parts = list(path.relative_to(PROJECT_DIR).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The absolute names an import statement of `module` brings in (`from a import b`
    gives `a.b`, which is the submodule when `b` is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module if is_package else module.rpartition(".")[0]
    if node.level:
        base = ".".join(base.split(".")[: len(base.split(".")) - (node.level - 1)])
        target = f"{base}.{node.module}" if node.module else base
    else:
        target = node.module or ""
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


def module_level_imports(
    tree: ast.Module, module: str, is_package: bool
) -> Iterator[tuple[int, list[str]]]:
    """(line, absolute names) of every import that runs when the module is imported: all
    but those inside a function. `importlib.import_module("x")` and `__import__("x")`
    with a literal name count too."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, FUNCTIONS):
                # Decorators and default values run at import time; the body does not.
                if not isinstance(child, ast.Lambda):
                    pending.extend(child.decorator_list)
                pending.append(child.args)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child.lineno, imported_names(child, module, is_package)
            elif (
                isinstance(child, ast.Call)
                and child.args
                and isinstance(child.args[0], ast.Constant)
                and isinstance(child.args[0].value, str)
                and ast.unparse(child.func) in {"importlib.import_module", "__import__"}
            ):
                yield child.lineno, [child.args[0].value]
            pending.append(child)


def parse(path: Path) -> tuple[ast.Module, str, bool]:
    return ast.parse(path.read_text(), str(path)), module_name(path), path.name == "__init__.py"


def reaches_devtools(name: str) -> bool:
    return name == DEVTOOLS or name.startswith(DEVTOOLS + ".")


def devtools_imports(path: Path) -> list[str]:
    """`file:line: imports ...` for each module-level import of `path` that reaches
    scorehouse.devtools (one line per import statement)."""
    tree, module, is_package = parse(path)
    problems = []
    for line, names in module_level_imports(tree, module, is_package):
        reached = [name for name in names if reaches_devtools(name)]
        if reached:
            where = f"{path.relative_to(PROJECT_DIR)}:{line}"
            problems.append(f"{where}: imports {reached[0]} at module level")
    return problems


def production_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "devtools" not in path.relative_to(PACKAGE).parts and "__pycache__" not in path.parts
    )


def test_the_devtools_package_exists():
    assert (PACKAGE / "devtools" / "__init__.py").is_file()
    assert {"cli.py", "load.py", "contract.py"} <= {path.name for path in production_modules()}


def test_no_production_module_imports_devtools_at_module_level():
    problems = [problem for path in production_modules() for problem in devtools_imports(path)]
    assert not problems, (
        "production modules import scorehouse.devtools at module level (import it inside "
        "the function that needs it):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("import scorehouse.devtools.generate", True),
        ("from scorehouse.devtools.reference import stage_all", True),
        ("from scorehouse import devtools", True),
        ("from . import devtools", True),
        ("from .devtools.crosscheck import crosscheck", True),
        ("if True:\n    from scorehouse.devtools import evaluate", True),
        ("class C:\n    from scorehouse.devtools import increments", True),
        ("import importlib\nimportlib.import_module('scorehouse.devtools.generate')", True),
        ("def f():\n    from scorehouse.devtools.generate import generate", False),
        ("async def f():\n    import scorehouse.devtools", False),
        ("class C:\n    def m(self):\n        from scorehouse.devtools import evaluate", False),
        ("from scorehouse import devtools_like", False),
        ("from scorehouse.contract import load_contract", False),
    ],
)
def test_the_check_sees_module_level_imports_only(source, flagged):
    tree = ast.parse(source)
    names = [
        name for _, found in module_level_imports(tree, "scorehouse.cli", False) for name in found
    ]
    assert any(reaches_devtools(name) for name in names) is flagged, names


def third_party(path: Path, allowed: set[str], anywhere: bool) -> list[str]:
    """`file:line: name` for each import of `path` from outside the standard library and
    the packages `allowed`: at module level, or also inside functions (`anywhere`)."""
    tree, module, is_package = parse(path)
    if anywhere:
        found = [
            (node.lineno, imported_names(node, module, is_package))
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
    else:
        found = list(module_level_imports(tree, module, is_package))
    return sorted(
        {
            f"{path.relative_to(PROJECT_DIR)}:{line}: imports {name.split('.')[0]}"
            for line, names in found
            for name in names
            if name.split(".")[0] not in sys.stdlib_module_names | allowed
        }
    )


def test_the_readers_check_needs_only_duckdb():
    """What `python -m scorehouse.devtools.readers_check` imports in the DuckDB 1.x venv."""
    problems = third_party(PACKAGE / "devtools" / "readers_check.py", {"duckdb"}, anywhere=True)
    for package in (PACKAGE / "__init__.py", PACKAGE / "devtools" / "__init__.py"):
        problems += third_party(package, set(), anywhere=False)
    assert not problems, "imports the DuckDB 1.x venv does not have:\n" + "\n".join(problems)
