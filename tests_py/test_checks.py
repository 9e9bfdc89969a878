"""The Great Expectations gate catches what it guards: an out-of-range score, an A1
share out of bounds and a non-finite value in any mart; its report reads offline."""

from __future__ import annotations

import contextlib
import re

import duckdb
import pytest

from scorehouse.checks import run_checks
from scorehouse.errors import ScorehouseError
from tests_py.conftest import NO_DATA_TESTS, copy_project


@pytest.fixture(scope="module")
def built(tmp_path_factory, generated_raw):
    project = copy_project(tmp_path_factory.mktemp("checks"))
    project.load(generated_raw)
    project.dbt("build", *NO_DATA_TESTS)
    return project


def test_a_sound_build_passes_and_writes_the_report(built, tmp_path):
    """The report's index is our own page: every expectation, and no http(s) address at
    all (GX's pages load CSS and scripts from CDNs), so it reads offline; its links lead
    to GX's pages, whose logo is the copy GX ships, not its S3 bucket's."""
    report = run_checks(built.db, tmp_path / "docs", project_dir=built.path)
    assert report.success, report.failures
    assert report.evaluated >= 20
    assert report.docs_index == tmp_path / "docs" / "index.html"
    index = report.docs_index.read_text()
    assert not re.search(r"https?:", index, re.IGNORECASE)
    assert "PASSED" in index and index.count('<td class="pass">met</td>') == report.evaluated
    links = re.findall(r'href="([^"]+)"', index)
    assert any(link.startswith("gx/validations/lead_scores/") for link in links)
    for link in links:
        assert (report.docs_index.parent / link).is_file(), link
    gx_pages = list((tmp_path / "docs" / "gx").rglob("*.html"))
    assert gx_pages
    for page in gx_pages:
        assert "great-expectations-web-assets" not in page.read_text(), page


def test_a_folder_that_is_no_report_is_never_replaced(built, tmp_path):
    """The report replaces its folder whole: a folder holding anything else is refused
    before any check runs, and left as it was."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(ScorehouseError, match="not a Scorehouse quality report"):
        run_checks(built.db, mine, project_dir=built.path)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


@contextlib.contextmanager
def changed_mart(built, mart: str, update: str):
    """The mart changed by `update` for the `with` block, restored after it."""
    con = duckdb.connect(str(built.db))
    con.execute(f"create table marts.{mart}_backup as select * from marts.{mart}")
    con.execute(update)
    con.close()
    try:
        yield
    finally:
        con = duckdb.connect(str(built.db))
        con.execute(f"create or replace table marts.{mart} as select * from marts.{mart}_backup")
        con.execute(f"drop table marts.{mart}_backup")
        con.close()


def test_an_out_of_range_score_fails_with_a_readable_line(built, tmp_path):
    with changed_mart(
        built,
        "lead_scores",
        "update marts.lead_scores set fit_score = 150 "
        "where contact_id = (select min(contact_id) from marts.lead_scores)",
    ):
        report = run_checks(built.db, tmp_path / "docs", project_dir=built.path)
    assert not report.success
    assert any(
        f.startswith("lead_scores: expect_column_values_to_be_between")
        and "'fit_score'" in f
        and "150" in f
        for f in report.failures
    ), report.failures
    index = report.docs_index.read_text()
    assert "FAILED: 1 expectation(s)" in index
    (row,) = [r for r in index.split("<tr>") if "FAILED</td>" in r]
    assert "column=fit_score" in row and "150" in row


def test_an_a1_share_out_of_bounds_fails(built, tmp_path):
    (share,) = built.query(
        "select avg(case when lead_grade = 'A1' then 1.0 else 0.0 end) from marts.lead_scores"
    )[0]
    path = built.path / "dbt_project.yml"
    original = path.read_text()
    # Demand more A1 leads than the build has: its share is now out of bounds.
    path.write_text(
        original.replace(
            "scorehouse_quality_a1_share_min: 0.0",
            f"scorehouse_quality_a1_share_min: {share + 0.01}",
        )
    )
    try:
        report = run_checks(built.db, tmp_path / "docs", project_dir=built.path)
    finally:
        path.write_text(original)
    assert not report.success
    assert any(
        f.startswith("lead_grade_distribution:") and "a1_share" in f for f in report.failures
    )


def test_a_non_finite_value_in_any_mart_fails_naming_the_column(built, tmp_path):
    """NaN sorts above every number in DuckDB, so range checks alone let it through."""
    with changed_mart(
        built,
        "lead_score_breakdown",
        "update marts.lead_score_breakdown set base_points = 'nan'::double "
        "where rule_id = (select min(rule_id) from marts.lead_score_breakdown)",
    ):
        report = run_checks(built.db, tmp_path / "docs", project_dir=built.path)
    assert not report.success
    assert any(
        f.startswith("non_finite_values:") and "lead_score_breakdown.base_points" in f
        for f in report.failures
    ), report.failures
