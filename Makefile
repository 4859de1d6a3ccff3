# Invisible Foundations — every course task is one make target.
# Quick start: `make handouts` (build the HTML handouts) and `make test` (the whole suite).
# Each target is idempotent: a second run with nothing changed does (almost) nothing.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.DEFAULT_GOAL := help
.PHONY: help setup start lab handouts test test-fast lint exercises execute data measure-postgres bench canary constraints clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: $(STAMP) $(LAB_SETTINGS)  ## Create .venv and install the course with the pinned versions

# The course's JupyterLab settings (offline: no news, no update check), merged into the file
# JupyterLab reads for this environment (`infralab lab-settings` prints where).
$(LAB_SETTINGS): src/infralab/lab_settings/overrides.json $(STAMP)
	$(BIN)/infralab lab-settings
	@touch $@

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@# nbgrader is only here to generate exercises: keep its menus out of learners' JupyterLab
	@$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	@for part in formgrader validate_assignment assignment_list course_list; do \
	  $(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$part \
	    >/dev/null 2>&1; done
	@touch $(STAMP)

start: setup  ## Copy the exercise notebooks into my-work/ to work in (never overwrites your files)
	$(BIN)/infralab start

lab: setup  ## Open JupyterLab on the course folder at the start page (this computer only)
	$(BIN)/infralab lab $(LAB_OPTIONS)

handouts: setup  ## Build the HTML handouts into handouts/ (no network needed to open them)
	$(BIN)/infralab handouts

# pytest runs sealed: in a network namespace with loopback alone where the system allows it
# (Linux), with a printed note and the kernel guard alone elsewhere (see infralab/sealed.py).
test: setup  ## Run the whole suite: lint, unit tests, notebooks (nbval), build checks
	$(BIN)/ruff check src tests notebooks solutions benchmarks
	$(BIN)/python -m infralab.sealed -- $(BIN)/python -m pytest

test-fast: setup  ## The quick inner loop: lint and every test that starts no kernel and no browser
	$(BIN)/ruff check src tests notebooks solutions benchmarks
	$(BIN)/python -m infralab.sealed -- $(BIN)/python -m pytest -m "not kernel and not browser"

lint: setup  ## Lint the package, tests, benchmarks and notebooks
	$(BIN)/ruff check src tests notebooks solutions benchmarks

exercises: setup  ## Regenerate exercises/ from solutions/
	$(BIN)/infralab exercises

execute: setup  ## Re-execute lessons and solutions in place after an edit, then regenerate exercises/
	$(BIN)/infralab execute
	$(BIN)/infralab exercises

data: setup  ## Regenerate data/ and verify the checksums
	$(BIN)/infralab data
	$(BIN)/infralab data --check

# Runs sealed too: the throw-away server listens on a Unix socket in a temporary folder only.
measure-postgres: setup  ## Measure bytes per row in a throw-away PostgreSQL, into data/
	$(BIN)/python -m infralab.sealed -- $(BIN)/infralab measure-postgres

bench: setup  ## Time simulators vs plain loops (pytest-benchmark), notebooks, try-it redraws, the suite
	$(BIN)/python -m pytest benchmarks -n 0 --benchmark-json=$(VENV)/benchmarks.json
	$(BIN)/python -m benchmarks --json $(VENV)/benchmarks.json

canary: setup  ## Run the notebooks against the newest release of every dependency (throw-away venv)
	$(BIN)/python -m infralab.canary

constraints: setup  ## Re-pin constraints.txt to what .venv has (after an upgrade)
	@{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
	   | grep -v '^infralab' | LC_ALL=C sort -f; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt
	@echo "constraints.txt updated: now update environment.yml to match (make test checks it)"

clean:  ## Remove built handouts (your own work in notebooks is never touched)
	rm -rf handouts
