# The README's two commands: `make run` (demo platform on http://127.0.0.1:5000; another port:
# `make run PORT=5123`) and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV ?= .venv
BIN = $(VENV)/bin
export FLASK_APP = app:create_app

.PHONY: install run test lint format bench translations constraints

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## Run the platform with demo data on the embedded default (SQLite, console SMS), on PORT
## (5000 by default). Without PUBLIC_BASE_URL, printed documents' links and QR codes follow
## the address a page is asked on, and http://127.0.0.1:$(PORT) outside a request.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	PORT=$(PORT) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## Lint and run every test (set TEST_DATABASE_URL to also run them on PostgreSQL).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --maxprocesses=4 --durations=15

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks, on demand (never in the tests): the lottery, the trading's heavy steps, a
## province's offices; then bench/scale.py (every public page and API list at 10,000 and
## 1,000,000 notices on SQLite and PostgreSQL, with their ratio: several minutes) and
## bench/throughput.sh (requests/s under gunicorn + wrk against a hello-world app, and the
## workers' memory).
bench: install
	$(BIN)/python bench/lottery.py
	$(BIN)/python bench/trading.py
	$(BIN)/python bench/offices.py
	$(BIN)/python bench/scale.py
	bash bench/throughput.sh

## Re-extract the messages and compile the English catalog.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --ignore-dirs='.* .venv' -o app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations

## Pin the image's runtime dependencies to the versions installed here (deploy/constraints.txt,
## read by the Containerfile): after `make install` brought newer ones and the tests passed.
constraints: install
	$(BIN)/python deploy/constraints.py > deploy/constraints.txt
