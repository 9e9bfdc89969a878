# Scorehouse. The two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
# Demo and test data are generated, so stale sources only warn (see dbt_project.yml).
export SCOREHOUSE_ENV := demo

# The test build uses its own small dataset and warehouse file, never the demo's.
TEST_DIR := data/test
TEST_DB := $(TEST_DIR)/scorehouse.duckdb
TEST_SCALE ?= 0.1
SCALE ?= 1
DASHBOARD_PORT ?= 8501
DOCS_PORT ?= 8080

.PHONY: help setup demo test lint lint-sql lint-py dbt-test pytest reference test-postgres test-spark lock clean
.PHONY: dashboard docs docs-serve screenshots

help:
	@echo "make demo   set up, generate demo data, load it, dbt build, print a summary"
	@echo "make test   lint (sqlfluff, ruff), dbt build with every test on a small dataset, pytest,"
	@echo "            then the same build on PostgreSQL and on Spark, compared with DuckDB's"
	@echo "make test-postgres / make test-spark   one engine's build (after make dbt-test)"
	@echo "make reference   the Python reference of acquisition scoring against the marts"
	@echo "make lock   re-resolve requirements.in into requirements.lock"
	@echo "make dashboard   the Streamlit dashboard on http://127.0.0.1:$(DASHBOARD_PORT) (after make demo)"
	@echo "make docs   dbt docs generate (target/index.html); make docs-serve serves it on port $(DOCS_PORT)"
	@echo "make screenshots   one screenshot per dashboard view of the demo, in docs/screenshots/"

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

setup: $(STAMP)

demo: setup
	$(BIN)/scorehouse demo --scale $(SCALE)

test: setup lint dbt-test pytest test-postgres test-spark

# The pre-commit hooks (.pre-commit-config.yaml) on every file: ruff, sqlfluff, dbt parse.
lint: setup
	mkdir -p $(TEST_DIR)
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

lint-py: setup
	$(BIN)/pre-commit run ruff-check --all-files
	$(BIN)/pre-commit run ruff-format --all-files

lint-sql: setup
	mkdir -p $(TEST_DIR)
	$(BIN)/pre-commit run sqlfluff-lint --all-files

dbt-test: setup
	rm -rf $(TEST_DIR)/raw $(TEST_DIR)/truth $(TEST_DB)
	$(BIN)/scorehouse generate --out $(TEST_DIR) --scale $(TEST_SCALE)
	$(BIN)/python -m scorehouse.generate.dirty_values $(TEST_DIR)/raw
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse load --input-dir $(TEST_DIR)/raw
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/dbt source freshness
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse build --as-of 2026-11-01
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse check --docs-dir $(TEST_DIR)/quality
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse summary
	# Every model with an outcome calibrated; --dry-run: the report only, seeds untouched.
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse calibrate --model all --dry-run --report $(TEST_DIR)/calibration.md

pytest: setup
	$(BIN)/pytest

# Also part of `make test` (pytest runs tests_py/test_reference.py).
reference: setup
	$(BIN)/pytest -k reference

# The same build on the other engines, from the raw tables of $(TEST_DB) (make dbt-test),
# with the marts compared with DuckDB's. PostgreSQL: a throw-away cluster in
# $(TEST_DIR)/pg. Spark: a local session, metastore in $(TEST_DIR)/spark.
test-postgres: setup
	TEST_DB=$(TEST_DB) .ci/test-postgres

test-spark: setup
	TEST_DB=$(TEST_DB) .ci/test-spark

lock:
	$(PYTHON) -m venv /tmp/scorehouse-lock-venv
	/tmp/scorehouse-lock-venv/bin/pip install --quiet -r requirements.in
	/tmp/scorehouse-lock-venv/bin/pip freeze --all --exclude-editable | grep -v "^pip==" > requirements.lock
	rm -rf /tmp/scorehouse-lock-venv

# For BI users. The dashboard reads the published marts read-only
# (data/published/scorehouse.duckdb, or SCOREHOUSE_PUBLISHED_DB), written by `make demo`
# or `scorehouse run`.
dashboard: setup
	@echo "Scorehouse dashboard on http://127.0.0.1:$(DASHBOARD_PORT) (Ctrl-C stops it)"
	$(BIN)/streamlit run dashboard/app.py --server.headless=true --server.address=127.0.0.1 \
		--server.port=$(DASHBOARD_PORT) --browser.gatherUsageStats=false --client.toolbarMode=viewer

# The docs site of the demo build (data/scorehouse.duckdb, or SCOREHOUSE_DB): target/index.html
# to serve, and target/static_index.html, one file that opens without a server.
docs: setup
	$(BIN)/dbt docs generate --static

docs-serve: docs
	@echo "Scorehouse docs on http://127.0.0.1:$(DOCS_PORT) (Ctrl-C stops it)"
	$(BIN)/dbt docs serve --port $(DOCS_PORT) --host 127.0.0.1 --no-browser

# The browser test (tests_py/test_dashboard_browser.py) against the demo's publication,
# keeping its screenshots in docs/screenshots/. Needs Chromium (apt-get install chromium).
screenshots: setup
	SCOREHOUSE_BROWSER_PUBLISHED_DB=$(CURDIR)/data/published/scorehouse.duckdb \
		SCOREHOUSE_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots \
		$(BIN)/pytest -q -p no:cacheprovider tests_py/test_dashboard_browser.py

clean:
	rm -rf target logs data/test data/scorehouse.duckdb

# Benchmark (bench/README.md): BENCH_SCALES=1,10 for 1M and 10M events; results in bench/results/
.PHONY: bench
BENCH_SCALES ?= 1
bench: setup
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES)
