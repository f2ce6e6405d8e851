# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOME_DIR ?= $(CURDIR)/var
DEMO_DIR ?= $(CURDIR)/var/demo
BIND   ?= 127.0.0.1:5013
WORKERS ?= 4
PYTEST_ARGS ?=

.PHONY: run test install system-deps lint demo clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian packages the tests talk to: a real redis-server and a real browser.
# Installed only when missing, and only when running as root.
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing (install them with apt-get as root)"; exit 1; \
	  fi; \
	fi

demo: $(STAMP)
	@[ -f $(DEMO_DIR)/wards.csv ] || $(BIN)/chatmrpt demo-data --wards 300 --seed 7 --out $(DEMO_DIR)

run: $(STAMP) demo
	CHATMRPT_HOME=$(HOME_DIR) $(BIN)/chatmrpt serve --bind $(BIND) --workers $(WORKERS)

# --dist worksteal: each worker starts with half of the tests in collection order and, when
# it runs out, takes half of what the other has not started. The default (--dist load)
# hands the first worker the first eighth of the collection at once (browser, eval and
# integration: nearly all of the slow tests) and leaves the other idle once the unit tests
# are done.
test: $(STAMP) system-deps
	$(BIN)/python -m ruff check chatmrpt tests bench
	$(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check chatmrpt tests bench

bench: $(STAMP)
	$(BIN)/python bench/analysis.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis test-artifacts
