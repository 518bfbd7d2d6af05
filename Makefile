# Sequence Modeling Labs — one entry point for students, instructors and CI.
#
#   make lab       create/refresh .venv, open JupyterLab on notebooks/
#   make test      create/refresh .venv, lint, unit tests, every notebook in fast mode (nbval), make docs
#   make results   every notebook in full mode -> results/*.json, then rewrite the README tables
#   make bench     the ratio benchmarks in bench/ (each ratio measured in one run)
#   make audit-claims  every lesson 5 times in fast mode (2 beside a CPU-heavy process): each claim's margin
#   make pin       re-execute notebooks (fast mode), keep only the outputs of pinned cells
#   make student   regenerate notebooks/student/ from the lessons (exercises blanked)
#   make docs      the site into build/docs/ (index.html): lessons with their outputs, guides, results, API
#   make test-browser  JupyterLab in headless Chromium runs lessons 01 and 04 (part of make test)
#   make test-install  labkit[lessons] into a venv that has the full tensorflow wheel (downloads it)
#   make clean     remove build outputs and caches (keeps .venv)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Extra flags for `jupyter lab`, e.g. make lab LAB_FLAGS=--no-browser
LAB_FLAGS ?=
# Jupyter refuses to run as root unless told; CI and containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

export PYTHONHASHSEED ?= 0

# make test runs TEST_JOBS test files at once (pytest-xdist, one file per worker so a notebook keeps
# its kernel), each worker's TensorFlow and BLAS capped at its share of the cores. nbval reads a kernel's
# messages only after each cell, so the lessons' own tqdm bars redraw once a second (TQDM_MININTERVAL):
# thousands of queued messages lose the final one, and the cell fails waiting for output.
TEST_JOBS ?= 2
CORES := $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
TEST_THREADS := $(shell echo $$(( $(CORES) / $(TEST_JOBS) > 0 ? $(CORES) / $(TEST_JOBS) : 1 )))

.PHONY: lab test test-browser test-install results bench audit-claims pin student docs clean venv

venv: $(STAMP)

# (Re)install when requirements.txt or pyproject.toml change, or the venv is broken.
$(STAMP): requirements.txt pyproject.toml
	@$(BIN)/python -c "" 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c "import sys; assert sys.version_info >= (3, 10), 'Python >= 3.10 needed'" \
		|| { echo "make: $(PYTHON) is too old; run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --port=$(PORT) $(ROOT_FLAG) $(LAB_FLAGS)

test: $(STAMP)
	$(BIN)/ruff check --quiet labkit tests bench notebooks conftest.py
	LABKIT_FAST=1 TQDM_MININTERVAL=1 OMP_NUM_THREADS=$(TEST_THREADS) TF_NUM_INTRAOP_THREADS=$(TEST_THREADS) \
		TF_NUM_INTEROP_THREADS=$(TEST_THREADS) $(BIN)/python -m pytest -p no:cacheprovider \
		-n $(TEST_JOBS) --dist loadfile -rs --durations=15 tests notebooks \
		--ignore=notebooks/student --nbval-lax --nbval-current-env --nbval-cell-timeout=900
	$(BIN)/python -m labkit docs

test-install: $(STAMP)
	LABKIT_TEST_INSTALL=1 $(BIN)/python -m pytest -p no:cacheprovider -rs tests/test_install.py

test-browser: $(STAMP)
	LABKIT_FAST=1 $(BIN)/python -m pytest -p no:cacheprovider -rs tests/test_browser.py

# labkit's executor, not nbconvert's: see labkit/notebooks.py (execute) for why.
results: $(STAMP)
	LABKIT_FAST=0 $(BIN)/python -m labkit execute --output-dir build/executed $(NOTEBOOKS)
	$(BIN)/python -m labkit results --readme

# The ratio benchmarks (minutes each); the music experiments (bench/music_*.py, lstm_vs_transformer.py)
# take from 10 minutes to hours and run one at a time, with the commands in the README's table.
RATIO_BENCHMARKS = rnn_cell_vs_simplernn lstm_cell_vs_keras_lstm attention_from_scratch_vs_keras grading_time \
	grade_throughput

bench: $(STAMP)
	@for b in $(RATIO_BENCHMARKS); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

# About 45 min on 2 cores; the margin of every claim a lesson asserts in fast mode (bench/claim_margins.py).
audit-claims: $(STAMP)
	$(BIN)/python bench/claim_margins.py --runs 5 --loaded 2 --json results/bench/claim_margins.json

pin: $(STAMP)
	LABKIT_FAST=1 $(BIN)/python -m labkit pin $(NOTEBOOKS)

# Sphinx + MyST-NB, warnings as errors, every link and image checked (labkit/docs.py); never executes a
# lesson: the full-mode runs make results leaves in build/executed when there, else the notebooks as stored.
docs: $(STAMP)
	$(BIN)/python -m labkit docs

student: $(STAMP)
	$(BIN)/python -m labkit assign $(NOTEBOOKS)

clean:
	rm -rf build results/fast .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
