# The commands the README names. Every target installs what it needs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CKSUM  := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# The runtime alone (what `make demo` needs), or the runtime and the test tools (the rest).
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(CKSUM)
STAMP  := $(VENV)/.installed-test-$(CKSUM)

.PHONY: litellm demo dist test lint typecheck unit e2e bench soak vscode vscode-e2e clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-runtime-*
	touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP) $(RUNTIME_STAMP)

# The LiteLLM proxy for tests/e2e/test_litellm.py, in a venv of its own: its dependencies
# must not meet ours. Pinned; the test skips without it, except under CI=true.
LITELLM_VENV    := .venv-litellm
LITELLM_VERSION := 1.106.12
LITELLM_STAMP   := $(LITELLM_VENV)/.installed-$(LITELLM_VERSION)

$(LITELLM_STAMP):
	$(PYTHON) -m venv $(LITELLM_VENV)
	$(LITELLM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITELLM_VENV)/bin/python -m pip install --quiet 'litellm[proxy]==$(LITELLM_VERSION)'
	rm -f $(LITELLM_VENV)/.installed-*
	touch $(LITELLM_STAMP)

## litellm: install the LiteLLM proxy that tests/e2e/test_litellm.py starts (.venv-litellm)
litellm: $(LITELLM_STAMP)

## demo: install the runtime only, start the built-in simulator and the real server, explain a selection
demo: $(RUNTIME_STAMP)
	$(BIN)/kimi-lsp demo

## dist: build the wheel, dist/kimi_lsp-<version>-py3-none-any.whl, with the editor plugins in it
dist: | $(BIN)/python
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

## lint: ruff check, ruff format --check, mypy --strict on server/
lint: $(STAMP)
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench
	$(BIN)/mypy --strict server/kimi_lsp

## test: lint and type checks, the whole Python suite, then the VS Code extension and a real VS Code
test: lint litellm
	$(BIN)/pytest
	$(MAKE) vscode-e2e

## vscode: the extension: npm ci, type check, eslint, unit tests, bundle, .vsix
vscode:
	bash editors/vscode/scripts/check.sh

## vscode-e2e: code-server (VS Code 1.100) + Chromium drive the .vsix against the real server
vscode-e2e: vscode $(STAMP)
	bash tests/vscode/run.sh

unit: $(STAMP)
	$(BIN)/pytest tests/unit

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

## bench: benchmarks that print figures (never asserted in tests)
bench: $(STAMP)
	$(BIN)/python bench/edits.py
	$(BIN)/python bench/completion.py

## soak: 500 editor operations against the simulator in chaos mode; fails on a broken invariant
soak: $(STAMP)
	$(BIN)/python bench/soak.py --ops 500 --fault-rate 0.3

clean:
	rm -rf $(VENV) $(LITELLM_VENV) dist .mypy_cache .ruff_cache .pytest_cache
