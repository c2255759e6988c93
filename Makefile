# Two commands matter: `make run` (the demo on SQLite) and `make test` (the suite).
PYTHON ?= python3
VENV ?= .venv
# Extras of pyproject.toml to install; `ldap` needs Debian's libldap2-dev and libsasl2-dev.
EXTRAS ?= dev
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in the links of e-mails (BASE_URL in the settings): the demo's own.
BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run test test-fast lint format messages bench bench-imports clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	BASE_URL=$(BASE_URL) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Intranet: http://$(HOST):$(PORT)/  (log in with one of the demo logins above)"
	@echo ""
	BASE_URL=$(BASE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages --locale fr --locale en --no-obsolete --no-location --ignore "tests/*" --ignore "staticfiles" --ignore "media"
	$(BIN)/python manage.py compilemessages --ignore ".venv*"

# The benchmark (docs/performance.md): the site under gunicorn on PostgreSQL (BENCH_POSTGRES,
# default postgres://postgres@127.0.0.1:5432), a generated city, wrk; under 15 minutes.
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Import throughput (rows per second); DATABASE_URL=postgres://… to measure on PostgreSQL.
bench-imports: install
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
