# `make demo` and `make test` work on a fresh machine with Python 3.11+: they create .venv and install into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench proto screens clean

$(STAMP): pyproject.toml setup.py src/bluezone/protocol/_fastcrypto.c src/bluezone/sim/_scans.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# axe-core, which the browser tests inject to check each page's accessibility (skipped where npm is missing;
# CI installs npm, so there it always runs).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent

demo: $(STAMP)
	$(BIN)/bluezone demo

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(if $(shell command -v npm),$(AXE))
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_matching.py
	$(BIN)/python bench/bench_export.py
	$(BIN)/python bench/bench_campaign.py

# Pictures of every page, as each role sees it, at desktop and phone width (docs/screens/).
screens: $(STAMP) $(AXE)
	rm -f docs/screens/*.png
	BZ_SCREENSHOTS=docs/screens $(BIN)/pytest -q tests/browser/test_every_page.py

# Regenerate the protobuf modules from the .proto files (needs grpcio-tools; the result is committed).
proto: $(STAMP)
	$(BIN)/pip install --quiet grpcio-tools
	cd src && ../$(BIN)/python -m grpc_tools.protoc -I. --python_out=. --pyi_out=. bluezone/protocol/export.proto bluezone/venues/venues.proto

clean:
	rm -rf $(VENV) build src/*.egg-info src/bluezone/protocol/*.so
