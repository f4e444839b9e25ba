# The two commands a newcomer needs: `make run` and `make test`. Both install what they need.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench lint translations

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

#: The port `make run` serves on; `make run PORT=8080` (or PORT in the environment) for another.
PORT ?= 5000

## run: the app with demo data on http://127.0.0.1:$(PORT); mail goes to instance/mail/*.eml
run: $(STAMP)
	$(PY) tests/setup_system.py --run
	EVENTREG_DEVELOPMENT=1 $(FLASK) init-db
	EVENTREG_DEVELOPMENT=1 $(FLASK) seed-demo
	@echo "Kalendariet: http://127.0.0.1:$(PORT)   (mejl hamnar i instance/mail/ om MAIL_SERVER saknas)"
	trap 'kill 0' EXIT INT TERM; \
	EVENTREG_DEVELOPMENT=1 EVENTREG_BASE_URL=$${EVENTREG_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) mail-worker & \
	EVENTREG_DEVELOPMENT=1 EVENTREG_BASE_URL=$${EVENTREG_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --debug --host 127.0.0.1 --port $(PORT)

## test: the whole suite, with PostgreSQL and Chromium installed when missing
test: $(STAMP)
	$(PY) tests/setup_system.py
	$(PY) -m pytest

## test-fast: SQLite only, no browser, Node or IMAP server, for quick work
test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser and not postgres and not interop and not imap"

## bench: every figure the issues ask for (gunicorn against baselines, scale, mail, after the
## course); rewrites BENCHMARKS.md (about 20 min on two cores)
bench: $(STAMP)
	$(PY) tests/setup_system.py
	$(PY) bench/run.py --scale --mail --after-course

## translations: add newly marked strings to the English catalogue, then compile it (after translating)
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k _nl:1,2 --no-location --sort-output -o .messages.pot .
	$(VENV)/bin/pybabel update -i .messages.pot -d eventreg/translations --no-fuzzy-matching --width 100
	$(VENV)/bin/pybabel compile -d eventreg/translations
	rm .messages.pot

lint: $(STAMP)
	$(VENV)/bin/ruff check .
