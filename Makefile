# The two commands: `make demo` (main job on the embedded AWS) and `make test` (every test).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTION_LINK := $(VENV)/collections/ansible_collections/stories1001/infra

export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(VENV)/collections
export STORIES_AWS_ENDPOINT ?= http://127.0.0.1:5000

.PHONY: setup demo test emulator unit integration lint sanity changelog bench bench-platform bench-migration ee clean

$(STAMP): requirements-dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	mkdir -p $(dir $(COLLECTION_LINK))
	ln -sfn ../../../.. $(COLLECTION_LINK)
	$(BIN)/python tools/sanity_bootstrap.py
	touch $@

setup: $(STAMP)

demo: setup
	$(BIN)/python -m tools.emulator demo

emulator: setup
	$(BIN)/python -m tools.emulator serve

unit: setup
	$(BIN)/python -m pytest tests/unit

integration: setup
	$(BIN)/python -m pytest tests/integration

lint: setup
	$(BIN)/ansible-lint --offline --profile production

sanity: setup
	$(BIN)/python tools/sanity.py --venv --python 3.11 --color no

bench: bench-platform bench-migration

bench-platform: setup
	$(BIN)/python tests/benchmarks/bench_platform.py

bench-migration: setup
	$(BIN)/python tests/benchmarks/bench_migration.py

# The execution environment's build context (build/ee); ansible-builder build --context build/ee ... makes the image.
ee: setup
	$(BIN)/ansible-galaxy collection build --force --output-path build/
	$(BIN)/ansible-builder create --file execution-environment.yml --context build/ee --output-filename Containerfile

changelog: setup
	$(BIN)/antsibull-changelog lint

# The checks run side by side (each mostly uses one core); then pytest, a module per worker at a time, in the order
# tests/conftest.py sets (the long integration modules first), not xdist's reordering by test count.
test: setup
	$(MAKE) --no-print-directory -j2 --output-sync=target changelog lint sanity
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder tests

clean:
	rm -rf $(VENV) tests/output .pytest_cache .emulator build
