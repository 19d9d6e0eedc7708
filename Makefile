# PlanAlign self-healing workspace: `make demo` runs the main job, `make test` the test suite. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_WORKSPACE ?= workspaces/demo
YEAR ?= 2025
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_VERSION_CHECK := false

.PHONY: help venv matrix-venvs demo test matrix lint reliability bench wheel-check clean

help: ## List every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock packages.yml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,bench]'
	$(BIN)/dbt deps --profiles-dir . --quiet   # installs the local dbt_self_heal package (offline)
	touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv with everything needed to run and test

# One venv per other supported dbt-core minor, from pinned lock files (requirements/dbt-<minor>.lock, a pip freeze of
# a fresh venv). They hold dbt-core, dbt-duckdb, dbt-postgres and duckdb: tests/matrix runs their `dbt` (DuckDB
# chains and a PostgreSQL row per version) from .venv's Python.
# dbt-core 1.12 requires dbt-core-experimental-parser, which cannot install offline: requirements/parser_stub.py
# writes an empty stand-in wheel for it (README, "Offline use and versions").
MATRIX_MINORS := 1.8 1.9 1.10 1.12
MATRIX_STAMPS := $(foreach m,$(MATRIX_MINORS),.venv-dbt$(m)/.installed)

.venv-dbt%/.installed: requirements/dbt-%.lock requirements/parser_stub.py
	rm -rf .venv-dbt$*
	$(PYTHON) -m venv .venv-dbt$*
	$(PYTHON) requirements/parser_stub.py .venv-dbt$*/wheels >/dev/null
	.venv-dbt$*/bin/pip install --quiet --disable-pip-version-check --find-links .venv-dbt$*/wheels -r requirements/dbt-$*.lock
	touch $@

matrix-venvs: $(MATRIX_STAMPS) ## Create the dbt version matrix venvs (.venv-dbt1.8 ...) from requirements/*.lock

demo: $(STAMP) ## Main job: a brand-new workspace runs its first simulation year and heals itself on the way
	rm -rf $(DEMO_WORKSPACE)
	$(BIN)/selfheal simulate --workspace $(DEMO_WORKSPACE) --year $(YEAR)
	$(BIN)/selfheal status --workspace $(DEMO_WORKSPACE)
	$(BIN)/python scripts/year_summary.py $(DEMO_WORKSPACE)

test: $(STAMP) ## Lint, type-check, the whole test suite on dbt 1.11, then the version matrix (1.8-1.12) with its table
	$(BIN)/ruff check python_wrapper tests scripts bench
	$(BIN)/mypy
	$(MAKE) -j4 matrix-venvs
	$(BIN)/pytest -n 2
	$(BIN)/python -m tests.matrix.run

matrix: $(STAMP) ## The version matrix only: heal checks under dbt 1.8, 1.9, 1.10, 1.12 (and 1.11 as the baseline)
	$(MAKE) -j4 matrix-venvs
	$(BIN)/python -m tests.matrix.run

lint: $(STAMP) ## ruff + mypy only
	$(BIN)/ruff check python_wrapper tests scripts bench
	$(BIN)/mypy

reliability: $(STAMP) ## Fault-injection suites (kill, concurrency, corruption, disk, bad input) with a summary table
	$(BIN)/python -m tests.reliability.run

bench: $(STAMP) ## Benchmarks: writes bench/results.json and bench/results.png and prints the table
	$(BIN)/python bench/run.py

wheel-check: $(STAMP) ## Build the wheel, install it in a new venv (pinned) and run `selfheal simulate` from a project copy
	rm -rf dist build
	$(BIN)/pip wheel --quiet --no-deps -w dist .
	@set -euo pipefail; tmp=$$(mktemp -d -t selfheal-wheel-XXXXXX); trap 'rm -rf "$$tmp"' EXIT; \
	  $(PYTHON) -m venv "$$tmp/venv"; \
	  "$$tmp/venv/bin/pip" install --quiet -c requirements.lock dist/*.whl; \
	  mkdir -p "$$tmp/project/tests"; \
	  cp -R dbt_project.yml profiles.yml packages.yml package-lock.yml dbt_self_heal macros models seeds data \
	    "$$tmp/project/"; cp -R tests/dbt "$$tmp/project/tests/"; \
	  echo "wheel-check: $$(ls dist/*.whl) installed in $$tmp/venv; running selfheal from $$tmp/project"; \
	  cd "$$tmp/project" && env -u PLANALIGN_PROJECT_DIR -u PLANALIGN_DB_PATH \
	    "$$tmp/venv/bin/selfheal" simulate --workspace ws --plain && \
	  "$$tmp/venv/bin/selfheal" status --workspace ws && \
	  echo "wheel-check: OK (the installed wheel ran the project in its current directory)"

clean: ## Remove build output, demo workspaces and caches (never a database outside workspaces/)
	rm -rf target logs workspaces dbt_packages .pytest_cache .mypy_cache .ruff_cache
