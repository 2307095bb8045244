# studyapp — `make run` serves the seeded app; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app studyapp
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4

.PHONY: install run serve test test-browser test-postgres lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(FLASK) init-db
	$(FLASK) seed

run: db
	@echo
	@echo "  studyapp is starting on http://$(HOST):$(PORT)"
	@echo "  Log in as the demo instructor teacher@example.com or the demo student"
	@echo "  student@example.com (password: studyapp-demo), or sign up as a new student."
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

# Served for real: refuses to start without STUDYAPP_SECRET_KEY (a long random value).
serve: export STUDYAPP_REQUIRE_SECRET = true
serve: install
	$(FLASK) init-db
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'studyapp:create_app()'

test: install
	$(BIN)/python -m pytest

test-browser: install
	STUDYAPP_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/browser

test-postgres: install
	STUDYAPP_TEST_DATABASE_URL=$${STUDYAPP_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -m "not browser"

lint: install
	$(BIN)/ruff check studyapp tests bench
	$(BIN)/ruff format --check studyapp tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
