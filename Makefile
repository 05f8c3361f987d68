# The workbook's commands. A newcomer needs two: `make lab` and `make test` (see README.md).
# The maintainer's commands run the tooling in tools/ (python -m tools ...), from this folder.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
INSTRUCTOR_STAMP := $(VENV)/.instructor-requirements-installed
PORT ?= 8888
LAB_ARGS ?=
PYTEST_ARGS ?=
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# The Simplified Chinese edition (简体中文版): generated from the notebooks and their translations, executed.
ZH ?= build/zh
ZH_NOTEBOOKS := $(patsubst notebooks/%,$(ZH)/%,$(NOTEBOOKS))
# The first Python 3.11+ on PATH; choose another with `make test PYTHON=python3.12`.
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; exit; }; done; echo python3)
endif
# JupyterLab refuses to run as root unless told to (containers, CI).
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: help setup lab lab-zh zh test test-fast test-arithmetic test-browser execute student slides lint solutions bench clean clean-all
.PHONY: book

help:
	@echo "make lab        set up (first time: a few minutes) and open the workbook in JupyterLab"
	@echo "make lab-zh     the same in Simplified Chinese (简体中文): the Chinese edition, in a Chinese JupyterLab"
	@echo "make zh         write the Chinese edition, executed, to build/zh/ (make lab-zh does it when needed)"
	@echo "make test       set up and run every test: unit tests and all notebooks (nbval), on every core"
	@echo "make test-fast  only the tests that start no kernel, server or browser: while you work on course_utils"
	@echo "make test-arithmetic  every notebook under each other arithmetic alone (BLAS kernels, oneDNN), and a third"
	@echo "make test-browser  only the real-browser test: Run All of the student edition in JupyterLab (Chromium)"
	@echo "make execute    re-execute the notebooks in place (after changing one, or course_utils)"
	@echo "make student    write the student edition (solutions removed) to build/student/"
	@echo "make slides     write reveal.js slides of every notebook to build/slides/"
	@echo "make lint       check the notebooks against the course's rules (shape, outputs, widget state)"
	@echo "make solutions  store the notebooks' solutions for ex1.solution() (after changing an exercise)"
	@echo "make bench      time every notebook and cell against the floor; writes build/benchmark.json"
	@echo "make book       build the course's static site (Jupyter Book, offline) into build/book/_build/html"
	@echo "make assignments  write an nbgrader course (graded, hidden tests; release/) to build/grading/"
	@echo "make grade-demo   grade four simulated students on every notebook with nbgrader; asserts the scores"
	@echo "make clean      remove build/ and caches;  make clean-all  also removes .venv"

setup: $(STAMP)

# Create .venv when missing; install the pinned requirements only when they changed.
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "No Python found. Install Python 3.11 or newer (python.org), then run make again."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "This course needs Python 3.11 or newer, but $(PYTHON) is Python %d.%d. Install Python 3.11+ and run, for example: make test PYTHON=python3.11" % sys.version_info[:2])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

# The instructor's tools (grading, the book) on top: for make test and the instructor's targets, not for make lab.
$(INSTRUCTOR_STAMP): $(STAMP) requirements-instructor.txt
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-instructor.txt
	@touch $@

# .jupyter-config/ switches nbgrader's JupyterLab extensions off for the learners' Lab (its menu, Validate button and
# Create Assignment panel are the instructor's; see docs/instructor_guide.md); `jupyter lab` alone keeps them.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter-config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.root_dir=. $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_start_here.ipynb

# The Chinese edition, in JupyterLab's Chinese interface (its own settings folder: English Lab keeps its language).
lab-zh: $(ZH_NOTEBOOKS)
	@mkdir -p $(ZH)/.lab-settings/@jupyterlab/translation-extension
	@echo '{"locale": "zh_CN"}' > $(ZH)/.lab-settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings
	COURSE_LANGUAGE=zh JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter-config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.root_dir=$(ZH) --LabApp.user_settings_dir=$(ZH)/.lab-settings $(ROOT_FLAG) $(LAB_ARGS) $(ZH)/00_start_here.ipynb

zh: $(ZH_NOTEBOOKS)

# Each notebook of the edition is rebuilt when its English, its translation or the code behind its outputs changes.
$(ZH)/%.ipynb: notebooks/%.ipynb locale/zh_CN/notebooks/%.po course_utils/locale/zh_CN/LC_MESSAGES/course_utils.mo \
		$(wildcard course_utils/*.py course_utils/exercises/*.py) tools/translate.py | $(STAMP)
	$(BIN)/python -m tools zh $< --out $(ZH)

test: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test-fast: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m pytest tests -m "not slow" -n auto $(PYTEST_ARGS)

# The stored outputs under every kind of arithmetic the tests emulate, one at a time (make test runs two together).
test-arithmetic: $(STAMP)
	COURSE_EVERY_ARITHMETIC=1 $(BIN)/python -m pytest notebooks -n auto -k "not twice" $(PYTEST_ARGS)

# Fails (instead of skipping) when Chromium is missing: on Debian, apt-get install chromium.
test-browser: $(STAMP)
	COURSE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/test_browser.py $(PYTEST_ARGS)

execute: $(STAMP)
	$(BIN)/python -m tools execute $(NOTEBOOKS)

student: $(STAMP)
	$(BIN)/python -m tools student $(NOTEBOOKS) --out build/student

slides: $(STAMP)
	$(BIN)/python -m tools slides $(NOTEBOOKS) --out build/slides

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# The static site from the stored outputs (never re-executed); its scripts come from pinned npm tarballs, cached in
# build/npm/ (tools/book.py).
book: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m tools book --out build/book

# Those npm tarballs, downloaded with the setup of make test (again after make clean, or when the pins change), so
# that the site's tests read only the cache: make test runs offline once set up.
NPM_FETCHED := build/npm/.fetched
test: $(NPM_FETCHED)
$(NPM_FETCHED): tools/book.py | $(INSTRUCTOR_STAMP)
	$(BIN)/python -m tools book --fetch
	@touch $@

lint: $(STAMP)
	$(BIN)/python -m tools lint $(NOTEBOOKS)

solutions: $(STAMP)
	$(BIN)/python -m tools solutions $(NOTEBOOKS)

# Grading with nbgrader (docs/instructor_guide.md): the course generated from the notebooks, and the whole chain
# (autograde, feedback, export to build/grading/grades.csv) on four simulated students.
.PHONY: assignments grade-demo
assignments: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m tools assignments $(NOTEBOOKS) --out build/grading

grade-demo: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m tools grade_demo $(NOTEBOOKS) --out build/grading

clean:
	rm -rf build .pytest_cache *.egg-info
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

clean-all: clean
	rm -rf $(VENV)
