# Invisible Foundations — every course task is one make target.
# Quick start: `make handouts` (build the HTML handouts) and `make test` (the whole suite).
# Each target is idempotent: a second run with nothing changed does (almost) nothing.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The oldest Python the course runs on: pyproject.toml's requires-python (a test keeps them equal).
PYTHON_MIN := 3.11
# What learners need (the runtime), and what maintainers add (tests, exercise generation, lint).
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.DEFAULT_GOAL := help
.PHONY: help setup setup-dev start lab handouts handouts-instructor test test-fast lint exercises execute data measure-postgres measure-scaling bench canary constraints clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-19s %s\n", $$1, $$2}'

setup: $(STAMP) $(LAB_SETTINGS)  ## Create .venv with what learners need (pinned versions)

setup-dev: $(DEV_STAMP) $(LAB_SETTINGS)  ## Add the maintainers' tools: tests, exercise generation, lint

# The course's JupyterLab settings (offline: no news, no update check), merged into the file
# JupyterLab reads for this environment (`infralab lab-settings` prints where).
$(LAB_SETTINGS): src/infralab/lab_settings/overrides.json $(STAMP)
	$(BIN)/infralab lab-settings
	@touch $@

# A .venv made by a Python older than PYTHON_MIN is made again; a too-old PYTHON stops here
# with what to install and how to point make at it.
define python_ok
"$(1)" -c 'import sys; sys.exit(sys.version_info < tuple(map(int, "$(PYTHON_MIN)".split("."))))' \
  >/dev/null 2>&1
endef

$(STAMP): pyproject.toml constraints.txt
	@if [ -x $(BIN)/python ] && ! $(call python_ok,$(BIN)/python); then \
	  echo "$(VENV) was made by $$($(BIN)/python --version 2>&1), older than $(PYTHON_MIN): making it again"; \
	  rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ]; then \
	  if ! $(call python_ok,$(PYTHON)); then \
	    echo "The course needs Python $(PYTHON_MIN) or newer; '$(PYTHON)' is" \
	      "$$($(PYTHON) --version 2>/dev/null || echo 'not installed')."; \
	    echo "Install Python $(PYTHON_MIN) or newer (python.org, your package manager or conda)," \
	      "then point make at it, e.g.: make setup PYTHON=python3.12"; \
	    exit 1; fi; \
	  $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@# nbgrader is only here to generate exercises: keep its menus out of learners' JupyterLab
	@$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	@for part in formgrader validate_assignment assignment_list course_list; do \
	  $(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$part \
	    >/dev/null 2>&1; done
	@touch $(DEV_STAMP)

start: setup  ## Copy the exercise notebooks into my-work/ to work in (never overwrites your files)
	$(BIN)/infralab start

lab: setup  ## Open JupyterLab on the course folder at the start page (this computer only)
	$(BIN)/infralab lab $(LAB_OPTIONS)

handouts: setup  ## Build the learners' HTML handouts into handouts/ (no network needed to open them)
	$(BIN)/infralab handouts

handouts-instructor: setup  ## Build the instructor edition (solutions, notes, kit) into handouts-instructor/
	$(BIN)/infralab handouts --instructor

# pytest runs sealed: in a network namespace with loopback alone where the system allows it
# (Linux), with a printed note and the kernel guard alone elsewhere (see infralab/sealed.py).
test: setup-dev  ## Run the whole suite: lint, unit tests, notebooks (nbval), build checks
	$(BIN)/ruff check src tests notebooks solutions benchmarks
	$(BIN)/python -m infralab.sealed -- $(BIN)/python -m pytest

test-fast: setup-dev  ## The quick inner loop: lint and every test that starts no kernel and no browser
	$(BIN)/ruff check src tests notebooks solutions benchmarks
	$(BIN)/python -m infralab.sealed -- $(BIN)/python -m pytest -m "not kernel and not browser"

lint: setup-dev  ## Lint the package, tests, benchmarks and notebooks
	$(BIN)/ruff check src tests notebooks solutions benchmarks

exercises: setup-dev  ## Regenerate exercises/ from solutions/
	$(BIN)/infralab exercises

execute: setup-dev  ## Re-execute lessons and solutions in place after an edit, then regenerate exercises/
	$(BIN)/infralab execute
	$(BIN)/infralab exercises

data: setup-dev  ## Regenerate data/ and verify the checksums
	$(BIN)/infralab data
	$(BIN)/infralab data --check

# Runs sealed too: the throw-away server listens on a Unix socket in a temporary folder only.
measure-postgres: setup-dev  ## Measure bytes per row in a throw-away PostgreSQL, into data/
	$(BIN)/python -m infralab.sealed -- $(BIN)/infralab measure-postgres
	$(BIN)/infralab data

# The same throw-away server, loaded by pgbench at 1 to 64 clients (about three minutes).
measure-scaling: setup-dev  ## Measure PostgreSQL throughput against clients with pgbench, into data/
	$(BIN)/python -m infralab.sealed -- $(BIN)/infralab measure-scaling
	$(BIN)/infralab data

bench: setup-dev  ## Time simulators vs plain loops (pytest-benchmark), notebooks, try-it redraws, the suite
	$(BIN)/python -m pytest benchmarks -n 0 --benchmark-json=$(VENV)/benchmarks.json
	$(BIN)/python -m benchmarks --json $(VENV)/benchmarks.json

canary: setup-dev  ## Run the notebooks against the newest release of every dependency (throw-away venv)
	$(BIN)/python -m infralab.canary

constraints: setup-dev  ## Re-pin constraints.txt to what .venv has (after an upgrade)
	@{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
	   | grep -v '^infralab' | LC_ALL=C sort -f; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt
	@echo "constraints.txt updated: now update environment.yml to match (make test checks it)"

clean:  ## Remove built handouts (your own work in notebooks is never touched)
	rm -rf handouts handouts-instructor
