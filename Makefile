# Two commands for a fresh Debian machine: `make run` (the app) and `make test` (the suite).
# Everything else here is what those two need, each step skipped when already done.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := bubblewrap python3 python3-numpy chromium fonts-noto-cjk poppler-utils \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export HF_HUB_OFFLINE := 1

.PHONY: run test test-sqlite test-postgres setup lint
.DEFAULT_GOAL := run

run: setup
	$(VENV)/bin/grader serve

test: setup
	$(VENV)/bin/lint-imports --no-cache
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	$(PY) -m pytest

test-postgres:
	@bash scripts/ensure-services.sh
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check app tests benchmarks migrations
	$(VENV)/bin/mypy app
	$(VENV)/bin/lint-imports

setup: $(VENV)/.system-stamp $(VENV)/.python-stamp node_modules/.package-lock.json

# Debian packages: the sandbox (bubblewrap, the candidates' python3 + numpy), the browser for
# the page tests, CJK fonts and Pango for PDF reports.
$(VENV)/.system-stamp:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "Missing Debian packages (install them as root): $$missing" >&2; exit 1; fi; \
	fi
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js (with npm) first" >&2; exit 1; }
	@mkdir -p $(VENV) && touch $@

# torch is installed first and pinned: an unpinned torch would pull gigabytes of CUDA wheels.
$(VENV)/.python-stamp: pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
