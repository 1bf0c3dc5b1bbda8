# The two set-up commands of the README: `make demo` and `make test`. Both create or reuse
# .venv and install what they need; nothing is installed by hand.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UPRLENS := $(VENV)/bin/uprlens
STAMP := $(VENV)/.installed
SHARED ?= ../shared/data

.PHONY: demo test lint eval bench train install clean-store browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test,embed]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(UPRLENS) ingest --bundled
	$(UPRLENS) classify --all
	$(UPRLENS) audit --sur CHN --cycle 3 --out out/china2018.html
	$(UPRLENS) audit --sur CHN --cycle 3

# Browser tests drive Debian's chromium (never a downloaded browser); they skip without it.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "no /usr/bin/chromium and not root: browser tests will skip"; fi; \
	fi

test: $(STAMP) browser
	$(PY) -m ruff check src tests scripts
	$(PY) -m pytest -n 2 -q

# Long evaluations and benchmarks: not part of CI. Each prints the numbers the README and the
# closing notes quote, and exits non-zero when it misses its target (make goes on to the next:
# the leading '-'). They need ../shared/data.
eval: $(STAMP)
	-$(PY) scripts/eval_reports.py
	-$(PY) scripts/eval_layouts.py
	-$(PY) scripts/eval_classify.py
	-$(PY) scripts/eval_response.py
	-$(PY) scripts/eval_similarity.py

bench: $(STAMP)
	-$(PY) scripts/bench_store.py
	-$(PY) scripts/bench_reports.py
	-$(PY) scripts/bench_classify.py
	-$(PY) scripts/bench_audit.py
	-$(PY) scripts/bench_check.py
	-$(PY) scripts/bench_web.py

# Retrain the shipped models from ../shared/data (UPR Info sessions 1-16 only), fixed seeds.
train: $(STAMP)
	$(PY) scripts/train.py
	$(PY) scripts/train_response.py

lint: $(STAMP)
	$(PY) -m ruff check src tests scripts

clean-store:
	rm -f .uprlens/uprlens.db .uprlens/uprlens.db-wal .uprlens/uprlens.db-shm
