# Prozess-Werkbench — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
REPO ?= processes

.PHONY: setup system-packages run test bench lab lint clean

setup: system-packages $(STAMP)

$(STAMP): pyproject.toml
	@echo "Richte die Python-Umgebung in $(VENV) ein …"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

system-packages:
	@command -v dot >/dev/null 2>&1 || { \
	  echo "Graphviz (dot) fehlt – installiere das Debian-Paket graphviz …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz >/dev/null; }

run: setup
	@$(BIN)/workbench validate --repository $(REPO)
	@$(BIN)/workbench katalog --repository $(REPO)

test: setup
	@$(BIN)/pytest -q

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: setup
	@$(BIN)/ruff check .

clean:
	rm -rf $(VENV) reports/*.html reports/*.pdf .pytest_cache .ruff_cache
