# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= dev,server,render,video

.PHONY: run test lint venv clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall when the project definition changes.
$(VENV)/.installed-$(EXTRAS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(VENV)/.installed-$(EXTRAS)

run: EXTRAS = server,render
run: venv
	$(BIN)/ptplan kb validate
	$(BIN)/ptplan demo
	$(BIN)/ptplan serve

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

test: venv lint
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/db.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
