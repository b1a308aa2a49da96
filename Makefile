# Präventionsnetz: `make run` for a local demo, `make test` for the whole suite on PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python >= 3.12: take the newest Python found, else python3 (3.11 gets Django 5.2 LTS).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r) \
	python3.11 python3; do \
	  $$p -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The Berlin district `make run` sets up (01 … 12); the database then remembers it.
DISTRICT ?= 04

.PHONY: help install run test lint format browsers pdf-tools screenshots clean messages constraints

help:
	@echo "make run    – install, migrate, set up DISTRICT (default 04), load the demo network, start the server"
	@echo "make test   – ruff, mypy and the whole test suite on a throwaway PostgreSQL"
	@echo "make format – format the code with ruff"
	@echo "make screenshots – pictures of the main pages into docs/screenshots/"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 not found. Install python3 (>= 3.11)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

.env:
	@echo "DEBUG=1" > .env
	@echo "SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	@echo "Wrote .env for a local demo run (DEBUG=1, a fresh SECRET_KEY)."

run: install pdf-tools .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_district $(DISTRICT)
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Präventionsnetz läuft auf http://$(HOST):$(PORT)/"
	@echo ""
	@$(BIN)/python manage.py seed_demo --print-logins
	@echo ""
	@# The worker for background downloads (core/jobs.py) runs beside the server and ends with it.
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests need Debian's Chromium; installed here when missing and running as root.
browsers:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found: browser tests will be skipped (sudo apt-get install chromium)."; \
	  fi; \
	fi

# ruff, mypy with django-stubs ([tool.mypy]) and the layer contract ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=mypy-only DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The PDF report (Typst, a Python wheel) sets its text in DejaVu Sans, the scripts DejaVu lacks
# (Arabic, Hebrew, Armenian, Georgian, Ethiopic) in Noto Sans (fonts-noto-core) and emoji in
# Noto Color Emoji, and its tests draw pictures with poppler's pdftoppm; installed here when
# missing and running as root.
PDF_PACKAGES := fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji poppler-utils
pdf-tools:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
	  || [ ! -f /usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf ] \
	  || [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] \
	  || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's $(PDF_PACKAGES) for the PDF report ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      $(PDF_PACKAGES) >/dev/null; \
	  else \
	    echo "Fonts or pdftoppm for the PDF report not found: sudo apt-get install $(PDF_PACKAGES)"; \
	  fi; \
	fi

test: install browsers pdf-tools lint
	SECRET_KEY=test-only-secret-key DEBUG=0 EXPECT_POSTGRES=1 \
	  .ci/with-postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

# The versions the Docker image installs (Dockerfile: pip install --constraint constraints.txt),
# written from this .venv: run after changing the dependencies in pyproject.toml.
constraints: install
	@{ echo "# Versions the Docker image installs; written by 'make constraints' (pip freeze)."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt
	@echo "Wrote constraints.txt"

# Collect the German source strings into the English catalogue and compile every .po to .mo;
# after translating new entries in praevention/locale/en/LC_MESSAGES/django.po, run it again.
messages: install
	DEBUG=1 SECRET_KEY=messages-only $(BIN)/python manage.py makemessages -l en \
	  --ignore=$(VENV) --ignore=staticfiles --ignore=tests
	DEBUG=1 SECRET_KEY=messages-only $(BIN)/python manage.py compilemessages --ignore=$(VENV)

# Screenshots of the main pages (1366 px and 390 px) for the README, on the demo data.
screenshots: install browsers pdf-tools
	SECRET_KEY=screenshots-only DEBUG=0 $(BIN)/python -m pytest -m screenshots -q tests/browser/test_screenshots.py \
	  tests/editions/test_pdf_pictures.py
	@echo "Screenshots in docs/screenshots/"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
