# Tandem: `make demo` runs the product, `make test` checks it. Needs only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export TANDEM_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo test lint typecheck layers migrations-check pytest install install-dev browser clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Tandem needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --disable-pip-version-check -q -r requirements/base.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(BIN)/pip install --disable-pip-version-check -q -r requirements/dev.txt
	touch $@

install: $(VENV)/.base
install-dev: $(VENV)/.dev

## demo: migrate the SQLite database under var/, load the demo organisation once, run
## the web server and the worker together (Ctrl-C stops both).
demo: export TANDEM_INSECURE_HTTP = true
demo: install
	$(BIN)/tandem migrate --noinput -v 0
	$(BIN)/tandem collectstatic --noinput -v 0
	$(BIN)/tandem seed --scale small --if-empty
	@$(BIN)/tandem demo_logins
	@echo "Open http://127.0.0.1:8000/ and log in with one of the e-mails above."
	$(BIN)/tandem serve --bind 127.0.0.1:8000

## test: lint, type checks, migration check and the whole suite (browser tests included).
test: install-dev lint typecheck layers migrations-check browser pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy tandem

## layers: no module imports an app above its own (the contract in pyproject.toml).
layers:
	$(BIN)/lint-imports

migrations-check:
	$(BIN)/tandem makemigrations --check --dry-run

browser:
	@bash scripts/ensure-chromium

pytest:
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
