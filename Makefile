# planning-kit: `make run` serves the workbook, `make test` runs every test layer.
# Both set up .venv themselves and skip the install when pyproject.toml has not changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS ?= dev,postgres
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8866
PYTEST_ARGS ?=
# Jupyter's and IPython's folders for tests and benchmarks: never the user's $HOME.
TEST_HOME := $(CURDIR)/build/test-home
TEST_ENV := JUPYTER_CONFIG_DIR=$(TEST_HOME)/jupyter-config \
	JUPYTER_DATA_DIR=$(TEST_HOME)/jupyter-data \
	JUPYTER_RUNTIME_DIR=$(TEST_HOME)/jupyter-runtime \
	IPYTHONDIR=$(TEST_HOME)/ipython

.PHONY: run test lint bench clean distclean install chromium FORCE

run: $(STAMP)
	$(VENV)/bin/planning-kit setup
	exec $(VENV)/bin/planning-kit serve --host $(HOST) --port $(PORT)

# Under CI (CI set, no PLANNING_KIT_TEST_POSTGRES_URL) the store tests also need PostgreSQL:
# .ci/with-postgres runs pytest beside a throwaway server.
test: $(STAMP) chromium
	rm -rf $(TEST_HOME) && mkdir -p $(TEST_HOME)
	@if [ -n "$$CI" ] && [ -z "$$PLANNING_KIT_TEST_POSTGRES_URL" ]; then \
		echo "$(TEST_ENV) .ci/with-postgres $(PY) -m pytest --nbval-lax $(PYTEST_ARGS)"; \
		$(TEST_ENV) .ci/with-postgres $(PY) -m pytest --nbval-lax $(PYTEST_ARGS); \
	else \
		echo "$(TEST_ENV) $(PY) -m pytest --nbval-lax $(PYTEST_ARGS)"; \
		$(TEST_ENV) $(PY) -m pytest --nbval-lax $(PYTEST_ARGS); \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP) chromium
	rm -rf $(TEST_HOME) && mkdir -p $(TEST_HOME)
	@set -e; for script in benchmarks/*.py; do \
		echo "== $$script"; $(TEST_ENV) $(PY) $$script; \
	done

install: $(STAMP)

# The venv: Debian's python3 needs the python3-venv package for `-m venv` (installed when root).
$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's python3-venv"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
		fi; \
		$(PYTHON) -m venv $(VENV); }

# Which extras the venv holds; rewritten (and so reinstalled) only when EXTRAS changes.
$(VENV)/.extras: FORCE | $(PY)
	@echo '$(EXTRAS)' | cmp -s - $@ || echo '$(EXTRAS)' > $@

$(STAMP): pyproject.toml $(VENV)/.extras | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	@touch $@

# Debian's Chromium for the browser tests (never `playwright install`).
chromium:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's chromium"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is not on PATH: browser tests skip (and fail under CI)"; \
		fi; \
	fi

clean:
	rm -rf build dist .pytest_cache .ruff_cache planning_kit.egg-info
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) \
		-type d -print -exec rm -rf {} +

# Also removes the venv; the database in var/ is kept.
distclean: clean
	rm -rf $(VENV)
