# Quick start: `make serve` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8866

.PHONY: serve lab class test lint check chromium axe proxy postgres install clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,class]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

serve: install
	$(BIN)/peerkit serve --port $(PORT)

lab: install
	$(BIN)/peerkit lab

check: install
	$(BIN)/peerkit check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check peerkit tests
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (Playwright cannot download its own here); it also
# prints `peerkit build` PDFs, which the tests read back with poppler-utils (pdftotext, pdfinfo).
chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core poppler-utils; }

# axe-core, which tests/browser/test_accessibility.py runs in each page, from npm at the
# version in tests/browser/package-lock.json (node and npm from Debian if missing).
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; }
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

axe: $(AXE)

# The class's proxy: node's configurable-http-proxy at proxy/package-lock.json's version
# (the PyPI port buffers server-sent events, which the facilitator's board streams).
CHP := proxy/node_modules/.bin/configurable-http-proxy

$(CHP): proxy/package.json proxy/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; }
	cd proxy && npm ci --no-audit --no-fund --loglevel=error
	touch $@

proxy: $(CHP)

# PostgreSQL's server programs, from Debian if missing (the class keeps answers there).
postgres:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql; }

# A class on this machine: JupyterHub, PostgreSQL, the peerkit service, demo accounts.
class: install proxy postgres
	$(BIN)/peerkit class $(if $(FRESH),--fresh)

test: install chromium axe proxy postgres lint
	$(BIN)/peerkit check
	$(BIN)/pytest

clean:
	rm -rf $(VENV) test-artifacts tests/browser/node_modules

# Performance benchmarks (about 16 minutes; not part of `make test`): see bench/README.md.
bench: install chromium proxy postgres
	$(BIN)/python -m bench
