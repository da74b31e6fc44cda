# The two commands of the README:
#   make watch   set up, then run the watcher on this folder (no mailbox configured)
#   make test    set up (Python packages, Dovecot, LibreOffice), lint, then run pytest
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: watch test system-deps bench lint

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

watch: $(STAMP)
	$(VENV)/bin/automation watch

system-deps:
	bash scripts/install-system-deps

test: $(STAMP) system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check automation tests bench scripts
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/run.py
