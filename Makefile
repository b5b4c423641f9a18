# pufa: every target sets itself up (a .venv with the pinned dependencies) on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve site test check bench samples clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## make serve: build the sample site and serve it on http://127.0.0.1:8000 (drafts shown)
serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## make site: the publishable site in site/, strict (any warning fails)
site: $(STAMP)
	$(BIN)/mkdocs build --strict

## make check: validate articles and data without building
check: $(STAMP)
	$(BIN)/pufa check

NODE_STAMP := node_modules/.installed

# axe-core and vnu-jar (test tools only), pinned in package-lock.json; no install scripts run
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

## make test: every test, browser tests included (installs Chromium, CJK fonts, Java and npm if it can)
test: $(STAMP)
	bash scripts/ensure-browser
	$(MAKE) --no-print-directory $(NODE_STAMP)
	$(BIN)/python -m pytest

## make bench: the build beside bare Material on a synthetic site (BENCH="--n 5000" for more), and the stats import
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH); build=$$?; $(BIN)/python bench/bench_stats_import.py && exit $$build

## make samples: rewrite the sample analytics exports in samples/stats/ (then: pufa stats import samples/stats/*)
samples: $(STAMP)
	$(BIN)/python scripts/make_sample_stats.py

clean:
	rm -rf site build .pytest_cache node_modules
