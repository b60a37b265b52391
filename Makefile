# Blok Hub — the two commands are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SWAGGER_UI := blokhub/web/static/vendor/swagger-ui
# The browser suite drives Debian's Chromium (browsers cannot be downloaded here; `playwright install` is never run).
CHROMIUM := /usr/bin/chromium
# Blok's published runner and built-in nodes (npm), the suite's judge of "it loads and runs".
RUNNER_DIR := tests/runner/node
RUNNER_STAMP := $(RUNNER_DIR)/node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install hooks runner run test lint format bench worker migrate seed clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

# pip's own progress (what it collects, downloads and installs) without the setuptools editable-install banner and
# the build backend's chatter; pipefail keeps a failing pip failing the target.
PIP_SHOWN := grep --line-buffered -E "^(Collecting|Downloading|Installing collected|Successfully|ERROR|error:)" || true

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "==> [1/4] creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> [2/4] upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@# The CPU build of PyTorch first: left to the resolver, sentence-transformers would pull a multi-GB CUDA build.
	@echo "==> [3/4] PyTorch, CPU build (~200 MB the first time)"
	@bash -o pipefail -c '$(BIN)/python -m pip install --progress-bar on "torch==2.13.0" 2>&1 | { $(PIP_SHOWN); }'
	@echo "==> [4/4] Blok Hub and its dependencies (editable)"
	@bash -o pipefail -c '$(BIN)/python -m pip install --progress-bar on -e ".[dev]" 2>&1 | { $(PIP_SHOWN); }'
	@touch $(STAMP)
	@echo "==> installed; \`make run\` serves on http://127.0.0.1:8000 (another port: BLOKHUB_PORT=8001 make run)"

# The API docs at /schema load Swagger UI from the pinned npm package (package-lock.json), never from a CDN.
$(SWAGGER_UI)/.installed: package.json package-lock.json
	SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(SWAGGER_UI)
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js \
		node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE $(SWAGGER_UI)/
	@touch $@

$(CHROMIUM):
	command -v chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

install: $(STAMP) $(SWAGGER_UI)/.installed ## Create .venv and install Blok Hub with its dev tools

$(RUNNER_STAMP): $(RUNNER_DIR)/package.json $(RUNNER_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	cd $(RUNNER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(RUNNER_STAMP)

runner: $(RUNNER_STAMP) ## Install Blok's runner from npm for the test suite (npm ci, pinned)

run: install ## Serve on http://127.0.0.1:8000 with embedded engines and demo data
	$(BIN)/blokhub serve

test: install $(CHROMIUM) runner ## Run the whole test suite (real PostgreSQL and Redis, embedded) with a coverage summary
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
	rm -rf $(VENV) node_modules $(SWAGGER_UI) $(RUNNER_DIR)/node_modules .blokhub .pytest_cache .ruff_cache .mypy_cache .coverage
