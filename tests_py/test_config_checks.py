"""The configuration checks are data (seeds/_seeds.yml, macro seed_problems) and cover
every seed column: each column of each scoring and mapping seed, set to a value its
check forbids, one at a time, is refused with a line naming the seed and the column.

Fast: the check query is compiled once by dbt, then run by DuckDB on the shipped seeds
changed in a transaction that is rolled back after each case."""

from __future__ import annotations

import csv
import json
import math
import subprocess

import duckdb
import pytest
import yaml

from scorehouse.contract import PROJECT_DIR
from tests_py.conftest import DBT, copy_project, write_raw
from tests_py.test_scoring_scenarios import AS_OF, account

SEED_FOLDERS = ("scoring", "mappings")


def seed_specs() -> dict[str, dict]:
    """Seed name -> its entry in seeds/_seeds.yml, for the checked seeds."""
    doc = yaml.safe_load((PROJECT_DIR / "seeds" / "_seeds.yml").read_text())
    files = {
        path.stem
        for folder in SEED_FOLDERS
        for path in (PROJECT_DIR / "seeds" / folder).glob("*.csv")
    }
    return {seed["name"]: seed for seed in doc["seeds"] if seed["name"] in files}


def seed_header(name: str) -> list[str]:
    for folder in SEED_FOLDERS:
        path = PROJECT_DIR / "seeds" / folder / f"{name}.csv"
        if path.exists():
            with open(path, newline="") as handle:
                return next(csv.reader(handle))
    raise AssertionError(f"no seed file for {name}")


def column_checks(name: str) -> dict[str, dict]:
    specs = seed_specs()
    checks = {}
    inherited = specs[name].get("meta", {}).get("checks", {}).get("checked_as")
    for source in [inherited, name] if inherited else [name]:
        for column in specs[source].get("columns", []):
            if "check" in column.get("meta", {}):
                checks[column["name"]] = column["meta"]["check"]
    return checks


def test_every_seed_column_declares_its_check():
    """A new seed column cannot be forgotten: each one has a `meta.check` with a type."""
    missing = [
        f"{name}.{column}"
        for name in seed_specs()
        for column in seed_header(name)
        if "type" not in column_checks(name).get(column, {})
    ]
    assert missing == [], f"add meta.check to these columns in seeds/_seeds.yml: {missing}"
    unkeyed = [
        n for n, s in seed_specs().items() if not s.get("meta", {}).get("checks", {}).get("key")
    ]
    assert unkeyed == [], f"add meta.checks.key to these seeds: {unkeyed}"


def invalid_values(check: dict) -> list[object]:
    """Values the check forbids (None: empty)."""
    values: list[object] = []
    if check.get("required"):
        values.append(None)
    if check["type"] in ("number", "integer"):
        if check["type"] == "number":
            values += [math.nan, math.inf]
        if "min" in check:
            values.append(check["min"] - 1)
        if "max" in check:
            values.append(check["max"] + 1)
        if "greater_than" in check:
            values.append(check["greater_than"])
    elif check.get("values") or check.get("references"):
        values.append("no_such_value")
    return values


CASES = [
    (name, column, value)
    for name in sorted(seed_specs())
    for column, check in sorted(column_checks(name).items())
    if column in seed_header(name)
    for value in invalid_values(check)
]


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    """A warehouse with the seeds and the checked rules, and the query of the problems view
    (int_scoring_config_problems, which reads the seeds as they stand)."""
    project = copy_project(tmp_path_factory.mktemp("config_checks"))
    project.load(
        write_raw(project.path / "raw", {"accounts": [account("A", "A", "a.com", "x", "1")]})
    )
    project.dbt(
        "build",
        "--select",
        "+int_scoring_rules_checked",
        "--indirect-selection",
        "cautious",
        as_of=AS_OF,
    )
    query = "select seed_name, row_key, problem from intermediate.int_scoring_config_problems"
    con = duckdb.connect(str(project.db))
    yield con, query, project.path
    con.close()


def problems_after(
    checker, statement: str, params: list | None = None, setup: str = ""
) -> list[tuple]:
    con, query, _ = checker
    con.execute("begin")
    try:
        if setup:
            con.execute(setup)
        con.execute(statement, params or [])
        return con.execute(query).fetchall()
    finally:
        con.execute("rollback")


def test_the_shipped_configuration_has_no_problem(checker):
    con, query, _ = checker
    assert con.execute(query).fetchall() == []


@pytest.mark.parametrize(("seed", "column", "value"), CASES, ids=lambda v: str(v))
def test_an_invalid_seed_value_is_refused_naming_seed_and_column(checker, seed, column, value):
    candidate = seed in ("scoring_rules_candidates", "grade_bands_candidates")
    where = "rule_set = 'pricing_focus'" if candidate else "true"
    # The shipped candidate bands are empty: the selected candidate gets the current ones.
    setup = (
        "insert into config.grade_bands_candidates "
        "select 'pricing_focus', * from config.grade_bands"
        if seed == "grade_bands_candidates"
        else ""
    )
    found = problems_after(
        checker,
        f"update config.{seed} set {column} = ? where rowid = "
        f"(select min(rowid) from config.{seed} where {where})",
        [value],
        setup,
    )
    assert any(row[0] == seed and column in row[2] for row in found), found


@pytest.mark.parametrize(
    ("statement", "seed", "words"),
    [
        ("delete from config.scoring_rules", "scoring_rules", "needs at least 1"),
        (
            "delete from config.scoring_rules where model_id = 'adoption'",
            "scoring_models",
            "has no rules",
        ),
        (
            "delete from config.scoring_rules where model_id = 'acquisition' and dimension = 'fit'",
            "scoring_dimensions",
            "has no rules",
        ),
        (
            "insert into config.industry_map select * from config.industry_map limit 1",
            "industry_map",
            "duplicate rows",
        ),
        (
            "insert into config.job_title_map select * from config.job_title_map limit 1",
            "job_title_map",
            "duplicate rows",
        ),
        (
            "insert into config.email_domains select * from config.email_domains limit 1",
            "email_domains",
            "duplicate rows",
        ),
    ],
)
def test_seeds_that_hold_together_badly_are_refused(checker, statement, seed, words):
    found = problems_after(checker, statement)
    assert any(row[0] == seed and words in row[2] for row in found), found


def test_a_candidate_rule_set_that_is_not_selected_does_not_block(checker):
    found = problems_after(
        checker,
        "insert into config.scoring_rules_candidates select 'not_selected', model_id, rule_id, "
        "dimension, category_id, signal, 'no_such_operator', match_value, min_value, max_value, "
        "'nan'::double, decay_method, decay_param, decay_windows, rule_cap, repeat_control, "
        "qualifies_as, description from config.scoring_rules limit 1",
    )
    assert found == []


def project_vars() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def test_every_var_declares_its_check():
    declared = project_vars()
    checks = declared["scorehouse_var_checks"]
    missing = sorted(set(declared) - set(checks) - {"scorehouse_var_checks"})
    assert missing == [], f"add these vars to scorehouse_var_checks in dbt_project.yml: {missing}"
    unknown = sorted(set(checks) - set(declared))
    assert unknown == [], f"scorehouse_var_checks names vars that do not exist: {unknown}"
    # Namespaced, so that a host project's var of the same name never reaches Scorehouse.
    unprefixed = sorted(name for name in declared if not name.startswith("scorehouse_"))
    assert unprefixed == [], f"vars not named scorehouse_...: {unprefixed}"


def bad_var_values(check: dict) -> list[object]:
    kind = check["type"]
    values: list[object] = [] if check.get("nullable") else [None]
    values.append(
        {"integer": "x", "number": "x", "boolean": "yes", "date": "01/02/2026"}.get(kind, 1)
    )
    if kind in ("integer", "number"):
        values.append(math.nan)
        values += [check[k] - 1 for k in ("min",) if k in check]
        values += [check[k] + 1 for k in ("max",) if k in check]
        values += [check[k] for k in ("greater_than",) if k in check]
    if kind == "integer":
        values.append(1.5)
    if "values" in check:
        values.append("no_such_value")
    return values


VAR_CASES = [
    (name, value)
    for name, check in sorted(project_vars()["scorehouse_var_checks"].items())
    for value in bad_var_values(check)
]


@pytest.mark.parametrize(("name", "value"), VAR_CASES, ids=lambda v: str(v))
def test_every_invalid_var_is_refused_before_dbt_runs(name, value):
    from scorehouse.config_vars import var_problems

    problems = var_problems({name: value})
    assert len(problems) == 1 and problems[0].startswith(f"vars ({name}): "), problems


def test_the_project_vars_pass_and_an_unknown_var_is_refused():
    from scorehouse.config_vars import var_problems

    assert var_problems({}) == []
    assert var_problems({"scorehouse_score_decimal": 2}) == [
        "vars (scorehouse_score_decimal): not a var of this project"
    ]
    # A var's name from before the vars were namespaced: refused, naming the new one.
    assert var_problems({"score_decimals": 2}) == [
        "vars (score_decimals): not a var of this project; did you mean "
        "scorehouse_score_decimals? (Scorehouse's vars are namespaced)"
    ]


def test_dbt_itself_refuses_an_invalid_var_naming_it(checker, tmp_path):
    """For runs without the `scorehouse` command: the check of vars inside dbt."""
    con, _, project_dir = checker
    scratch = str(tmp_path / "scratch.duckdb")  # the checker holds its warehouse open
    result = subprocess.run(
        [DBT, "--quiet", "compile", "--inline", "{{ scorehouse.var_problems() }}", "--vars"]
        + [
            json.dumps(
                {
                    "scorehouse_as_of_date": AS_OF,
                    "scorehouse_alert_score_drop_points": -1,
                    "scorehouse_quality_a1_share_max": 3,
                }
            )
        ],
        cwd=project_dir,
        env={"DBT_PROFILES_DIR": str(project_dir), "SCOREHOUSE_DB": scratch, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(con.execute(result.stdout).fetchall()) == [
        ("vars", "scorehouse_alert_score_drop_points", "must be at least 0 (got -1)"),
        ("vars", "scorehouse_quality_a1_share_max", "must be at most 1 (got 3)"),
    ]
