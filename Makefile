# Hookline — see README.md. Targets:
#   make build     release binaries in .build/dist: hookline-console fully static, hookline-send,
#                  hookline and hookline-console-pg with the Swift runtime linked in (--static-swift-stdlib)
#   make run       serve the console on http://127.0.0.1:$(PORT)/webhooks/ (nginx + fcgiwrap)
#   make test      installs what the tests need, then lint + unit tests + e2e tests through
#                  nginx and Apache + browser tests
#   make unit      swift build + swift test only (with a throwaway PostgreSQL server for the store
#                  tests: HOOKLINE_TEST_POSTGRES, see Tests/pg/pg-server.sh)
#   make lint      swift format lint (the toolchain's), configured by .swift-format
#   make e2e       e2e tests only (needs `make build`); PYTEST_ARGS="-k nginx -x" to narrow
#   make install   install what `make build` built to $(PREFIX) (as root; DESTDIR for staging)
#   make screenshots  refresh the README's screenshots from the browser tests
#   make order     regenerate Build/hookline-console.order (hot functions first in the static console)
#   make bench     request cost as ratios against a C CGI (hyperfine; results in .bench/)
#   make bench-workers  deliveries/s with 1, 2 and 4 workers on one PostgreSQL (and one SQLite)
#                  database, and duplicates (.bench/workers.md)
#   make soak      8 clients x 2,000 mixed requests through nginx, 8 x 500 through Apache
#                  (loopback; figures in .e2e-artifacts/soak-*.json); `make e2e` runs 8 x 100
#   make fuzz      libFuzzer targets (Tests/Fuzz), each for FUZZ_SECONDS; built in .build-fuzz/
#   make fuzz-short  the same, FUZZ_SHORT_SECONDS each (part of `make test`)

SHELL        := /bin/bash
SWIFT        ?= swift
PYTHON       ?= python3
PORT         ?= 8080
RUN_DIR      ?= $(CURDIR)/.run
DATABASE     ?=
PREFIX       ?= /usr
SYSCONFDIR   ?= /etc
LOCALSTATEDIR ?= /var
DESTDIR      ?=
PYTEST_ARGS  ?=
FUZZ_SECONDS ?= 60
FUZZ_SHORT_SECONDS ?= 8

# The tests run with their own TMPDIR, so nothing they (or SwiftPM, or Chromium) leave behind
# lands in the system's /tmp; `unit` also fails if a test left a file of its own there (SwiftPM's own
# TemporaryDirectory.*, *.lock and swift-generated-sources are not the tests').
TEST_TMP      = $(CURDIR)/.build/test-tmp
# Generic types (arrays, dictionaries, sets of our types) get their runtime metadata from direct
# accessor calls instead of mangled type names that the runtime demangles on first use: a page
# process meets ~50 such types once each, and demangling them cost about a tenth of an inventory
# request (callgrind), for ~20 KB more code.
METADATA_FLAGS = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
RELEASE_FLAGS = -c release --static-swift-stdlib $(METADATA_FLAGS)
VENV          = .venv
DEV_PACKAGES  = nginx fcgiwrap sqlite3 libsqlite3-dev libcurl4-openssl-dev
# What `make test` needs on top: Apache, headless Chromium, Python venvs, Java for the HTML
# validator, openssl for the test CA, htpasswd, and PostgreSQL: the server the tests start
# themselves (Tests/pg/pg-server.sh) and libpq, which Hookline loads when configured for it.
TEST_PACKAGES = $(DEV_PACKAGES) build-essential apache2 apache2-utils chromium chromium-driver \
                fonts-dejavu-core python3 python3-venv openssl ca-certificates default-jre-headless \
                postgresql libpq5 util-linux

.PHONY: all build order run deps test-deps test-tmp test lint unit fuzz fuzz-short fuzz-build e2e soak venv install bench bench-workers screenshots clean

all: build

# hookline-console links neither libcurl nor Foundation, so it can be one static executable
# (no dynamic loader, no relocations: most of a page's start-up cost). It is built in its own
# scratch directory because the flag applies to everything in one build. hookline-send and
# hookline need libcurl, which Debian ships only as a shared library. Static glibc cannot load
# libpq, so the same console linked dynamically ships as hookline-console-pg: the static one
# hands it every request when the config names a PostgreSQL database (DESIGN §10).
DIST          = $(CURDIR)/.build/dist
build:
	$(SWIFT) build $(RELEASE_FLAGS)
	# SwiftPM does not track the order file: relink the static console when it changed.
	if [ Build/hookline-console.order -nt .build-static/release/hookline-console ]; then rm -f .build-static/release/hookline-console; fi
	$(SWIFT) build -c release --product hookline-console --scratch-path .build-static -Xswiftc -static-executable $(METADATA_FLAGS) \
		-Xswiftc -Xfrontend -Xswiftc -function-sections -Xlinker --section-ordering-file=$(CURDIR)/Build/hookline-console.order \
		-Xswiftc -DHOOKLINE_STATIC_EXECUTABLE \
		2> >(grep -v "statically linked applications requires at runtime" >&2)
	mkdir -p $(DIST)
	cp -f .build-static/release/hookline-console $(DIST)/hookline-console.new && mv -f $(DIST)/hookline-console.new $(DIST)/hookline-console
	cp -f .build/release/hookline-console $(DIST)/hookline-console-pg.new && mv -f $(DIST)/hookline-console-pg.new $(DIST)/hookline-console-pg
	for b in hookline-send hookline; do cp -f .build/release/$$b $(DIST)/$$b.new && mv -f $(DIST)/$$b.new $(DIST)/$$b; done

# Build/hookline-console.order: the functions page requests run, placed side by side in the static
# console (see Build/order-functions.sh). Regenerate after large changes to the pages: make build order build
order:
	Deploy/ensure-packages.sh valgrind sqlite3
	Build/order-functions.sh

deps:
	Deploy/ensure-packages.sh $(DEV_PACKAGES)

# RUN_DIR (default .run) and DATABASE (default: SQLite in RUN_DIR; a postgresql:// URI selects
# PostgreSQL) are used when the dev config is first written.
run: deps build
	PORT=$(PORT) RUN_DIR=$(RUN_DIR) DATABASE=$(DATABASE) Deploy/dev-run.sh

test-deps:
	Deploy/ensure-packages.sh $(TEST_PACKAGES)

test: export TMPDIR = $(TEST_TMP)
test: test-deps test-tmp lint unit fuzz-short build e2e

test-tmp:
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

# The store tests run on SQLite and on PostgreSQL: HOOKLINE_TEST_POSTGRES is the URI of an empty
# database on a throwaway server (its role may create databases), stopped when `swift test` ends.
PG_SERVER = Tests/pg/pg-server.sh
unit:
	mkdir -p $(TEST_TMP) && ls -A $(TEST_TMP) | sort > $(TEST_TMP).before
	TMPDIR=$(TEST_TMP) $(SWIFT) build
	pg=$(TEST_TMP)/postgres-unit; $(PG_SERVER) stop $$pg; trap '$(PG_SERVER) stop '$$pg EXIT; \
	url=$$($(PG_SERVER) start $$pg) && TMPDIR=$(TEST_TMP) HOOKLINE_TEST_POSTGRES=$$url $(SWIFT) test
	@left=$$(ls -A $(TEST_TMP) | sort | comm -13 $(TEST_TMP).before - | grep -v -e '^TemporaryDirectory\.' -e '\.lock$$' -e '^swift-generated-sources$$' || true); \
	if [ -n "$$left" ]; then echo "swift test left these in TMPDIR: $$left" >&2; exit 1; fi

# libFuzzer targets for every parser of outside input (Tests/Fuzz/README.md). A crash or broken
# invariant fails the target and leaves the reproducer in .build-fuzz/artifacts/<target>/.
fuzz-build:
	PATH="$$(dirname "$$(command -v $(SWIFT))"):$$PATH" Tests/Fuzz/build.sh

fuzz: fuzz-build
	Tests/Fuzz/run.sh $(FUZZ_SECONDS)

fuzz-short: fuzz-build
	Tests/Fuzz/run.sh $(FUZZ_SHORT_SECONDS)

venv: $(VENV)/.installed

$(VENV)/.installed: Tests/e2e/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/e2e/requirements.txt
	touch $@

# Runs against the binaries already in .build/dist (`make test` builds them first).
e2e: venv
	mkdir -p $(TEST_TMP)
	TMPDIR=$(TEST_TMP) SE_AVOID_STATS=true $(VENV)/bin/pytest Tests/e2e $(PYTEST_ARGS)

# The full soak (the e2e suite runs a short one): SOAK_REQUESTS per client through nginx,
# SOAK_APACHE_REQUESTS through Apache; fails on any 5xx, lost write or integrity error.
SOAK_CLIENTS         ?= 8
SOAK_REQUESTS        ?= 2000
SOAK_APACHE_REQUESTS ?= 500
soak: build venv
	mkdir -p $(TEST_TMP)
	TMPDIR=$(TEST_TMP) HOOKLINE_SOAK_CLIENTS=$(SOAK_CLIENTS) HOOKLINE_SOAK_REQUESTS=$(SOAK_REQUESTS) \
		HOOKLINE_SOAK_APACHE_REQUESTS=$(SOAK_APACHE_REQUESTS) $(VENV)/bin/pytest Tests/e2e/test_soak.py -s -q $(PYTEST_ARGS)

# Installs what `make build` produced and never builds: root's PATH (sudo's secure_path) has no
# Swift toolchain. `make build && sudo make install`; without a build it says so and stops.
install:
	PREFIX=$(PREFIX) SYSCONFDIR=$(SYSCONFDIR) LOCALSTATEDIR=$(LOCALSTATEDIR) DESTDIR=$(DESTDIR) \
		Deploy/install.sh

# Refresh the README's screenshots (Tests/e2e/screenshots) from the browser tests.
screenshots: build venv
	HOOKLINE_UPDATE_SCREENSHOTS=1 SE_AVOID_STATS=true HOOKLINE_E2E_SERVERS=nginx $(VENV)/bin/pytest Tests/e2e/test_browser.py

bench: build
	Deploy/ensure-packages.sh hyperfine sqlite3 gcc wrk time curl nginx fcgiwrap postgresql libpq-dev
	Tests/bench/run.sh

bench-workers: build
	Deploy/ensure-packages.sh postgresql libpq5 nginx sqlite3 util-linux
	$(PYTHON) Tests/bench/workers.py

clean:
	rm -rf .build .build-fuzz .run .e2e-artifacts
