"""The dashboard in a real browser: `streamlit run`, driven in Debian's Chromium.

Starts the app on 127.0.0.1 and a free port, opens each view in headless Chromium with
Playwright (pointed at `/usr/bin/chromium`; Playwright's own browser download does not
work here), waits for the data (it arrives over a websocket after the page skeleton),
checks what a user sees against SQL on the publication, and saves one screenshot per
view.

- Publication: the `make dbt-test` marts, published into a temporary folder, or the file
  named by `SCOREHOUSE_BROWSER_PUBLISHED_DB` (`make screenshots` sets the demo's).
- Screenshots: `SCOREHOUSE_SCREENSHOT_DIR`, default `data/test/screenshots/`
  (`make screenshots` writes `docs/screenshots/`).
- Browser: `SCOREHOUSE_CHROMIUM`, default `/usr/bin/chromium` (Debian: `apt-get install
  chromium`). Without it the tests are skipped, except in CI (env `CI` set): there
  they fail, and `.ci/run` installs it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scorehouse.contract import PROJECT_DIR
from tests_py.bi_warehouse import published_test_marts, query, skip_or_fail
from tests_py.conftest import free_port

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM = Path(os.environ.get("SCOREHOUSE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(
    os.environ.get("SCOREHOUSE_SCREENSHOT_DIR", PROJECT_DIR / "data" / "test" / "screenshots")
)
# Flags that keep Chromium quiet on a machine without internet access.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    if os.environ.get("SCOREHOUSE_BROWSER_PUBLISHED_DB"):
        path = Path(os.environ["SCOREHOUSE_BROWSER_PUBLISHED_DB"])
        assert path.exists(), f"{path} not found: run `make demo` first"
        return path
    return published_test_marts(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def server(publication, tmp_path_factory):
    """`streamlit run dashboard/app.py` on 127.0.0.1, until the module's tests end."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    command = [
        str(Path(sys.executable).parent / "streamlit"),
        "run",
        str(PROJECT_DIR / "dashboard" / "app.py"),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
    ]
    env = {**os.environ, "SCOREHOUSE_PUBLISHED_DB": str(publication)}
    with open(log, "w") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} not found: install Chromium (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield page
    context.close()


def open_view(page, server: str, view: str, tables: int, charts: int) -> None:
    """Open a view and wait for its content: the data arrives over a websocket after the
    page skeleton, element by element, so wait for the view's last tables and charts."""
    page.goto(f"{server}/?view={view}")
    last_table = page.locator("[data-testid=stTable]").nth(tables - 1)
    failed = page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
    expect(last_table.or_(failed).first).to_be_visible()
    assert failed.count() == 0, f"the {view} view failed: {failed.first.inner_text()[:2000]}"
    expect(page.locator("[data-testid=stTable]")).to_have_count(tables)
    expect(page.locator("[data-testid=stVegaLiteChart]")).to_have_count(charts)
    for chart in page.locator("[data-testid=stVegaLiteChart]").all():
        expect(chart.locator("svg, canvas").first).to_be_visible()
    expect(failed).to_have_count(0)


def screenshot(page, view: str) -> Path:
    """The whole view, one PNG: the viewport grows to the main area's height."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, int(height) + 40)})
    page.wait_for_timeout(500)  # let the charts re-layout to the new size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{view}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000
    return path


def metric(page, label: str):
    """The value of the metric labelled `label`, as a locator for `expect`."""
    box = page.locator("[data-testid=stMetric]", has_text=label).first
    return box.locator("[data-testid=stMetricValue]")


def test_matrix(page, server, publication):
    (a1,) = query(
        publication,
        "select count(*) from lead_scores where model_id = 'acquisition' and lead_grade = 'A1'",
    )[0]
    open_view(page, server, "matrix", tables=1, charts=1)
    expect(page.get_by_text("Lead matrix: A1...D4")).to_be_visible()
    expect(metric(page, "A1 leads")).to_have_text(f"{a1:,}")
    expect(page.locator("[data-testid=stTable]")).to_contain_text("level 1")
    screenshot(page, "matrix")


def test_call_today(page, server, publication):
    (as_of,) = query(publication, "select scored_as_of from _publication")[0]
    due = query(
        publication,
        "select contact_id, lead_grade from lead_scores where model_id = 'acquisition' "
        "and is_mql and sla_due_at <= ? order by sla_due_at, total_score desc, contact_id",
        [dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())],
    )
    assert due, "the publication should have leads due"
    open_view(page, server, "call-today", tables=1, charts=1)
    expect(page.get_by_text("Most urgent:")).to_contain_text(due[0][0])
    expect(metric(page, "Leads to call")).to_have_text(f"{len(due):,}")
    expect(metric(page, "A1 leads")).to_have_text(f"{sum(grade == 'A1' for _, grade in due):,}")
    expect(page.get_by_text("Top reasons behind these calls")).to_be_visible()
    screenshot(page, "call-today")

    # Today's A1 leads, as the README tells a new user to find them.
    a1 = [contact for contact, grade in due if grade == "A1"]
    assert a1, "the publication should have A1 leads due"
    open_view(page, server, "call-today&grades=A1", tables=1, charts=1)
    expect(page.get_by_text("Most urgent:")).to_contain_text(f"{a1[0]} (A1,")
    expect(metric(page, "Leads to call")).to_have_text(f"{len(a1):,}")
    screenshot(page, "call-today-a1")


def test_explain(page, server, publication):
    contact, grade, total, rate, entities = query(
        publication,
        "select contact_id, lead_grade, total_score, expected_conversion_rate, "
        "expected_conversion_entities from lead_scores "
        "where model_id = 'acquisition' order by total_score desc, contact_id limit 1",
    )[0]
    (rule,) = query(
        publication,
        "select rule_id from lead_score_breakdown where contact_id = ? "
        "order by abs(capped_points) desc, rule_id limit 1",
        [contact],
    )[0]
    open_view(page, server, "explain", tables=1, charts=2)
    expect(page.get_by_text(f"{contact}: {grade}, total score {total:.1f}")).to_be_visible()
    expect(page.get_by_text(f"{rate:.1%} (of {entities:,} backtest leads)")).to_be_visible()
    expect(page.locator("[data-testid=stTable]")).to_contain_text(rule)
    expect(page.get_by_text("History", exact=True)).to_be_visible()
    screenshot(page, "explain")


def test_tiers(page, server, publication):
    customers, at_risk = query(
        publication, "select count(*), count(case when is_at_risk then 1 end) from customer_health"
    )[0]
    open_view(page, server, "tiers", tables=2, charts=2)
    expect(page.locator("[data-testid=stTable]").first).to_contain_text("Strategic")
    expect(metric(page, "Customers")).to_have_text(f"{customers:,}")
    expect(metric(page, "Customers at risk")).to_have_text(f"{at_risk:,}")
    expect(page.get_by_text("Risk alerts")).to_be_visible()
    screenshot(page, "tiers")


def test_performance(page, server, publication):
    (auc,) = query(
        publication,
        "select roc_auc from model_performance_summary "
        "where model_id = 'acquisition' and rule_set = 'current'",
    )[0]
    open_view(page, server, "performance", tables=2, charts=3)
    expect(metric(page, "AUC, current")).to_have_text(f"{auc:.3f}")
    expect(page.get_by_text("Calibration", exact=True)).to_be_visible()
    expect(page.get_by_text("What-if: current rules against the candidate")).to_be_visible()
    screenshot(page, "performance")
