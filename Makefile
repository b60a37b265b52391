# Blok Hub — the two commands are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Blok's published runner and built-in nodes (npm), the suite's judge of "it loads and runs".
RUNNER_DIR := tests/runner/node
RUNNER_STAMP := $(RUNNER_DIR)/node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install hooks runner run test lint format bench worker migrate seed clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# The CPU build of PyTorch first: left to the resolver, sentence-transformers would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install Blok Hub with its dev tools

$(RUNNER_STAMP): $(RUNNER_DIR)/package.json $(RUNNER_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	cd $(RUNNER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(RUNNER_STAMP)

runner: $(RUNNER_STAMP) ## Install Blok's runner from npm for the test suite (npm ci, pinned)

run: install ## Serve on http://127.0.0.1:8000 with embedded engines and demo data
	$(BIN)/blokhub serve

test: install runner ## Run the whole test suite (real PostgreSQL and Redis, embedded) with a coverage summary
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

hooks: install ## Install the git pre-commit hooks (ruff, ruff format, mypy from .venv)
	$(BIN)/pre-commit install

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## Run every benchmark script (prints figures; slow)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

worker: install ## Run a standalone worker (needs DATABASE_URL and REDIS_URL)
	$(BIN)/blokhub worker

migrate: install ## Apply database migrations
	$(BIN)/blokhub migrate

seed: install ## Load the demo corpus (see `blokhub seed --help`)
	$(BIN)/blokhub seed

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) $(RUNNER_DIR)/node_modules .blokhub .pytest_cache .ruff_cache .mypy_cache .coverage
