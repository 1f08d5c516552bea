# Two commands for a newcomer: `make run` and `make test`. Everything else is for them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format messages clean bench bench-applications bench-reviews prod

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Production's processes as they run (gunicorn sized from the CPUs and the task worker), with
# production settings: needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and
# REDIS_URL at least (README, "Deploy"). deploy/ has the systemd units and a Procfile.
prod: setup
	BIN=$(BIN) deploy/run.sh

# Timings of the news pages with 10,000 articles and 1,000 documents (a throwaway database;
# DATABASE_URL=postgres://... to time PostgreSQL). BENCH_ARGS="--articles 2000" to vary.
bench: setup
	$(BIN)/python bench/news.py $(BENCH_ARGS)

# Sending an application with three 1 MB files: alone (target: median under 150 ms) and
# 20 at once through a threaded server (no error, no lost application).
bench-applications: setup
	$(BIN)/python bench/applications.py $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (apt-get install gettext) to extract; compiling needs only Python.
messages: setup
	$(BIN)/python manage.py makemessages --locale vi --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	$(BIN)/python manage.py compile_catalogues

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# The review workflow with 100,000 applications: the filtered admin list (target: median under
# 300 ms), the XLSX export of all of them (under 60 s, peak memory under 300 MB) and the public
# statistics page (under 200 ms). DATABASE_URL=postgres://... to time PostgreSQL.
bench-reviews: setup
	$(BIN)/python bench/reviews.py $(BENCH_ARGS)
