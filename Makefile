# Tournée — the everyday commands. `make run` to try it, `make test` before a commit.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test test-dates bench clean

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

## run: demo data on first start (idempotent), then the API, the PWA and a dispatcher on PORT (8000);
## no mail relay unless SMTP_URL is set (the desk then hands invitation and password links over)
run: $(STAMP)
	$(BIN)/tournee demo
	SMTP_URL="$${SMTP_URL-}" $(BIN)/tournee serve

## test: the suite on SQLite, and on PostgreSQL too when TOURNEE_TEST_DATABASE_URL is set, on one
## pytest-xdist worker per core (at most 4); a module's tests stay on one worker (its live server,
## its browser page), and each worker has its own PostgreSQL database (tests/conftest.py)
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadscope

# The tests whose outcome could depend on the day they run, and the instants (Europe/Paris)
# they are run again at: a Tuesday, a Saturday, a Sunday evening, Christmas, 1 May, the day
# before and the day of a DST change, New Year's Eve two minutes to midnight, and half past
# midnight in Paris (still the day before in UTC: a test reading the machine's date there
# was a day behind the app's).
DATE_SENSITIVE := tests/tours tests/kpis tests/segmentation tests/test_demo.py
PINNED_DATES := 2026-12-01T10:00:00+01:00 2026-12-05T10:00:00+01:00 2026-12-06T21:30:00+01:00 \
	2026-12-25T09:00:00+01:00 2026-05-01T09:00:00+02:00 2027-03-27T12:00:00+01:00 \
	2027-03-28T12:00:00+02:00 2026-12-31T23:58:00+01:00 2026-12-02T00:30:00+01:00

## test-dates: the date-sensitive tests again on SQLite, the clock pinned at each of PINNED_DATES
test-dates: $(TEST_STAMP)
	@for now in $(PINNED_DATES); do \
		echo "== tests pinned at $$now"; \
		TOURNEE_TEST_NOW=$$now TOURNEE_TEST_DATABASE_URL= $(BIN)/python -m pytest -q -p no:cacheprovider $(DATE_SENSITIVE) || exit 1; \
	done

## bench: every tests/bench/bench_*.py, written to docs/benchmarks.md
bench: $(BENCH_STAMP)
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis test-results
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
