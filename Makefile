# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate seed worker beat clean bench

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -c requirements.lock --group dev
	touch $(STAMP)

install: $(STAMP)

## Run the portal with demo data on http://127.0.0.1:8000 (SQLite, tasks in-process, e-mail to the console).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole suite: lint, migrations check, import layers, types, tests (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(BIN)/python manage.py migrate

seed: install
	$(BIN)/python manage.py seed_demo

worker: install
	$(BIN)/celery -A techcareers worker --loglevel INFO

beat: install
	$(BIN)/celery -A techcareers beat --loglevel INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

## Benchmark on the national data set (PostgreSQL): `make bench` (BENCH_ARGS="--only pages,figures" for a part).
## Seed it first, once, into an empty database: `python manage.py seed_scale` (about 2 minutes).
bench: install
	CELERY_BROKER_URL= $(BIN)/python manage.py bench $(BENCH_ARGS)
