# The commands the README names. Every target installs what it needs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: litellm demo test lint typecheck unit e2e bench soak vscode vscode-e2e clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

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

## demo: install, start the built-in simulator and the real server, explain a selection
demo: $(STAMP)
	$(BIN)/kimi-lsp demo

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
	rm -rf $(VENV) $(LITELLM_VENV) .mypy_cache .ruff_cache .pytest_cache
