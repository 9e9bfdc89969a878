"""Evidence (bi/evidence, docs/evidence.md) renders a report of the publication.

A copy of bi/evidence in a temporary folder, pointed at a publication of the `make
dbt-test` warehouse by EVIDENCE_SOURCE__scorehouse__filename, runs Evidence's two steps:
`npm run sources` (its DuckDB connector reads the publication into Parquet files) and
`npm run build` (the static site). The site must show the publication's figures, counted
here with the project's DuckDB from the same file: the lead, MQL and A1 counts on the
prerendered page, the leads by grade and the top accounts in the query results it serves,
and the leads in its data file. A publication Evidence cannot open fails the sources step.

The copy reuses bi/evidence/node_modules (installed there by `npm ci` when missing or
not the lockfile's), so nothing but node_modules is written into the repository.

Skipped, in CI too, when Evidence's DuckDB-Wasm has no `parquet` extension on this
machine: no npm package ships it, and DuckDB-Wasm reads it from
~/.duckdb/extensions/extensions.duckdb.org/<version>/wasm_eh/ or downloads it from
extensions.duckdb.org, which CI cannot reach; with neither, `npm run sources` hangs. The
recipe then stays checked by hand (docs/evidence.md). With the extension there: skipped
outside CI, failed in CI (env `CI` set) when npm is not on PATH or the extension does not
load.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pyarrow.ipc
import pytest

from scorehouse.contract import PROJECT_DIR
from tests_py.bi_warehouse import published_test_marts, skip_or_fail

EVIDENCE_DIR = PROJECT_DIR / "bi" / "evidence"
SOURCE = "scorehouse"
FILENAME_VAR = f"EVIDENCE_SOURCE__{SOURCE}__filename"
MODEL = "acquisition"  # the model the page reports on (pages/index.md)
PROBE_SECONDS = 30
# Where DuckDB-Wasm looks for its extensions (any DuckDB version; the probe below checks
# that the one for Evidence's DuckDB-Wasm loads).
EXTENSIONS = Path.home() / ".duckdb" / "extensions" / "extensions.duckdb.org"

pytestmark = pytest.mark.skipif(
    not any(EXTENSIONS.glob("*/wasm_eh/parquet.duckdb_extension.wasm")),
    reason=f"no DuckDB-Wasm parquet extension in {EXTENSIONS}: no package registry ships "
    "it, so Evidence cannot read data here (docs/evidence.md says how to add it)",
)

# Loads DuckDB-Wasm as Evidence does (@evidence-dev/universal-sql) and then its parquet
# extension. Writes synchronously: a hung load blocks the thread that would flush
# console.log, and the test reads what was written before it killed the probe.
WASM_PROBE = """
import { writeSync } from 'node:fs';
import { initDB, query } from '@evidence-dev/universal-sql/client-duckdb';
await initDB();
const [{ v }] = query('select version() as v');
writeSync(1, `version ${v}\\n`);
query('LOAD parquet');
writeSync(1, 'parquet loaded\\n');
process.exit(0);
"""


def run(command: list[str], cwd: Path, env: dict, timeout: int) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as timed_out:
        parts = [timed_out.stdout or "", timed_out.stderr or ""]
        output = "".join(p.decode() if isinstance(p, bytes) else p for p in parts)
        pytest.fail(f"{' '.join(command)} still running after {timeout} s:\n{output[-4000:]}")


def node_modules_match_lockfile() -> bool:
    """bi/evidence/node_modules holds exactly the lockfile's versions (npm's own record
    of what it installed, node_modules/.package-lock.json, says so)."""
    installed = EVIDENCE_DIR / "node_modules" / ".package-lock.json"
    if not installed.exists():
        return False
    wanted = json.loads((EVIDENCE_DIR / "package-lock.json").read_text())["packages"]
    have = json.loads(installed.read_text())["packages"]
    return all(
        have.get(name, {}).get("version") == entry.get("version")
        for name, entry in wanted.items()
        if name.startswith("node_modules/")
        and not entry.get("optional")
        and not entry.get("extraneous")
    )


def evidence_env(**extra: str) -> dict:
    """This environment without EVIDENCE_* settings of the user's, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVIDENCE_")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def evidence_copy(tmp_path_factory) -> Path:
    """A copy of bi/evidence with the repository's node_modules linked in."""
    npm = shutil.which("npm")
    if npm is None:
        skip_or_fail("npm is not on PATH: install Node.js 20 (with npm) to test bi/evidence")
    if not node_modules_match_lockfile():
        installed = run(
            [npm, "ci", "--no-audit", "--no-fund"], EVIDENCE_DIR, evidence_env(), timeout=900
        )
        assert installed.returncode == 0, f"npm ci failed:\n{installed.stderr[-4000:]}"
    copy = tmp_path_factory.mktemp("evidence") / "evidence"
    shutil.copytree(
        EVIDENCE_DIR,
        copy,
        ignore=shutil.ignore_patterns("node_modules", ".evidence", "build", ".env"),
    )
    (copy / "node_modules").symlink_to(EVIDENCE_DIR / "node_modules", target_is_directory=True)
    # Where Evidence's telemetry, when on, writes its profile before sending anything
    # (../customization from the folder it runs in): the report test checks it stays empty.
    (copy.parent / "customization").mkdir()
    return copy


@pytest.fixture(scope="module")
def evidence(evidence_copy: Path) -> Path:
    """The copy, once its DuckDB-Wasm has loaded the parquet extension."""
    probe = subprocess.Popen(
        ["node", "--input-type=module", "-e", WASM_PROBE],
        cwd=evidence_copy,
        env=evidence_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = probe.communicate(timeout=PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        probe.kill()
        output, _ = probe.communicate()
    if "parquet loaded" not in output:
        found = re.search(r"version (v[\w.-]+)", output)
        version = found.group(1) if found else "<DuckDB version>"
        skip_or_fail(
            f"Evidence's DuckDB-Wasm could not load its parquet extension in {PROBE_SECONDS} s"
            " (no npm package ships it; without it `npm run sources` hangs): put DuckDB's "
            f"signed https://extensions.duckdb.org/{version}/wasm_eh/parquet.duckdb_extension"
            f".wasm into ~/.duckdb/extensions/extensions.duckdb.org/{version}/wasm_eh/, or let "
            f"this machine reach extensions.duckdb.org once (docs/evidence.md). Probe said:\n"
            f"{output[-2000:]}"
        )
    return evidence_copy


def filename_option(evidence: Path, publication: Path) -> str:
    """The connector joins the filename onto the source folder, so it must be relative."""
    return os.path.relpath(publication, evidence / "sources" / SOURCE)


def big_value(html: str, title: str) -> str:
    """The figure a <BigValue title=...> shows in the prerendered page."""
    found = re.search(
        rf">\s*{re.escape(title)}\s*</p>\s*<div[^>]*>\s*<span[^>]*>\s*([^<]*?)\s*</span>", html
    )
    assert found, f"no BigValue titled {title!r} in the built page"
    return found.group(1)


def test_evidence_builds_the_report_of_the_publication(evidence: Path, tmp_path: Path):
    publication = published_test_marts(tmp_path)
    con = duckdb.connect(str(publication), read_only=True)
    try:
        leads, mqls, a1_leads = con.execute(
            "select count(*), count(*) filter (where is_mql), "
            "count(*) filter (where lead_grade = 'A1') from main.lead_scores where model_id = ?",
            [MODEL],
        ).fetchone()
        customers, at_risk = con.execute(
            "select count(*), count(*) filter (where is_at_risk) from main.customer_health"
        ).fetchone()
        [build_id] = con.execute("select build_invocation_id from main._publication").fetchone()
        top_accounts = [
            account
            for (account,) in con.execute(
                "select account_id from main.account_scores where model_id = ? "
                "order by total_score desc, account_id limit 10",
                [MODEL],
            ).fetchall()
        ]
        by_grade = dict(
            con.execute(
                "select lead_grade, count(*) from main.lead_scores where model_id = ? "
                "group by lead_grade",
                [MODEL],
            ).fetchall()
        )
    finally:
        con.close()
    assert leads and mqls and a1_leads, "the test warehouse has no A1 leads or MQLs to show"

    env = evidence_env(**{FILENAME_VAR: filename_option(evidence, publication)})
    sources = run(["npm", "run", "sources"], evidence, env, timeout=600)
    said = sources.stdout + sources.stderr
    assert sources.returncode == 0, f"npm run sources failed:\n{said[-4000:]}"
    assert f"lead_scores ✔ Finished, wrote {leads} rows" in said, said[-4000:]
    built = run(["npm", "run", "build"], evidence, env, timeout=1200)
    assert built.returncode == 0, f"npm run build failed:\n{(built.stdout + built.stderr)[-4000:]}"

    # The data files the site serves: Evidence's copy of the publication's leads.
    site = evidence / "build"
    [leads_file] = site.glob(f"data/{SOURCE}/lead_scores/*/lead_scores.parquet")
    reader = duckdb.connect()
    try:
        served = reader.execute(
            "select count(*), count(*) filter (where is_mql), "
            "count(*) filter (where lead_grade = 'A1') "
            "from read_parquet(?) where model_id = ?",
            [str(leads_file), MODEL],
        ).fetchone()
    finally:
        reader.close()
    assert served == (leads, mqls, a1_leads)

    # The page, as prerendered by the build.
    html = (site / "index.html").read_text()
    assert big_value(html, "Leads") == f"{leads:,}"
    assert big_value(html, "MQLs") == f"{mqls:,}"
    assert big_value(html, "A1 leads") == f"{a1_leads:,}"
    assert big_value(html, "Customers") == f"{customers:,}"
    assert big_value(html, "At risk") == f"{at_risk:,}"
    assert build_id in html, "the page does not name the publication's build"

    # The tables and the chart fill in in the browser, from the query results the build
    # prerendered (Arrow streams named by api/<hash>/<hash>/all-queries.json).
    [names] = site.glob("api/*/*/all-queries.json")
    results = json.loads(names.read_text())

    def prerendered(query: str) -> list[dict]:
        data = site / "api" / "prerendered_queries" / f"{results[f'{query}_data']}.arrow"
        return pyarrow.ipc.open_stream(data.read_bytes()).read_all().to_pylist()

    assert [row["account_id"] for row in prerendered("top_accounts")] == top_accounts
    assert {row["lead_grade"]: row["leads"] for row in prerendered("leads_by_grade")} == by_grade

    # Telemetry is off (evidence.settings.json): no profile, so no event was sent.
    assert not (evidence.parent / "customization" / ".profile.json").exists()
    assert not (evidence / ".evidence" / "customization" / ".profile.json").exists()


def test_evidence_fails_without_a_publication(evidence_copy: Path, tmp_path: Path):
    """The connector opens the file before any query runs (and before DuckDB-Wasm)."""
    missing = tmp_path / "published" / "scorehouse.duckdb"
    env = evidence_env(**{FILENAME_VAR: filename_option(evidence_copy, missing)})
    sources = run(["npm", "run", "sources"], evidence_copy, env, timeout=300)
    said = sources.stdout + sources.stderr
    assert sources.returncode != 0, said[-4000:]
    assert f"Error connecting to datasource {SOURCE}" in said, said[-4000:]
