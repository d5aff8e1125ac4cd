# The two commands: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Page translations: Dutch is the templates' language, the catalogues compile at set-up.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard shared/translations/*/LC_MESSAGES/*.po services/*/translations/*/LC_MESSAGES/*.po))
# Browser tests drive Debian's Chromium (Playwright's own download is not used).
CHROMIUM := /usr/bin/chromium
# The production rehearsal (tests/e2e/test_rehearsal.py) puts Debian's nginx in front.
NGINX := /usr/sbin/nginx
# The accessibility checks inject axe-core, pinned in package-lock.json, into the pages.
AXE := node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages, installed when missing (after refreshing the package lists if need be).
APT_INSTALL = $(SUDO) apt-get install -y --no-install-recommends $(1) || \
	($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(1))
# Each pass in two pytest-xdist workers, each pass's record here: the two passes side by side
# keep both cores busy (91-93 % of a run), and a third worker a pass only added switching
# (a fifth more CPU, a minute more on this 2-core machine).
TEST_WORKERS ?= 2
PASSES := var/test-passes

.PHONY: run test test-tools lint format staff-token revoke-token migrate bench-bus bench-votes bench-fuzz bench-peak bench-stack bench-fraud clean

# uv (pinned in the lock) installs the locked packages, fetching them side by side: pip
# fetched them one after another, four minutes of a fresh clone's `make test` here. It
# compiles their bytecode once, at install: where PYTHONDONTWRITEBYTECODE is set nothing
# else writes it, and every process the suite starts (workers, relays, gunicorn) then
# compiled SQLAlchemy, alembic and Flask anew, 5 s of CPU a start instead of 2.
$(INSTALLED): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $$(grep '^uv==' requirements.lock)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

$(CHROMIUM):
	$(call APT_INSTALL,chromium)

# The PostgreSQL pass needs a server: the machine's on 5432, else the suite starts one from
# these binaries. The kustomize build of deploy/k8s needs kubectl (Debian: kubernetes-client).
test-tools:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		{ $(call APT_INSTALL,postgresql); }
	@command -v kubectl >/dev/null || { $(call APT_INSTALL,kubernetes-client); }

$(NGINX):
	$(call APT_INSTALL,nginx)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

run: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m services.cli run

# The whole suite on SQLite files and, at the same time, what depends on the engine again on
# PostgreSQL (with the rehearsal of production: nginx, TLS, gunicorn, PostgreSQL, an
# append-only Redis); the engine_free tests, which do the same on both, run once (and the
# postgresql_only rehearsal only there). One pass alone left the cores idle half the time
# (its tests wait on processes, browsers and sockets), so the two run side by side, each in
# TEST_WORKERS pytest-xdist workers: the SQLite pass reports as it goes, the PostgreSQL
# pass's report waits in $(PASSES)/postgresql.log until both are done. Then the passes per
# engine and the ten slowest tests of both, failing when the PostgreSQL pass passed fewer of
# the engine-dependent tests.
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal
# The suite's processes keep the bytecode they compile (in __pycache__, ignored by git), the
# test modules' assertion rewriting included, whatever PYTHONDONTWRITEBYTECODE says outside:
# without it every pytest-xdist worker spent 15 s of CPU collecting, 6 s with it.
test: export PYTHONDONTWRITEBYTECODE :=
test: $(INSTALLED) $(CATALOGUES) $(CHROMIUM) $(NGINX) $(AXE) test-tools lint
	rm -rf $(PASSES) && mkdir -p $(PASSES)
	$(PYTEST) --database=postgresql -m "not engine_free" \
		--passes-record=$(PASSES)/postgresql.json >$(PASSES)/postgresql.log 2>&1 & \
	$(PYTEST) -m "not postgresql_only" --passes-record=$(PASSES)/sqlite.json; sqlite=$$?; \
	wait $$!; postgresql=$$?; cat $(PASSES)/postgresql.log; \
	$(BIN)/python -m tests.passes $(PASSES)/sqlite.json $(PASSES)/postgresql.json \
		&& [ $$sqlite = 0 ] && [ $$postgresql = 0 ]

migrate: $(INSTALLED)
	$(BIN)/python -m services.cli migrate

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

staff-token: $(INSTALLED)
	@$(BIN)/python -m services.cli staff-token "$(or $(NAME),staff)"

revoke-token: $(INSTALLED)
	@$(BIN)/python -m services.cli revoke-token "$(NAME)"

bench-bus: $(INSTALLED)
	$(BIN)/python -m bench.bus

bench-votes: $(INSTALLED)
	$(BIN)/python -m bench.votes

# A radio call to vote, an attacker and faults, on PostgreSQL (127.0.0.1:5432 or PEAK_POSTGRES).
bench-peak: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m bench.peak

bench-fraud: $(INSTALLED)
	$(BIN)/python -m bench.fraud

# make run's processes on SQLite and on PostgreSQL under open-loop votes, mails and
# confirmations (ARGS="--seconds 60 --profile" for longer runs and py-spy's view).
bench-stack: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m bench.stack $(ARGS)

bench-fuzz: $(INSTALLED)
	$(BIN)/python -m bench.fuzz

clean:
	rm -rf $(VENV) var node_modules
