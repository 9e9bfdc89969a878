"""A publication is always one build (issue 15, item 3).

`scorehouse publish` refuses the marts of a killed build, a failed build (also after a
`dbt retry`), a partial `--select` build, and a build without a passed quality gate, and
leaves the previous publication byte for byte as it was; a complete, checked build
publishes. A dashboard page reads one publication from start to end, even while new
ones land. Staging files that killed publishes left behind are removed, a running
publish's own file is kept.

One small project is built and published once (`scorehouse run`); the tests then run in
order on it, each leaving the warehouse as the next one expects, and one more full build
recovers from the broken ones.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading

import duckdb
import pytest

from dashboard import published
from scorehouse import cli
from scorehouse.checks import run_checks
from scorehouse.errors import ScorehouseError
from scorehouse.publish import BI_MARTS, publish, remove_stale_staging
from tests_py.conftest import DBT, copy_project


def paths(project) -> list[str]:
    return [
        "--db",
        str(project.db),
        "--published-db",
        str(project.path / "published.duckdb"),
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory, generated_raw):
    """A project scored as of 2026-11-01 by `scorehouse run`: built, checked, published."""
    project = copy_project(tmp_path_factory.mktemp("publication"))
    project.load(generated_raw)
    extra = ["--project-dir", str(project.path), "--docs-dir", str(project.path / "quality")]
    assert cli.main(["run", "--as-of", "2026-11-01", *paths(project), *extra]) == 0
    return project


def builds(project) -> list[tuple]:
    return project.query(
        "select command, as_of_date::varchar, ended_at is not null, succeeded, marts_built, "
        "checks_passed from scorehouse_meta.builds order by started_at"
    )


def refusal(project) -> str:
    """Publish `project`'s warehouse, which must be refused without touching the
    previous publication; returns the refusal's message."""
    publication = project.path / "published.duckdb"
    before = publication.read_bytes()
    with pytest.raises(ScorehouseError) as refused:
        publish(project.db, publication)
    assert publication.read_bytes() == before, "a refused publish changed the publication"
    assert not list(project.path.glob(".published.duckdb.*")), "a staging file was left"
    message = str(refused.value)
    assert "\n" not in message and message.startswith(f"{project.db}: nothing was published:")
    return message


def published_as_of(project) -> str:
    con = duckdb.connect(str(project.path / "published.duckdb"), read_only=True)
    try:
        return str(con.execute("select scored_as_of from _publication").fetchone()[0])
    finally:
        con.close()


def test_a_checked_run_publishes_and_records_its_build(built):
    # `scorehouse run` also ran `dbt source freshness`, which records nothing.
    [(command, as_of, ended, succeeded, marts, passed)] = builds(built)
    assert (command, as_of, ended, succeeded, passed) == ("build", "2026-11-01", True, True, True)
    assert set(BI_MARTS) <= set(marts)
    assert published_as_of(built) == "2026-11-01"
    # Neither does `dbt test`; the marts still come from the checked build.
    built.dbt("test", "--select", "lead_scores")
    assert len(builds(built)) == 1
    assert publish(built.db, built.path / "published.duckdb")["lead_scores"] > 0


def test_a_partial_select_build_is_refused(built):
    built.dbt("build", "--select", "lead_scores", as_of="2026-11-02")
    assert builds(built)[-1][:4] == ("build", "2026-11-02", True, True)
    message = refusal(built)
    assert (
        "the marts' latest build (dbt build as of 2026-11-02, started " in message
        and "built 1 of the 13 BI marts (not lead_score_breakdown, account_scores, "
        "account_score_breakdown, ...): a `--select` build or a `dbt retry` leaves marts "
        "from two builds; run `scorehouse run --as-of 2026-11-02` to build, check and "
        "publish"
        in message
    ), message


def test_a_failed_build_is_refused_also_after_a_retry(built):
    failing = built.path / "models" / "zz_fails_on_purpose.sql"
    failing.write_text("{{ config(materialized='table') }}\nselect error('on purpose') as x\n")
    try:
        result = built.dbt(
            "run", "--select", "lead_scores", "zz_fails_on_purpose", as_of="2026-11-03", check=False
        )
        assert result.returncode != 0
        assert builds(built)[-1][:5] == ("run", "2026-11-03", True, False, ["lead_scores"])
        message = refusal(built)
        assert (
            "the marts' latest build (dbt run as of 2026-11-03, started " in message
            and ") failed, so the marts may come from two builds; fix the cause, then run "
            "`scorehouse run --as-of 2026-11-03` to build, check and publish"
            in message
        ), message
        # Fixed, and retried: the retry rebuilds only the failed model, no mart, so the
        # marts are still those of the failed run (lead_scores of 11-03, the rest older).
        failing.write_text("{{ config(materialized='table') }}\nselect 1 as x\n")
        built.dbt("retry", as_of="2026-11-03")
        assert builds(built)[-1][:5] == ("run", "2026-11-03", True, True, [])
        assert refusal(built) == message
    finally:
        failing.unlink()


def test_a_killed_build_is_refused(built, capsys):
    env = {**os.environ, "DBT_PROFILES_DIR": str(built.path), "SCOREHOUSE_DB": str(built.db)}
    command = [DBT, "build", "--vars", json.dumps({"as_of_date": "2026-11-04"})]
    dbt = subprocess.Popen(
        command, cwd=built.path, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        # Killed as the first node starts, after the on-run-start hooks.
        for line in dbt.stdout:
            if " START sql " in line:
                break
    finally:
        os.killpg(dbt.pid, signal.SIGKILL)
        dbt.wait()
        dbt.stdout.close()
    assert builds(built)[-1][:4] == ("build", "2026-11-04", False, None)
    message = refusal(built)
    assert (
        "the marts' latest build (dbt build as of 2026-11-04, started " in message
        and ") did not finish (killed?), so the marts may come from two builds; run "
        "`scorehouse run --as-of 2026-11-04` to build, check and publish"
        in message
    ), message
    # The command says it in one line and exits 2.
    capsys.readouterr()
    assert cli.main(["publish", *paths(built)]) == 2
    assert capsys.readouterr().err == f"scorehouse: error: {message}\n"


def test_a_build_is_published_only_once_it_passed_the_quality_gate(built, tmp_path):
    built.dbt("build", as_of="2026-11-05")
    message = refusal(built)
    assert message.endswith(
        "has not been through the quality gate; run `scorehouse check`, then publish "
        "(or `scorehouse run`)"
    ), message

    settings = built.path / "dbt_project.yml"
    original = settings.read_text()
    # Every lead must be A1: the gate fails.
    settings.write_text(
        original.replace("quality_a1_share_min: 0.0", "quality_a1_share_min: 1.0").replace(
            "quality_a1_share_max: 0.2", "quality_a1_share_max: 1.0"
        )
    )
    try:
        assert not run_checks(built.db, tmp_path / "failed", project_dir=built.path).success
    finally:
        settings.write_text(original)
    assert builds(built)[-1][5] is False
    message = refusal(built)
    assert message.endswith(
        "failed the quality checks (`scorehouse check`); fix the data or the rules, then run "
        "`scorehouse run --as-of 2026-11-05` to build, check and publish"
    ), message

    assert run_checks(built.db, tmp_path / "passed", project_dir=built.path).success
    command, as_of, ended, succeeded, _, passed = builds(built)[-1]
    assert (command, as_of, ended, succeeded, passed) == ("build", "2026-11-05", True, True, True)
    publish(built.db, built.path / "published.duckdb")
    assert published_as_of(built) == "2026-11-05"


def test_a_build_that_builds_no_mart_does_not_stop_publishing(built):
    # As `scorehouse validate` does: it rebuilds staging and the configuration only. The
    # marts are those of the checked build, also when such a build fails.
    built.dbt("run", "--select", "stg_crm__contacts", as_of="2026-11-06")
    assert builds(built)[-1][:5] == ("run", "2026-11-06", True, True, [])
    publish(built.db, built.path / "published.duckdb")
    failing = built.path / "models" / "zz_fails_on_purpose.sql"
    failing.write_text("{{ config(materialized='table') }}\nselect error('on purpose') as x\n")
    try:
        built.dbt("run", "--select", "zz_fails_on_purpose", as_of="2026-11-06", check=False)
    finally:
        failing.unlink()
    assert builds(built)[-1][:5] == ("run", "2026-11-06", True, False, [])
    publish(built.db, built.path / "published.duckdb")
    assert published_as_of(built) == "2026-11-05"


def test_a_warehouse_without_build_records_is_refused(tmp_path):
    # Built before builds were recorded, or by hand: nothing says its marts agree.
    warehouse, publication = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts")
    con.execute("create table marts.lead_scores as select date '2026-11-01' as scored_as_of")
    con.close()
    publication.write_bytes(b"the previous publication")
    with pytest.raises(ScorehouseError) as refused:
        publish(warehouse, publication)
    assert str(refused.value) == (
        f"{warehouse}: nothing was published: the warehouse has no record of a complete dbt "
        "build (scorehouse_meta.builds); run `scorehouse run` to build, check and publish"
    )
    assert publication.read_bytes() == b"the previous publication"


def test_publish_removes_staging_files_of_dead_publishes_only(built, tmp_path):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        publication = tmp_path / "scorehouse.duckdb"
        dead = [
            tmp_path / f".scorehouse.duckdb.{finished.pid}.tmp",
            tmp_path / f".scorehouse.duckdb.{finished.pid}.tmp.wal",
        ]
        kept = [
            tmp_path / f".scorehouse.duckdb.{running.pid}.tmp",  # a publish still at work
            tmp_path / f".other.duckdb.{finished.pid}.tmp",  # another publication's
            tmp_path / ".scorehouse.duckdb.notapid.tmp",
            tmp_path / "notes.txt",
        ]
        for path in dead + kept:
            path.write_text("left behind")
        publish(built.db, publication)
        assert publication.exists()
        assert not any(path.exists() for path in dead)
        assert all(path.read_text() == "left behind" for path in kept)
        assert remove_stale_staging(publication) == []
    finally:
        running.kill()
        running.wait()


def page(path) -> tuple:
    """What one dashboard page reads, as dashboard/app.py does: one publication, opened
    at its start, read by several functions, closed at its end."""
    with published.open_publication(path) as pub:
        model_id = published.lead_models(pub)[0]
        leads = int(published.grade_matrix(pub, model_id)["leads"].sum())
        due = len(published.leads_due(pub, model_id, today_only=False))
        account_model = published.account_score_models(pub)[0]
        accounts = int(published.account_grades(pub, account_model)["accounts"].sum())
        (published_at,) = pub.query("select published_at from _publication").iloc[0]
        return pub.published_at, published_at, (leads, due, accounts)


def test_a_dashboard_page_never_mixes_two_publications(built, tmp_path):
    # Two warehouses with different marts, both complete and checked builds.
    first, second = tmp_path / "first.duckdb", tmp_path / "second.duckdb"
    shutil.copy(built.db, first)
    shutil.copy(built.db, second)
    con = duckdb.connect(str(second))
    for mart in ("lead_scores", "account_scores"):
        key = "contact_id" if mart == "lead_scores" else "account_id"
        con.execute(f"delete from marts.{mart} where hash({key}) % 2 = 0")
    con.close()
    publication = tmp_path / "published" / "scorehouse.duckdb"
    expected = set()
    for db in (second, first):
        publish(db, publication)
        expected.add(page(publication)[2])
    assert len(expected) == 2, "the two warehouses must publish different marts"

    pages, problems, done = [], [], threading.Event()

    def read_pages():
        while not done.is_set():
            try:
                pages.append(page(publication))
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                problems.append(exc)

    reader = threading.Thread(target=read_pages)
    reader.start()
    try:
        for _ in range(4):
            for db in (second, first):
                publish(db, publication)
    finally:
        done.set()
        reader.join()
    assert not problems, problems
    assert len({opened for opened, _, _ in pages}) >= 3, "publications landed while reading"
    for opened, read_last, numbers in pages:
        assert read_last == opened and numbers in expected, "a page mixed two publications"
