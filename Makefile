# Tournée — the everyday commands. `make run` to try it, `make test` before a commit.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test bench clean

# The venv and the project, reinstalled only when pyproject.toml changed.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

## run: demo data on first start (idempotent), then the API, the PWA and a dispatcher on PORT (8000)
run: $(STAMP)
	$(BIN)/tournee demo
	$(BIN)/tournee serve

## test: the suite on SQLite, and on PostgreSQL too when TOURNEE_TEST_DATABASE_URL is set
test: $(TEST_STAMP)
	$(BIN)/python -m pytest

## bench: every tests/bench/bench_*.py, written to docs/benchmarks.md
bench: $(BENCH_STAMP)
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis test-results
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
