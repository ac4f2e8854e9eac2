# Quick start: `make serve` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8866

.PHONY: serve lab test lint check chromium axe install clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

test: install chromium axe lint
	$(BIN)/peerkit check
	$(BIN)/pytest

clean:
	rm -rf $(VENV) test-artifacts tests/browser/node_modules

# Performance benchmarks (about 10 minutes; not part of `make test`): see bench/README.md.
bench: install chromium
	$(BIN)/python -m bench
