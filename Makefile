# micromarketing-course: every task a student, instructor or author needs.
# `make lab` and `make test` each set everything up first, so either works on a fresh clone.

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
NBVAL  := --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
JOBS   ?= 2
# Fixed hash seed and no per-user IPython/Jupyter state, so outputs are the same everywhere.
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help setup lab test quick unit notebooks exercises-run e2e execute exercises data bench html slides clean

help: ## list the commands
	@echo "micromarketing-course: make COMMAND"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

setup: ## create/refresh .venv when missing or requirements changed
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found: install Python 3.11-3.13 (https://www.python.org/downloads/) and re-run"; exit 1; }
	@$(PYTHON) tools/setup_venv.py

lab: setup ## set up, then open the course in JupyterLab (start-here notebook)
	$(VPY) -m course_lib lab

test: setup ## set up, then run the whole suite: unit tests, doctests, nbval on every notebook, browser tests
	$(VPY) -m pytest -n $(JOBS) --dist loadscope tests course_lib notebooks solutions --doctest-modules --nbval $(NBVAL)
	@if ls exercises/*.ipynb >/dev/null 2>&1; then \
	  $(VPY) -m pytest -n $(JOBS) --dist loadscope exercises --nbval-lax $(NBVAL); fi

quick: setup ## the quick loop while editing: unit tests and doctests not marked slow (no notebooks, no browser)
	$(VPY) -m pytest -n $(JOBS) -m "not slow" tests course_lib --doctest-modules --ignore=tests/e2e

unit: setup ## only the unit tests in tests/ (without the browser tests)
	$(VPY) -m pytest -n $(JOBS) tests --ignore=tests/e2e

e2e: setup ## only the browser tests (JupyterLab in headless Chromium; needs Debian's chromium)
	$(VPY) -m pytest -p no:xdist tests/e2e

notebooks: setup ## only nbval on notebooks/ and solutions/
	$(VPY) -m pytest -n $(JOBS) --dist loadscope notebooks solutions --nbval $(NBVAL)

execute: setup ## re-execute every notebook in place (refresh committed outputs), then regenerate exercises/
	$(VPY) tools/execute_notebooks.py --jobs 2 notebooks solutions
	@$(MAKE) --no-print-directory exercises

exercises: setup ## generate exercises/ (student versions) from solutions/
	$(VPY) -m course_lib exercises

data: setup ## regenerate every generated file in data/
	$(VPY) -m course_lib data

bench: setup ## run the benchmarks in benchmarks/ (prints timings and ratios)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(VPY) $$b || exit 1; done

html: setup ## build the static HTML course into site/ (open site/index.html; no Python needed to read it)
	$(VPY) -m course_lib html --out site

slides: setup ## build reveal.js slides from cells tagged "slides" into site/slides/
	$(VPY) -m course_lib slides --out site/slides

clean: ## remove .venv and caches (your progress file is kept)
	rm -rf $(VENV) .pytest_cache .benchmarks build _build site course_lib.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
