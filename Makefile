# Two commands for a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint golden expected bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/newsletter build
	@echo "Open output/index.html, or run: make serve"

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check newsletter tests bench
	$(BIN)/mypy newsletter tests

serve: $(STAMP)
	$(BIN)/newsletter serve

golden: $(STAMP)
	$(BIN)/python -m tests.golden --regenerate

expected: $(STAMP)
	$(BIN)/python -m tests.test_invalid_content --regenerate

bench: $(STAMP)
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) output .output.previous .newsletter-cache .pytest_cache .hypothesis .mypy_cache .ruff_cache
