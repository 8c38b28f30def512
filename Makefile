# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST := 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz bench lint check-system venv clean

# WeasyPrint needs Pango, the letters Liberation Serif; say which Debian package to install instead of failing later.
check-system:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed.")'
	@$(PYTHON) -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("pango-1.0") else "WeasyPrint needs Pango and the letters need their fonts: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core")'
	@fc-list 'Liberation Serif' 2>/dev/null | grep -q . || { echo "The letters are set in Liberation Serif (Times-metric): apt-get install fonts-liberation"; exit 1; }

$(VENV)/.installed: requirements.txt | check-system
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@# With REDIS_URL, a Celery worker (with beat) runs beside the server and stops with it.
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker with beat (log: var/celery.log)"; \
		DEBUG=1 $(VENV)/bin/celery -A imrsite worker --beat -l info --concurrency 2 \
			--logfile var/celery.log --schedule var/celerybeat-schedule & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
		DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest

# The importer's property-based fuzz test at full size (CI runs 300 examples); prints documents, crashes, partial writes.
fuzz: $(VENV)/.installed-dev
	IMR_FUZZ_EXAMPLES=5000 $(VENV)/bin/pytest tests/cases/test_interchange_fuzz.py -q -s --timeout 3600

# The page and import benchmarks need PostgreSQL databases they may wipe, e.g.
#   BENCH_SMALL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench_10k \
#   BENCH_LARGE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench_1m \
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench_import make bench
# Seed the two page databases first (10,000 and 1,000,000 cases; the large one takes about two minutes):
#   .venv/bin/python bench/seed.py --cases 1000000 --database-url $$BENCH_LARGE_DATABASE_URL
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
