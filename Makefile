# 镇党建: `make run` serves the demo township; `make test` runs the whole suite. Both set everything up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMPS := .make
DEMO_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test setup lint messages screenshots clean bench

run: setup
	$(DEMO_ENV) $(PY) manage.py migrate --no-input -v 0
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo ""
	@echo "  打开 / open:  http://127.0.0.1:$(PORT)/"
	@echo ""
	@# The background worker (county workbook, large imports) runs beside the web server and stops with it.
	$(DEMO_ENV) $(PY) manage.py run_jobs & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup $(STAMPS)/system-test
	$(PY) -m pytest $(PYTEST_ARGS)

# The README's pictures (docs/screenshots/), from the demo township in a scratch database: db.sqlite3 stays.
screenshots: setup $(STAMPS)/system-test
	$(PY) scripts/screenshots.py

setup: $(STAMPS)/venv $(STAMPS)/assets messages

lint: $(STAMPS)/venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(STAMPS)/system-run:
	scripts/system-packages.sh run
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/system-test: $(STAMPS)/system-run
	scripts/system-packages.sh test
	@touch $@

$(STAMPS)/venv: requirements.txt requirements-dev.txt $(STAMPS)/system-run
	test -x $(VENV)/bin/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

# Bootstrap and its icons come from npm, pinned by package-lock.json, and are served by the app.
$(STAMPS)/assets: package.json package-lock.json $(STAMPS)/system-run
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(STAMPS)/venv $(STAMPS)/system-run
	@cd locale && find . -name '*.po' | while read -r po; do \
		mo=$${po%.po}.mo; [ "$$mo" -nt "$$po" ] || { echo "compiling $$po"; msgfmt --check -o "$$mo" "$$po"; }; \
	done

# The county-scale benchmark (benchmarks/README.md); not part of `make test`. Needs a running PostgreSQL with
# an empty database (createdb -h 127.0.0.1 -U postgres zdj_bench) and Redis; seeds each database once.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432/zdj_bench
BENCH_SQLITE ?= sqlite:///$(CURDIR)/benchmarks/county.sqlite3
BENCH_REDIS ?= redis://127.0.0.1:6379/1
BENCH_TOWNSHIPS ?= 20
bench: setup $(STAMPS)/bench
	DJANGO_DEBUG=1 DATABASE_URL=$(BENCH_PG) $(PY) benchmarks/seed.py --migrate --townships $(BENCH_TOWNSHIPS)
	$(PY) benchmarks/run.py --db postgres --database-url $(BENCH_PG) --redis-url $(BENCH_REDIS)
	DJANGO_DEBUG=1 DATABASE_URL=$(BENCH_SQLITE) $(PY) benchmarks/seed.py --migrate --townships $(BENCH_TOWNSHIPS)
	$(PY) benchmarks/run.py --db sqlite --database-url $(BENCH_SQLITE)

$(STAMPS)/bench: requirements-bench.txt $(STAMPS)/venv
	$(PY) -m pip install -q -r requirements-bench.txt
	@touch $@

clean:
	rm -rf $(VENV) node_modules $(STAMPS) staticfiles
