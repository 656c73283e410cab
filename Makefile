# Two entry points (README quick start): `make run` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench screenshots clean bundle deb tarball

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
	TBDESK_UPDATE_DOCS=1 QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/e2e -k "reuses_the_board or hparams"

bench: $(STAMP)
	for b in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

# The app for people without Python (README "Install"): a PyInstaller one-folder bundle in
# dist/tbdesk/, then a .deb or a .tar.gz of it. `make test` also runs the installed-app smoke test
# (tests/packaging) once the bundle exists. A bundle takes a few minutes to build: it is rebuilt only
# when the code or the spec changed.
BUNDLE := dist/tbdesk/tbdesk
$(VENV)/.build-stamp: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,build]'
	touch $@

$(BUNDLE): $(VENV)/.build-stamp packaging/tbdesk.spec $(shell find tbdesk -type f -not -name '*.pyc')
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/tbdesk.spec
	touch $@

bundle: $(BUNDLE)

deb: $(BUNDLE)
	$(BIN)/python packaging/package.py deb

tarball: $(BUNDLE)
	$(BIN)/python packaging/package.py tarball

clean:
	rm -rf $(VENV) build dist *.egg-info tests/artifacts
