# Prozess-Werkbench — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
REPO ?= processes
LAB_ARGS ?=
NOTEBOOKS ?= notebooks

.PHONY: setup system-packages test-packages run test bench bench-national lab lint js clean voila-template bytecode

setup: system-packages $(STAMP) voila-template bytecode

# An editable install leaves src/ uncompiled: with PYTHONDONTWRITEBYTECODE set (or a read-only
# checkout) every process of a report batch (CLI, fork server, each kernel) would compile the
# workbench modules anew, about 0.1 CPU-s each. compileall rewrites only what changed.
bytecode:
	@$(BIN)/python -m compileall -q src >/dev/null

# The Voilà page template without CDN requests (voila.json selects it); an editable install does
# not copy data files, so it is copied here (conda: make voila-template VENV=$$CONDA_PREFIX).
VOILA_TEMPLATE := share/jupyter/voila/templates/werkbench
voila-template: $(VENV)/$(VOILA_TEMPLATE)/index.html.j2

$(VENV)/$(VOILA_TEMPLATE)/index.html.j2: $(VOILA_TEMPLATE)/index.html.j2 $(VOILA_TEMPLATE)/conf.json
	@mkdir -p $(@D) && cp $(VOILA_TEMPLATE)/conf.json $(VOILA_TEMPLATE)/index.html.j2 $(@D)/

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

# Only the tests need a browser (Voilà workshop page, bpmn-js interoperability, PDF reports)
test-packages: system-packages
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Chromium fehlt – installiere die Debian-Pakete chromium und fonts-dejavu-core …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Node.js/npm fehlt – installiere die Debian-Pakete nodejs und npm …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "pdftoppm fehlt (Sichtprüfung der PDF-Seiten) – installiere das Debian-Paket poppler-utils …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; }
	@test -d tests/interop/node_modules || { \
	  echo "Installiere bpmn-js für den Interoperabilitätstest (npm ci) …"; \
	  npm ci --prefix tests/interop --no-audit --no-fund --silent; }
	@test -d js/node_modules || { \
	  echo "Installiere die Quellen des Modellierer-Bundles (npm ci in js/) …"; \
	  npm ci --prefix js --no-audit --no-fund --silent; }
	@test -d js/portal/node_modules || { \
	  echo "Installiere die Suche des Wissensportals (npm ci in js/portal/) …"; \
	  npm ci --prefix js/portal --no-audit --no-fund --silent; }

run: setup
	@$(BIN)/workbench validate --repository $(REPO) --nur-fehler
	@$(BIN)/workbench report --alle --repository $(REPO) --out reports
	@$(BIN)/workbench portal --repository $(REPO) --out reports/portal

test: setup test-packages
	@$(BIN)/pytest -q

# All benchmarks, then one markdown table of every result in docs/benchmarks.md (about an hour on
# two busy cores); the table also shows the rows of the last `make bench-national`
bench: setup
	@$(BIN)/python benchmarks/run_all.py --out docs/benchmarks.md

# The national report cases (500 and 4,935 administrations, cold run and one-edit rerun; about an
# hour): rows with date and commit into benchmarks/national.json, then the table again
bench-national: setup
	@$(BIN)/python benchmarks/run_all.py --national --out docs/benchmarks.md

lab: setup
	@echo "JupyterLab auf dem Beispiel, geöffnet im Modellierer – die Adresse mit Token steht unten (Strg+C beendet)"
	@WERKBENCH_REPOSITORY=$(abspath $(REPO)) $(BIN)/jupyter lab --ip=127.0.0.1 --no-browser \
	  --notebook-dir=$(abspath $(NOTEBOOKS)) --LabApp.default_url=/lab/tree/00_modellierer.ipynb \
	  $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

# The modeler's JavaScript bundle (committed in src/workbench/widgets/static) from js/ and its lockfile,
# and the portal's search (src/workbench/portal/static) from js/portal/ and its lockfile
js: test-packages
	@npm ci --prefix js --no-audit --no-fund --silent
	@node js/build.mjs
	@npm ci --prefix js/portal --no-audit --no-fund --silent
	@node js/portal/build.mjs

lint: setup
	@$(BIN)/ruff check .

clean:
	rm -rf $(VENV) reports/*.html reports/*.pdf .pytest_cache .ruff_cache
