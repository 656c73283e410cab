# Two entry points (README quick start): `make run` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test tests lint bench screenshots clean translations ts bundle deb tarball

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The window's translations: the .ts files (in the repository; `make ts` updates them from the
# code with pyside6-lupdate) compiled to the .qm files the app loads (tbdesk/ui/i18n.py), as the
# install does (qm_build.py); `make translations` again after editing a .ts.
translations:
	for ts in tbdesk/resources/i18n/*.ts; do $(BIN)/pyside6-lrelease -silent $$ts -qm $${ts%.ts}.qm; done

ts:
	$(BIN)/pyside6-lupdate -no-obsolete tbdesk/ui/*.py tbdesk/app.py -ts tbdesk/resources/i18n/tbdesk_es.ts
	$(BIN)/pyside6-lupdate -no-obsolete -pluralonly tbdesk/ui/*.py tbdesk/app.py -ts tbdesk/resources/i18n/tbdesk_en.ts
	$(MAKE) translations

# Fill the built-in local workspace with the demo experiment (once), then open the window on it.
run: $(STAMP)
	TBDESK_TF_PYTHON=$(wildcard .venv-tf/bin/python) $(BIN)/tbdesk demo
	$(BIN)/tbdesk

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint tests

# The tests alone: CI runs them again on Python 3.13, where lint has nothing new to say (mypy checks
# for the oldest supported Python, 3.11, and cannot read the newest numpy's stubs as 3.11 code).
tests: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

# Refresh the README's pictures (docs/*.png) from the end-to-end tests.
screenshots: $(STAMP)
	TBDESK_UPDATE_DOCS=1 QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/e2e tests/ui/test_spanish.py -k "reuses_the_board or hparams or follow_the_scheme or spanish_window"

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
