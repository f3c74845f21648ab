# fupin — the two commands: `make demo` and `make test`. Everything they need is set up here.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/fupin

.PHONY: setup demo test test-sqlite test-pg test-browser lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed frontend/node_modules/.installed
	tools/system-packages
	$(BIN)/fupin compilemessages --ignore=.venv --ignore=frontend -v 0
	$(BIN)/fupin collectstatic --noinput -v 0

demo: setup
	$(BIN)/fupin demo

test: setup lint
	tools/system-packages --browser
	$(BIN)/pytest -n 2 --dist loadfile

test-pg: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadfile -m "not browser"

lint: $(VENV)/.installed
	$(BIN)/ruff check fupin bench
	$(BIN)/ruff format --check fupin bench
	$(BIN)/lint-imports
	$(BIN)/mypy fupin

format: $(VENV)/.installed
	$(BIN)/ruff format fupin bench
	$(BIN)/ruff check --fix fupin bench

# Refresh the .po files after changing translatable strings; then translate the new entries.
messages: $(VENV)/.installed
	$(BIN)/fupin makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=frontend --ignore=staticfiles

clean:
	rm -rf $(VENV) frontend/node_modules staticfiles var
