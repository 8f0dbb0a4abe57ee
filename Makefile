# The two commands of the README's quick start: `make run` and `make test`.
# Each creates .venv and installs the project first (again only when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench

$(INSTALLED): pyproject.toml
	@echo "==> Creating $(VENV) and installing Countersign (first run takes a minute)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --progress-bar off pip
	$(BIN)/python -m pip install --progress-bar off -e '.[dev]'
	@touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python -m countersign.run

test: $(INSTALLED) lint
	scripts/ensure-chromium
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED)
	$(BIN)/python -m bench.approvals
