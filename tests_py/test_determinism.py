"""The same raw data and the same as-of date give byte-identical marts."""

from __future__ import annotations

import hashlib

from tests_py.conftest import copy_project

MARTS = [
    "lead_scores",
    "lead_score_breakdown",
    "account_scores",
    "account_score_breakdown",
    "customer_health",
    "model_performance",
    "model_performance_summary",
    "model_calibration",
    "staging_row_counts",
]


def mart_digests(project) -> dict[str, str]:
    digests = {}
    for mart in MARTS:
        rows = project.query(f"select * from marts.{mart} order by all")
        assert rows, f"{mart} is empty"
        digests[mart] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def test_two_builds_give_identical_marts(tmp_path, generated_raw):
    digests = []
    for name in ("first", "second"):
        project = copy_project(tmp_path / name)
        project.load(generated_raw, loaded_at="2026-11-02 06:00:00")
        project.dbt("build", "--exclude", "resource_type:test", "resource_type:unit_test")
        digests.append(mart_digests(project))
    assert digests[0] == digests[1]


def test_a_different_as_of_date_changes_the_scores(tmp_path, generated_raw):
    project = copy_project(tmp_path / "p")
    project.load(generated_raw)
    project.dbt("build", "--exclude", "resource_type:test", "resource_type:unit_test")
    first = mart_digests(project)["lead_scores"]
    project.dbt(
        "build", "--exclude", "resource_type:test", "resource_type:unit_test", as_of="2026-10-01"
    )
    assert mart_digests(project)["lead_scores"] != first
