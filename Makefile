# Plain entry points. Everything installs from requirements.lock (pinned, hashed) into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export CRFGEN_DATA_DIR ?= $(CURDIR)/.data
export GX_ANALYTICS_ENABLED := False
export DAGSTER_DISABLE_TELEMETRY := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test lint ui api openapi example lock db-check image clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

## Run the protocol job through Dagster on the bundled example (SQLite instance, bundled CT).
demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m crfgen_dagster.local_run

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $@

## Lint, layering, types, then the whole test suite.
test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy crfgen_core crfgen_dagster crfgen_api

## The Dagster UI on http://$(UI_HOST):$(UI_PORT) (webserver + daemon, so the inbox sensor and schedules run).
## Started from DAGSTER_HOME with the workspace file: dg dev otherwise runs in the project root, where it
## warns that the root dagster.yaml (the template copied into DAGSTER_HOME) is not the one in use, and
## that no virtual environment is activated. Service logs at WARNING: the sensor daemon logs two INFO
## lines per idle tick; every tick and run is in the UI.
## UI_HOST other than loopback is refused unless CRFGEN_UI_BEHIND_AUTH_PROXY=1 (deploy/ui_bind.sh).
UI_PORT ?= 3000
UI_HOST ?= 127.0.0.1
ui: install $(DAGSTER_HOME)/dagster.yaml
	@sh deploy/ui_bind.sh "$(UI_HOST)"
	@echo "Dagster UI on http://$(UI_HOST):$(UI_PORT) (DAGSTER_HOME=$(DAGSTER_HOME), data in $(CRFGEN_DATA_DIR)); Ctrl-C stops it"
	cd $(DAGSTER_HOME) && $(abspath $(BIN))/dg dev -w $(CURDIR)/workspace.yaml \
	  --host $(UI_HOST) --port $(UI_PORT) --log-level warning

## The HTTP API on http://127.0.0.1:$(API_PORT) (docs/api.md); tokens: crf-gen api-token create.
API_PORT ?= 8080
api: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/crf-gen-api --port $(API_PORT)

## Rewrite docs/api/openapi.json from the app (tests/api/test_openapi.py fails while it is stale).
openapi: install
	$(BIN)/python -m crfgen_api.openapi_schema

## Regenerate the bundled example protocol (DOCX and PDF) from crfgen_core/examples/example_study.py.
example: install
	$(BIN)/python -m crfgen_core.examples.build_example

## Re-resolve the lock files after changing pyproject.toml dependencies (the image uses the runtime one,
## constrained to the same versions as the development lock).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
	  --no-strip-extras -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-strip-extras \
	  -c requirements.lock -o requirements-runtime.lock

## Deployment checks: storage, schema migrated, data directory writable, CT current.
db-check: install
	$(BIN)/crf-gen db-check

## The production image (needs a Docker engine).
image:
	docker build -f deploy/Dockerfile -t protocol-to-crf-generator:dev .

clean:
	rm -rf $(VENV) .dagster_home .data .pytest_cache .mypy_cache .ruff_cache
