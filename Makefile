# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
SEEDS_DIR ?= ../shared/seeds
HOST ?= 127.0.0.1
PORT ?= 8000

# Local serving: DEBUG stays off (the production code path), with a secret generated once per
# checkout, and cookies, no HTTPS redirect and no HSTS for plain http on 127.0.0.1. Override any
# of these in the shell.
LOCAL_ENV = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .local/secret_key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-false}" \
	DJANGO_SSL_REDIRECT="$${DJANGO_SSL_REDIRECT:-false}" \
	DJANGO_HSTS_SECONDS="$${DJANGO_HSTS_SECONDS:-0}" \
	SEEDS_DIR="$(SEEDS_DIR)"

.PHONY: help run serve data static editor test test-sqlite test-postgres lint clean

help:
	@echo "make run     set up everything, load the curated data, serve http://$(HOST):$(PORT)"
	@echo "make serve   the same, served by gunicorn (several workers) as in production"
	@echo "make data    the same without serving"
	@echo "make editor NAME=alice   create an editor login (asks for a password)"
	@echo "make test    lint and run the whole test suite on SQLite and on PostgreSQL"

# The first Python >= 3.12 that runs and can make a venv (bin/find-python says where it looks).
$(VENV)/bin/python:
	@py=$$(bin/find-python) || { echo "error: no Python >= 3.12 with venv found (tried python3.13, python3.12, pyenv versions, python3)" >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

.local/secret_key:
	@mkdir -p .local
	@$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

# Hashed, compressed (gzip and brotli) static files for WhiteNoise; redone only when they change.
staticfiles/staticfiles.json: $(VENV)/.installed .local/secret_key $(shell find static -type f)
	@echo "Collecting and compressing static files..."
	@$(LOCAL_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	@touch $@

static: staticfiles/staticfiles.json

data: $(VENV)/.installed .local/secret_key static
	@$(LOCAL_ENV) $(PY) manage.py migrate --no-input --verbosity 0
	@echo "Database migrated."
	@$(LOCAL_ENV) $(PY) manage.py load_curated
	@if [ -d "$(SEEDS_DIR)" ]; then \
	  $(LOCAL_ENV) $(PY) manage.py import_articles "$(SEEDS_DIR)"; \
	else \
	  echo "Seed articles not found at $(SEEDS_DIR): the curated events are loaded but their quotes stay empty until you run 'make data SEEDS_DIR=/path/to/seeds'."; \
	fi
	@echo "Data ready in db.sqlite3."

run: data
	@echo
	@echo "To curate in the admin, create an editor login:  make editor NAME=yourname"
	@echo "(it asks for a password; there is no default one). Then open http://$(HOST):$(PORT)/admin/"
	@echo
	@echo "Serving the dashboard on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(LOCAL_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Production-style serving: gunicorn workers (deployments/gunicorn.py), static files from
# WhiteNoise. Any DJANGO_* variable set in the shell wins over the local defaults above.
serve: data
	@echo "Serving the dashboard with gunicorn on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(LOCAL_ENV) GUNICORN_BIND="$(HOST):$(PORT)" $(VENV)/bin/gunicorn -c python:deployments.gunicorn

editor: $(VENV)/.installed .local/secret_key
	@if [ -z "$(NAME)" ]; then echo "usage: make editor NAME=alice" >&2; exit 2; fi
	@$(LOCAL_ENV) $(PY) manage.py create_editor "$(NAME)"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The whole suite on SQLite, then on PostgreSQL (a throwaway server, see bin/with-postgres).
test: lint test-sqlite test-postgres

# The serving tests run gunicorn with production settings, on the collected static files.
test-sqlite: $(VENV)/.installed static
	@echo "== Tests on SQLite"
	$(PY) -m pytest

test-postgres: $(VENV)/.installed static
	@echo "== Tests on PostgreSQL"
	PYTHON=$(PY) bin/with-postgres $(PY) -m pytest -p no:cacheprovider

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
