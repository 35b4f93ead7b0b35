# Two commands do all the set-up: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install lint format bench clean lock audit

# requirements.lock pins every package to the version tested (make lock).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@bin/run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Daily work: everything but the Playwright tests (marked `browser`); `make test` runs all.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@for b in $(filter-out bench/harness.py,$(wildcard bench/*.py)); do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# After changing pyproject.toml: install the newest allowed versions, test,
# then pin them. pip-audit reads the same file (make audit, .ci/run).
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	echo "# Exact versions installed by 'make install'; regenerate with 'make lock'." > requirements.lock
	$(BIN)/python -m pip freeze --exclude-editable >> requirements.lock
	touch $(STAMP)

audit: $(STAMP)
	$(BIN)/python bin/audit-deps

clean:
	rm -rf var/db.sqlite3 var/celery var/test*.sqlite3
