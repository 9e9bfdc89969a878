"""A publication is always one build (issue 15, item 3), in formats every reader opens.

`scorehouse publish` refuses the marts of a killed build, a failed build (also after a
`dbt retry`), a partial `--select` build, and a build without a passed quality gate, and
leaves the previous publication (DuckDB file and Parquet files) byte for byte as it was;
a complete, checked build publishes. The DuckDB file is in storage format v1.0.0 (DuckDB
1.x readers: tests_py/test_publication_readers.py) with the marts also under `marts` for
MetricFlow; the Parquet files of one publication switch in one step, and the same marts
give the same bytes. A dashboard page, or a Parquet reader, reads one publication from
start to end, even while new ones land. Staging files that killed publishes left behind
are removed, a running publish's own files are kept.

One small project is built, checked and published once (`scorehouse run`), with a copy of
its warehouse taken between its build and its quality gate. Each test starts from a copy
of the warehouse as the run left it (or as it was before the gate), together with dbt's
parse cache of the project as the copy had it before the run, so the tests do not depend on
each other and a dbt command without vars only parses what the test changed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading

import duckdb
import pytest

from dashboard import published
from scorehouse import checks, cli
from scorehouse.checks import run_checks
from scorehouse.errors import ScorehouseError
from scorehouse.publish import (
    BI_MARTS,
    PARQUET_VERSIONS,
    parquet_folder,
    publish,
    remove_stale_staging,
)
from tests_py.conftest import DBT, Project, copy_project


def paths(project) -> list[str]:
    return [
        "--db",
        str(project.db),
        "--published-db",
        str(project.path / "published.duckdb"),
    ]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, generated_raw) -> Project:
    """A project scored as of 2026-11-01 by `scorehouse run`: built, checked, published.
    Saved aside: its warehouse at the end of the run (`checked.duckdb`), as the run's dbt
    build left it before the quality gate ran (`unchecked.duckdb`), and dbt's parse cache
    for the tests' dbt commands. Tests use it through `built` or `restored`, never as it
    is."""
    project = copy_project(tmp_path_factory.mktemp("publication"))
    project.load(generated_raw)
    saved = tmp_path_factory.mktemp("publication-saved")
    run_checks = checks.run_checks

    def copy_then_check(db, *args, **kwargs):
        # The real gate, on the real build; the copy is taken just before it runs.
        shutil.copy(db, saved / "unchecked.duckdb")
        return run_checks(db, *args, **kwargs)

    # dbt's parse cache as the tests' dbt commands (conftest's `Project.dbt`) use it: the
    # session's parse, which the copy starts from, saved before the run adds its own.
    parsed = project.path / "target" / "partial_parse.msgpack"
    if parsed.exists():
        shutil.copy(parsed, saved / parsed.name)
    extra = ["--project-dir", str(project.path), "--docs-dir", str(project.path / "quality")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "run_checks", copy_then_check)
        assert cli.main(["run", "--as-of", "2026-11-01", *paths(project), *extra]) == 0
    assert (saved / "unchecked.duckdb").exists(), "the run's quality gate did not run"
    shutil.copy(project.db, saved / "checked.duckdb")
    if not (saved / parsed.name).exists():  # the session's parse failed: parse here
        project.dbt("parse")
        shutil.copy(parsed, saved / parsed.name)
    project.saved = saved
    return project


def restored(project: Project, warehouse: str) -> Project:
    """`project` with a fresh copy of a saved warehouse (and no write-ahead log a killed
    build left), and the saved parse cache: at the same paths, so that dbt, given no
    vars, parses only what changed."""
    project.db.with_name(project.db.name + ".wal").unlink(missing_ok=True)
    shutil.copy(project.saved / warehouse, project.db)
    shutil.copy(
        project.saved / "partial_parse.msgpack", project.path / "target" / "partial_parse.msgpack"
    )
    return project


@pytest.fixture
def built(pristine) -> Project:
    """The project as `scorehouse run` left it, its warehouse a copy for this test."""
    return restored(pristine, "checked.duckdb")


def builds(project) -> list[tuple]:
    return project.query(
        "select command, as_of_date::varchar, ended_at is not null, succeeded, marts_built, "
        "checks_passed from scorehouse_meta.builds order by started_at"
    )


def parquet_state(publication) -> tuple:
    """Where the Parquet link points and every Parquet file with its bytes."""
    link = parquet_folder(publication)
    versions = publication.parent / PARQUET_VERSIONS
    files = sorted(versions.rglob("*")) if versions.exists() else []
    return (
        os.readlink(link) if link.is_symlink() else None,
        [(path, path.read_bytes() if path.is_file() else None) for path in files],
    )


def refusal(project) -> str:
    """Publish `project`'s warehouse, which must be refused without touching the
    previous publication; returns the refusal's message."""
    publication = project.path / "published.duckdb"
    before = publication.read_bytes(), parquet_state(publication)
    with pytest.raises(ScorehouseError) as refused:
        publish(project.db, publication)
    after = publication.read_bytes(), parquet_state(publication)
    assert after == before, "a refused publish changed the publication"
    staging = [p for p in project.path.glob(".published.duckdb.*") if p.suffix != ".lock"]
    assert not staging, f"a staging file was left: {staging}"
    message = str(refused.value)
    assert "\n" not in message and message.startswith(f"{project.db}: nothing was published:")
    return message


def published_as_of(project) -> str:
    con = duckdb.connect(str(project.path / "published.duckdb"), read_only=True)
    try:
        return str(con.execute("select scored_as_of from _publication").fetchone()[0])
    finally:
        con.close()


def published_at(project):
    con = duckdb.connect(str(project.path / "published.duckdb"), read_only=True)
    try:
        return con.execute("select published_at from _publication").fetchone()[0]
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
    # As of the run's date, with its vars: dbt parses only the new model.
    failing = built.path / "models" / "zz_fails_on_purpose.sql"
    failing.write_text("{{ config(materialized='table') }}\nselect error('on purpose') as x\n")
    try:
        result = built.dbt("run", "--select", "lead_scores", "zz_fails_on_purpose", check=False)
        assert result.returncode != 0
        assert len(builds(built)) == 2
        assert builds(built)[-1][:5] == ("run", "2026-11-01", True, False, ["lead_scores"])
        message = refusal(built)
        assert (
            "the marts' latest build (dbt run as of 2026-11-01, started " in message
            and ") failed, so the marts may come from two builds; fix the cause, then run "
            "`scorehouse run --as-of 2026-11-01` to build, check and publish"
            in message
        ), message
        # Fixed, and retried: the retry rebuilds only the failed model, no mart, so the
        # marts are still those of the failed run (lead_scores of that run, the rest of
        # the checked build before it).
        failing.write_text("{{ config(materialized='table') }}\nselect 1 as x\n")
        built.dbt("retry")
        assert len(builds(built)) == 3
        assert builds(built)[-1][:5] == ("run", "2026-11-01", True, True, [])
        assert refusal(built) == message
    finally:
        failing.unlink()


def test_a_killed_build_is_refused(built, capsys):
    # With the profile and the date as `Project.dbt` passes them: dbt parses nothing.
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(built.path),
        "SCOREHOUSE_DB": os.path.relpath(built.db, built.path),
        "SCOREHOUSE_AS_OF_DATE": "2026-11-04",
    }
    dbt = subprocess.Popen(
        [DBT, "build"],
        cwd=built.path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
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


def test_a_build_is_published_only_once_it_passed_the_quality_gate(pristine, tmp_path):
    # The warehouse as the run's dbt build left it, before the run's quality gate.
    built = restored(pristine, "unchecked.duckdb")
    command, as_of, ended, succeeded, marts, passed = builds(built)[-1]
    assert (command, as_of, ended, succeeded, passed) == ("build", "2026-11-01", True, True, None)
    assert set(BI_MARTS) <= set(marts)
    message = refusal(built)
    assert message.endswith(
        "has not been through the quality gate; run `scorehouse check`, then publish "
        "(or `scorehouse run`)"
    ), message

    settings = built.path / "dbt_project.yml"
    original = settings.read_text()
    # Every lead must be A1: the gate fails.
    settings.write_text(
        original.replace(
            "scorehouse_quality_a1_share_min: 0.0", "scorehouse_quality_a1_share_min: 1.0"
        ).replace("scorehouse_quality_a1_share_max: 0.2", "scorehouse_quality_a1_share_max: 1.0")
    )
    try:
        assert not run_checks(built.db, tmp_path / "failed", project_dir=built.path).success
    finally:
        settings.write_text(original)
    assert builds(built)[-1][5] is False
    message = refusal(built)
    assert message.endswith(
        "failed the quality checks (`scorehouse check`); fix the data or the rules, then run "
        "`scorehouse run --as-of 2026-11-01` to build, check and publish"
    ), message

    assert run_checks(built.db, tmp_path / "passed", project_dir=built.path).success
    [(command, as_of, ended, succeeded, _, passed)] = builds(built)
    assert (command, as_of, ended, succeeded, passed) == ("build", "2026-11-01", True, True, True)
    before = published_at(built)
    publish(built.db, built.path / "published.duckdb")
    assert published_at(built) > before
    assert published_as_of(built) == "2026-11-01"


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
    assert published_as_of(built) == "2026-11-01"


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
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        ".published.duckdb.lock",
        "published.duckdb",
        "warehouse.duckdb",
    ], "a refused publish left Parquet files or staging"


def test_publish_removes_staging_files_of_dead_publishes_only(built, tmp_path):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        publication = tmp_path / "scorehouse.duckdb"
        versions = tmp_path / PARQUET_VERSIONS
        versions.mkdir()
        dead = [
            tmp_path / f".scorehouse.duckdb.{finished.pid}.tmp",
            tmp_path / f".scorehouse.duckdb.{finished.pid}.tmp.wal",
            tmp_path / f".scorehouse.duckdb.{finished.pid}.link",
            versions / f".20261101T060000000000-{finished.pid}.tmp",  # Parquet, half written
        ]
        kept = [
            tmp_path / f".scorehouse.duckdb.{running.pid}.tmp",  # a publish still at work
            versions / f".20261101T060000000000-{running.pid}.tmp",
            tmp_path / f".other.duckdb.{finished.pid}.tmp",  # another publication's
            tmp_path / ".scorehouse.duckdb.notapid.tmp",
            tmp_path / "notes.txt",
        ]
        for path in dead + kept:
            if path.parent == versions:
                path.mkdir()
                path = path / "lead_scores.parquet"
            path.write_text("left behind")
        publish(built.db, publication)
        assert publication.exists()
        assert not any(path.exists() for path in dead)
        kept_files = [
            path / "lead_scores.parquet" if path.parent == versions else path for path in kept
        ]
        assert all(path.read_text() == "left behind" for path in kept_files)
        assert remove_stale_staging(publication) == []
    finally:
        running.kill()
        running.wait()


def test_the_duckdb_file_opens_in_duckdb_1_and_has_the_marts_for_metricflow(built, tmp_path):
    publication = tmp_path / "scorehouse.duckdb"
    counts = publish(built.db, publication)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{publication}' as publication (read_only)")
        # The format DuckDB 1.0 and later open (2.0's own would say 'v2.0.0+').
        [(tags,)] = con.execute(
            "select tags from duckdb_databases() where database_name = 'publication'"
        ).fetchall()
        assert tags["storage_version"] == "v1.0.0+"
        con.execute("use publication")
        recorded = dict(con.execute("select mart, row_count from _publication_marts").fetchall())
        assert recorded == counts and set(counts) == set(BI_MARTS)
        [(scored_as_of, build_id, version)] = con.execute(
            "select scored_as_of, build_invocation_id, parquet_version from _publication"
        ).fetchall()
        [(checked_build,)] = built.query("select invocation_id from scorehouse_meta.builds")
        assert (str(scored_as_of), build_id) == ("2026-11-01", checked_build)
        assert os.readlink(parquet_folder(publication)) == f"{PARQUET_VERSIONS}/{version}"
        for mart in BI_MARTS:
            # The tables in main (as the dashboard reads them), the same rows under `marts`.
            assert con.execute(
                f"select count(*) from (select * from main.{mart} except all "
                f"select * from marts.{mart})"
            ).fetchone() == (0,)
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == counts[mart]
        # What the semantic layer reads besides the marts, as the warehouse has it.
        for relation in ("metricflow_time_spine", "model_performance_dated"):
            published_rows = con.execute(f"select * from marts.{relation} order by all").fetchall()
            assert published_rows == built.query(f"select * from marts.{relation} order by all")
            assert published_rows
    finally:
        con.close()


def test_the_parquet_files_switch_in_one_step_and_repeat_the_same_bytes(built, tmp_path):
    publication = tmp_path / "scorehouse.duckdb"
    link = parquet_folder(publication)
    versions = []
    for _ in range(3):
        counts = publish(built.db, publication)
        versions.append(link.resolve())
        con = duckdb.connect(str(publication), read_only=True)
        assert con.execute("select parquet_version from _publication").fetchone()[0] == (
            versions[-1].name
        )
        con.close()
    first, previous, current = versions
    # The current folder and the one before it (for readers still on it), no other.
    assert sorted((tmp_path / PARQUET_VERSIONS).iterdir()) == [previous, current]
    assert not first.exists() and len({first, previous, current}) == 3
    names = sorted(path.name for path in current.iterdir())
    assert names == sorted(
        [f"{mart}.parquet" for mart in BI_MARTS]
        + ["_publication.parquet", "_publication_marts.parquet"]
    )
    [(checked_build,)] = built.query("select invocation_id from scorehouse_meta.builds")
    con = duckdb.connect()
    for mart in BI_MARTS:
        file = link / f"{mart}.parquet"
        # The same marts, the same bytes (sorted rows, a stamp of the build, not of the time).
        assert file.read_bytes() == (previous / f"{mart}.parquet").read_bytes(), mart
        assert con.execute(f"select count(*) from '{file}'").fetchone()[0] == counts[mart]
        stamp = dict(
            con.execute(
                "select decode(key), decode(value) from parquet_kv_metadata(?)", [str(file)]
            ).fetchall()
        )
        assert stamp["scorehouse_build"] == checked_build
    assert (
        dict(con.execute(f"select * from '{link}/_publication_marts.parquet'").fetchall()) == counts
    )
    con.close()

    # A folder where the link belongs is refused, and nothing is replaced.
    other = tmp_path / "other"
    (other / "parquet").mkdir(parents=True)
    with pytest.raises(ScorehouseError, match="parquet is a folder, not the link that"):
        publish(built.db, other / "scorehouse.duckdb")
    assert sorted(path.name for path in other.iterdir()) == [".scorehouse.duckdb.lock", "parquet"]


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


def parquet_read(publication) -> tuple | None:
    """What a Parquet reader reads, resolving the link once: the rows of two marts and
    what the publication recorded for them. None when that publication's folder was
    removed before the reader was done (two publications later)."""
    folder = parquet_folder(publication).resolve()
    con = duckdb.connect()
    try:
        leads = con.execute(f"select count(*) from '{folder}/lead_scores.parquet'").fetchone()[0]
        accounts = con.execute(f"select count(*) from '{folder}/account_scores.parquet'").fetchone()
        recorded = dict(
            con.execute(f"select * from '{folder}/_publication_marts.parquet'").fetchall()
        )
    except duckdb.IOException:
        if folder.exists():
            raise
        return None
    finally:
        con.close()
    return (leads, accounts[0]), (recorded["lead_scores"], recorded["account_scores"])


def test_readers_never_mix_two_publications(built, tmp_path):
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
    expected, expected_parquet = set(), set()
    for db in (second, first):
        publish(db, publication)
        expected.add(page(publication)[2])
        expected_parquet.add(parquet_read(publication)[0])
    assert len(expected) == 2, "the two warehouses must publish different marts"
    assert len(expected_parquet) == 2

    pages, reads, problems, done = [], [], [], threading.Event()

    def read_pages():
        while not done.is_set():
            try:
                pages.append(page(publication))
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                problems.append(exc)

    def read_parquet():
        while not done.is_set():
            try:
                reads.append(parquet_read(publication))
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                problems.append(exc)

    readers = [threading.Thread(target=read_pages), threading.Thread(target=read_parquet)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(4):
            for db in (second, first):
                publish(db, publication)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert not problems, problems
    assert len({opened for opened, _, _ in pages}) >= 3, "publications landed while reading"
    for opened, read_last, numbers in pages:
        assert read_last == opened and numbers in expected, "a page mixed two publications"
    complete = [read for read in reads if read is not None]
    assert len(complete) >= 10 and len(complete) >= len(reads) / 2, len(reads)
    assert {numbers for numbers, _ in complete} == expected_parquet, "no switch was seen"
    for numbers, recorded in complete:
        assert numbers == recorded and numbers in expected_parquet, "Parquet of two publications"
