# Two commands do all the setup on a fresh machine:
#   make run    install what the dashboard needs (first time only) and start it
#   make test   install everything, Chromium and nginx included (first time only), then lint and run all tests
#   make class  a whole class: PROCESSES dashboard processes behind nginx on port CLASS_PORT
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Extra pip options, e.g. PIP_EXTRA="--extra-index-url <PyTorch's CPU index>" for a CPU-only torch.
PIP_EXTRA ?=
PROCESSES ?= 2
CLASS_PORT ?= 8501

.PHONY: run class test lint bench chromium nginx screenshot

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_EXTRA) -r requirements.txt
	touch $@

# the package itself, editable and without re-resolving its pinned dependencies: tests, benches
# and the `warmup-viz` command import it like any installed package
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt pyproject.toml setup.py
	$(PY) -m pip install --quiet $(PIP_EXTRA) -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

run: $(VENV)/.runtime
	HF_HUB_OFFLINE=1 $(PY) -m warmup_viz.ui.serve

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# `make class`, its test and bench run Debian's nginx as a plain process with a config of their own
# (warmup_viz/ui/class_server.py); install it when it is missing (/usr/sbin is not on a user's PATH).
# RUNLEVEL=1: Debian does not start its own nginx service on port 80 as it installs it.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

class: $(VENV)/.runtime nginx
	HF_HUB_OFFLINE=1 $(PY) -m warmup_viz.ui.class_server --processes $(PROCESSES) --port $(CLASS_PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(VENV)/.dev chromium nginx lint
	HF_HUB_OFFLINE=1 $(PY) -m pytest

bench: $(VENV)/.dev chromium nginx
	$(PY) bench/bench_cli.py
	$(PY) bench/bench_schedule.py
	$(PY) bench/bench_logs.py
	$(PY) bench/bench_infer.py
	$(PY) -m bench.bench_load
	$(PY) -m bench.bench_class
	$(PY) -m bench.bench_class_nginx
	$(PY) -m bench.bench_page

screenshot: $(VENV)/.dev chromium
	$(PY) scripts/screenshot.py docs
