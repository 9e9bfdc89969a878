# Scorehouse. The two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make setup` installs the core (requirements.lock: the DuckDB demo and production runs);
# `make setup-dev` adds the extras that lint, the tests and the BI tools need
# (requirements-dev.lock). Each stamp names the lock it installed.
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

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

.PHONY: help setup setup-dev demo test lint lint-sql lint-py dbt-test pytest reference test-postgres test-spark lock clean
.PHONY: dashboard docs docs-serve screenshots superset

help:
	@echo "make demo   set up, generate demo data, load it, dbt build, print a summary"
	@echo "make test   lint (ruff, mypy, sqlfluff), dbt build with every test on a small dataset,"
	@echo "            then pytest beside the same build on PostgreSQL and Spark, compared with DuckDB's"
	@echo "make test-postgres / make test-spark   one engine's build (after make dbt-test)"
	@echo "make reference   the Python reference of acquisition scoring against the marts"
	@echo "make lock   re-resolve pyproject.toml into requirements.lock and requirements-dev.lock"
	@echo "make dashboard   the Streamlit dashboard on http://127.0.0.1:$(DASHBOARD_PORT) (after make demo)"
	@echo "make docs   dbt docs generate (target/index.html); make docs-serve serves it on port $(DOCS_PORT)"
	@echo "make screenshots   one screenshot per dashboard view of the demo, in docs/screenshots/"
	@echo "make superset   Apache Superset on the demo's publication (docs/superset.md)"

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	rm -f $(VENV)/.installed-dev-*
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

# DuckDB 1.x readers must open the publication (docs/publication.md): pytest reads it with
# the DuckDB of requirements-duckdb1.lock, in a venv of its own (tests_py/test_publication_readers.py).
DUCKDB1_VENV := $(VENV)-duckdb1
DUCKDB1_STAMP := $(DUCKDB1_VENV)/.installed-$(shell cksum < requirements-duckdb1.lock | cut -d' ' -f1)
export SCOREHOUSE_DUCKDB1_PYTHON := $(CURDIR)/$(DUCKDB1_VENV)/bin/python
$(DUCKDB1_STAMP): requirements-duckdb1.lock
	rm -rf $(DUCKDB1_VENV)
	$(PYTHON) -m venv $(DUCKDB1_VENV)
	$(DUCKDB1_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-duckdb1.lock
	touch $@

# Apache Superset reads the publication (docs/superset.md): pytest runs it from a venv of
# its own (requirements-superset.lock, tests_py/test_superset.py); `make superset` too.
SUPERSET_VENV := $(VENV)-superset
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed-$(shell cksum < requirements-superset.lock | cut -d' ' -f1)
export SCOREHOUSE_SUPERSET_BIN := $(CURDIR)/$(SUPERSET_VENV)/bin
$(SUPERSET_STAMP): requirements-superset.lock
	rm -rf $(SUPERSET_VENV)
	$(PYTHON) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-superset.lock
	touch $@

demo: setup
	$(BIN)/scorehouse demo --scale $(SCALE)

# Lint (one core: sqlfluff) beside the dbt build of dbt-test and the installs of the BI
# readers' venvs (mostly download), then pytest beside the PostgreSQL and Spark builds
# (they only read dbt-test's warehouse, as the BI tests do, so nothing waits for pytest's
# slowest file to start them); each step's output shown whole when it ends.
test: setup-dev
	$(MAKE) --no-print-directory -j3 --output-sync=target lint dbt-test $(DUCKDB1_STAMP) $(SUPERSET_STAMP)
	$(MAKE) --no-print-directory -j3 --output-sync=target pytest test-postgres test-spark

# The pre-commit hooks (.pre-commit-config.yaml) on every file: ruff, sqlfluff, dbt parse.
lint: setup-dev
	mkdir -p $(TEST_DIR)
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

lint-py: setup-dev
	$(BIN)/pre-commit run ruff-check --all-files
	$(BIN)/pre-commit run ruff-format --all-files
	$(BIN)/pre-commit run mypy --all-files

lint-sql: setup-dev
	mkdir -p $(TEST_DIR)
	$(BIN)/pre-commit run sqlfluff-lint --all-files

dbt-test: setup-dev
	rm -rf $(TEST_DIR)/raw $(TEST_DIR)/truth $(TEST_DB)
	$(BIN)/scorehouse generate --out $(TEST_DIR) --scale $(TEST_SCALE)
	$(BIN)/python -m scorehouse.devtools.generate.dirty_values $(TEST_DIR)/raw
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse load --input-dir $(TEST_DIR)/raw
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/dbt source freshness
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse build --as-of 2026-11-01
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse check --docs-dir $(TEST_DIR)/quality
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse summary
	# Every model with an outcome calibrated; --dry-run: the report only, seeds untouched.
	SCOREHOUSE_DB=$(TEST_DB) $(BIN)/scorehouse calibrate --model all --dry-run --report $(TEST_DIR)/calibration.md

# Two workers (pytest-xdist), one test file each at a time: a file's tests share its
# module fixtures (a built warehouse), so a file never runs on two workers at once.
PYTEST_WORKERS ?= 2
pytest: setup-dev $(DUCKDB1_STAMP) $(SUPERSET_STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25

# Also part of `make test` (pytest runs tests_py/test_reference.py).
reference: setup-dev
	$(BIN)/pytest -k reference

# The same build on the other engines, from the raw tables of $(TEST_DB) (make dbt-test),
# with the marts compared with DuckDB's. PostgreSQL: a throw-away cluster in
# $(TEST_DIR)/pg. Spark: a standalone cluster on 127.0.0.1 (master, two workers, Thrift
# server), in $(TEST_DIR)/spark-cluster, stopped at the end.
test-postgres: setup-dev
	TEST_DB=$(TEST_DB) .ci/test-postgres

test-spark: setup-dev
	TEST_DB=$(TEST_DB) .ci/test-spark

# Re-resolve pyproject.toml's dependencies: every extra into requirements-dev.lock, then the
# core alone, held to the same versions, into requirements.lock.
LOCK_VENV := /tmp/scorehouse-lock-venv
EXTRAS := postgres,spark,bi,orchestration,dev
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet "setuptools>=68" wheel
	$(LOCK_VENV)/bin/pip install --quiet --no-build-isolation -e '.[$(EXTRAS)]'
	$(LOCK_VENV)/bin/pip freeze --all --exclude-editable | grep -v "^pip==" > requirements-dev.lock
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet -c requirements-dev.lock "setuptools>=68" wheel
	$(LOCK_VENV)/bin/pip install --quiet -c requirements-dev.lock --no-build-isolation -e .
	$(LOCK_VENV)/bin/pip freeze --all --exclude-editable | grep -v "^pip==" > requirements.lock
	rm -rf $(LOCK_VENV)

# For BI users. The dashboard reads the published marts read-only
# (data/published/scorehouse.duckdb, or SCOREHOUSE_PUBLISHED_DB), written by `make demo`
# or `scorehouse run`.
dashboard: setup-dev
	@echo "Scorehouse dashboard on http://127.0.0.1:$(DASHBOARD_PORT) (Ctrl-C stops it)"
	$(BIN)/streamlit run dashboard/app.py --server.headless=true --server.address=127.0.0.1 \
		--server.port=$(DASHBOARD_PORT) --browser.gatherUsageStats=false --client.toolbarMode=viewer

# Superset on the demo's publication, on http://127.0.0.1:8088 (docs/superset.md); needs
# SCOREHOUSE_SUPERSET_PASSWORD, the admin's password.
superset: $(SUPERSET_STAMP)
	bi/superset/run.sh

# The docs site of the demo build (data/scorehouse.duckdb, or SCOREHOUSE_DB): target/index.html
# to serve, and target/static_index.html, one file that opens without a server.
docs: setup
	$(BIN)/dbt docs generate --static

docs-serve: docs
	@echo "Scorehouse docs on http://127.0.0.1:$(DOCS_PORT) (Ctrl-C stops it)"
	$(BIN)/dbt docs serve --port $(DOCS_PORT) --host 127.0.0.1 --no-browser

# The browser test (tests_py/test_dashboard_browser.py) against the demo's publication,
# keeping its screenshots in docs/screenshots/. Needs Chromium (apt-get install chromium).
screenshots: setup-dev
	SCOREHOUSE_BROWSER_PUBLISHED_DB=$(CURDIR)/data/published/scorehouse.duckdb \
		SCOREHOUSE_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots \
		$(BIN)/pytest -q -p no:cacheprovider tests_py/test_dashboard_browser.py

clean:
	rm -rf target logs data/test data/scorehouse.duckdb

# Benchmark (bench/README.md): BENCH_SCALES=1,10 for 1M and 10M events; results in bench/results/
.PHONY: bench
BENCH_SCALES ?= 1
bench: setup-dev
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES)
