"""The vars a run is given, checked against `scorehouse_var_checks` in dbt_project.yml before dbt
starts: some vars shape the SQL as dbt parses it, and a bad one there ends in an error
that names no var (`object of type 'int' has no len()`). The same checks run inside dbt
too (macro var_problems, in int_scoring_rules_checked), for runs that do not go through
the `scorehouse` command.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml

from scorehouse.contract import PROJECT_DIR

# Every var of the project starts with it, so that a var of a host project that installs
# Scorehouse as a package never reaches Scorehouse's models by sharing its name.
PREFIX = "scorehouse_"
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _type_problem(value: object, kind: str | None) -> str | None:
    """What is wrong with the type of `value` (not None) for a var of type `kind`, or None."""
    if kind in ("integer", "number"):
        if not isinstance(value, int | float) or isinstance(value, bool):
            return "must be a number"
        if not math.isfinite(value):
            return "must be a finite number"
        if kind == "integer" and value != int(value):
            return "must be a whole number"
        return None
    wanted = {
        "boolean": (lambda v: isinstance(v, bool), "must be true or false"),
        "date": (
            lambda v: isinstance(v, str) and DATE.match(v),
            "must be a date written YYYY-MM-DD",
        ),
        "text": (lambda v: isinstance(v, str), "must be text"),
        "list": (lambda v: isinstance(v, list), "must be a list, e.g. [a, b]"),
        "mapping": (lambda v: isinstance(v, dict), "must be a mapping, e.g. {a: b}"),
    }
    if kind in wanted and not wanted[kind][0](value):
        return wanted[kind][1]
    return None


def _range_problem(value: float, check: dict) -> str | None:
    """What is wrong with the number `value` under the bounds of `check`, or None."""
    if check.get("min") is not None and value < check["min"]:
        return f"must be at least {check['min']}"
    if check.get("max") is not None and value > check["max"]:
        return f"must be at most {check['max']}"
    if check.get("greater_than") is not None and value <= check["greater_than"]:
        return f"must be greater than {check['greater_than']}"
    return None


def _problem(value: object, check: dict) -> str | None:
    """What is wrong with `value` under `check`, or None."""
    kind = check.get("type")
    if value is None:
        return None if check.get("nullable") else "is empty; it needs a value"
    problem = _type_problem(value, kind)
    if problem:
        return problem
    if check.get("values") and value not in check["values"]:
        return "must be one of: " + ", ".join(str(v) for v in check["values"])
    if kind in ("integer", "number") and isinstance(value, int | float):
        return _range_problem(value, check)
    return None


def var_problems(user_vars: dict, project_dir: Path = PROJECT_DIR) -> list[str]:
    """One line per var whose value (the user's, else the project's) breaks its check, or
    that the project does not know."""
    declared = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text())["vars"]
    checks = declared.get("scorehouse_var_checks", {})
    lines = [
        f"vars ({name}): not a var of this project"
        + (
            f"; did you mean {PREFIX}{name}? (Scorehouse's vars are namespaced)"
            if PREFIX + name in declared
            else ""
        )
        for name in sorted(set(user_vars) - set(declared))
    ]
    for name, check in sorted(checks.items()):
        value = user_vars.get(name, declared.get(name))
        problem = _problem(value, check)
        if problem:
            lines.append(f"vars ({name}): {problem} (got {str(value)[:60]})")
    return lines
