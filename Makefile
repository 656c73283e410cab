# Two entry points (README quick start): `make run` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Fill the built-in local workspace with the demo experiment (once), then open the window on it.
run: $(STAMP)
	TBDESK_TF_PYTHON=$(wildcard .venv-tf/bin/python) $(BIN)/tbdesk demo
	$(BIN)/tbdesk

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

# Refresh the README's pictures (docs/*.png) from the end-to-end tests.
screenshots: $(STAMP)
	TBDESK_UPDATE_DOCS=1 QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/e2e -k "reuses_the_board or hparams or follow_the_scheme"

bench: $(STAMP)
	for b in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts
