# `make` or `make help` lists the targets. The two commands of the README:
#   make lab    set up .venv for a student and open JupyterLab
#   make test   set up .venv for a maintainer and run every test, as CI does
#
# Installing uses uv (a fast installer) when it is on PATH; otherwise it installs uv from PyPI
# into .tools/ first (a few seconds), and falls back to pip if that fails. Every install is
# pinned by requirements/constraints.txt, the versions the stored outputs were made with.
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
TOOLS       := .tools
CONSTRAINTS := requirements/constraints.txt
STUDENT     := notebooks,fast
MAINTAINER  := dev

.PHONY: help setup setup-lab lab test notebooks numeric-setups assignments grade bench notebook-times \
	lock clean

# Each target's line is the text after its `##`.
help:
	@echo "usage: make TARGET   (a student needs only 'make lab')"
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)/  \1\t\2/p' $(MAKEFILE_LIST) | expand -t 18

setup: $(VENV)/.ready-dev  ## only set up the maintainer's .venv (what make test uses)
setup-lab: $(VENV)/.ready-lab  ## only set up the student's .venv (what make lab uses)

# Prints the path of a uv executable, installing one into .tools/ if there is none; prints
# nothing if that fails (then pip is used).
FIND_UV = command -v uv 2>/dev/null || { test -x $(TOOLS)/bin/uv || \
	{ $(PYTHON) -m venv $(TOOLS) >/dev/null && \
	  $(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv >/dev/null; } \
	  || rm -rf $(TOOLS); test -x $(TOOLS)/bin/uv && echo $(TOOLS)/bin/uv; }

# $(call install,EXTRAS): create .venv if needed and install the package (editable) with
# EXTRAS, pinned by the constraints. uv compiles the bytecode at install, as pip does: where
# Python may not write it (PYTHONDONTWRITEBYTECODE, common in containers), every notebook's
# kernel would otherwise compile NumPy, pandas, matplotlib and Jupyter from source again,
# about 1.5 s per notebook.
define install
	@$(PYTHON) -c 'import sys; sys.version_info >= (3, 10) or sys.exit("Python 3.10 or newer is needed; this is " + sys.version.split()[0])'
	@uv=$$($(FIND_UV)); \
	if [ -n "$$uv" ]; then \
		echo "installing .[$(1)] into $(VENV) with $$uv"; \
		"$$uv" venv --quiet --seed --allow-existing --python $(PYTHON) $(VENV) && \
		"$$uv" pip install --quiet --compile-bytecode --python $(BIN)/python -c $(CONSTRAINTS) \
			-e ".[$(1)]"; \
	else \
		echo "installing .[$(1)] into $(VENV) with pip (slower: uv could not be installed)"; \
		$(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e ".[$(1)]"; \
	fi
	@$(BIN)/python -c "$$UNPINNED_NOTE"
endef

# The constraints pin the Python the stored outputs were made on (3.11.5 or newer: each
# line's marker). On an older Python they pin nothing; say so, and what was installed.
define UNPINNED_NOTE
import sys
from importlib.metadata import PackageNotFoundError, version

def installed(name):
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return None

if sys.version_info < (3, 11, 5):
    found = [v for n in ["numpy", "pandas", "matplotlib", "jupyterlab"] if (v := installed(n))]
    print("note: $(CONSTRAINTS) pins versions for Python 3.11.5 or newer; on Python",
          sys.version.split()[0], "the newest versions that support it were installed instead",
          "(a figure's last digits may differ from the stored outputs):", ", ".join(found))
endef
export UNPINNED_NOTE

# Re-install whenever the dependency lists change. The maintainer's environment holds the
# student's, so it satisfies `make lab` too.
$(VENV)/.ready-lab: pyproject.toml $(CONSTRAINTS)
	$(call install,$(STUDENT))
	@touch $@

$(VENV)/.ready-dev: pyproject.toml $(CONSTRAINTS)
	$(call install,$(MAINTAINER))
	@touch $@ $(VENV)/.ready-lab

# Jupyter refuses to run as root (common in containers) unless told it may.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/.ready-lab  ## a student's .venv (package, JupyterLab, widgets, Numba), then open the notebooks
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

# The stored notebook outputs come from runs with 2 BLAS threads. The thread count decides
# how OpenBLAS splits a matrix product, and so the last bits of float32 sums, which a long
# training run can grow into a different fourth decimal. Pinning it lets `make test`
# reproduce the stored outputs on a machine with any number of cores.
PIN_THREADS := OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2

# Every test (unit tests, nbval over the notebooks, the wheel and the lower bounds), then the
# package's unit tests again on the NumPy versions of the compiled loops (as without Numba):
# not the tests that run notebooks, a browser or nbgrader, which the first run covers.
NOT_UNIT := $(addprefix --ignore=tests/,test_project.py test_exercise_checks.py test_browser.py \
	test_grading_e2e.py test_numeric_setups.py test_figures.py)

test: $(VENV)/.ready-dev  ## a maintainer's .venv (everything), then every test, as CI runs it
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" $(PIN_THREADS) $(BIN)/python -m pytest
	MLP_FROM_SCRATCH_NO_NUMBA=1 $(PIN_THREADS) $(BIN)/python -m pytest -m "not install" $(NOT_UNIT) tests

notebooks: $(VENV)/.ready-dev  ## re-execute notebooks and store clean outputs [NB=notebooks/01_perceptron.ipynb]
	$(PIN_THREADS) $(BIN)/python tools/run_notebooks.py $(NB)

numeric-setups: $(VENV)/.ready-dev  ## every notebook under other BLAS kernels, threads, NumPy path [NB=…]
	$(BIN)/python tools/numeric_setups.py $(NB)

# The student release for instructors (INSTRUCTORS.md): one nbgrader assignment per notebook,
# solutions replaced by stubs, hidden tests removed, in course/release/ (git-ignored).
assignments: $(VENV)/.ready-dev  ## the nbgrader student release, in course/release/
	$(BIN)/python tools/course.py

# Autograde every submission in course/submitted/ with WORKERS nbgrader processes at once, on
# the gradebook at DB (PostgreSQL for more than one worker; INSTRUCTORS.md).
WORKERS ?= 2
grade: $(VENV)/.ready-dev  ## autograde the whole class in parallel: WORKERS=4 DB=postgresql+psycopg://… [JUDGE_ONLY=1]
	@test -n "$(DB)" || { echo "make grade needs DB=<the gradebook's SQLAlchemy URL> (see INSTRUCTORS.md)"; exit 2; }
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tools/grade.py --workers $(WORKERS) --db "$(DB)" \
		$(if $(filter 1,$(JUDGE_ONLY)),--judge-only)

bench: $(VENV)/.ready-lab  ## the speed benchmark [ARGS=--quick]
	$(BIN)/python benchmarks/benchmark.py $(ARGS)

notebook-times: $(VENV)/.ready-dev  ## each notebook's execution time
	$(PIN_THREADS) $(BIN)/python benchmarks/notebook_times.py $(ARGS)

# Pin the versions now in .venv (plus any new dependency, at its newest version) for every
# extra; each pin is marked for the Pythons it was made for.
lock: $(VENV)/.ready-dev  ## re-pin requirements/constraints.txt from .venv
	@mkdir -p $(TOOLS); uv=$$($(FIND_UV)); test -n "$$uv" || { echo "make lock needs uv"; exit 1; }; \
	"$$uv" pip freeze --python $(BIN)/python --exclude-editable > $(TOOLS)/installed.txt && \
	"$$uv" pip compile --quiet pyproject.toml --all-extras --python $(BIN)/python --no-header \
		--no-annotate --no-emit-package setuptools -c $(TOOLS)/installed.txt -o $(TOOLS)/lock.txt && \
	{ sed -n '/^#/p;/^#/!q' $(CONSTRAINTS); \
	  sed 's/$$/ ; python_full_version >= "3.11.5"/' $(TOOLS)/lock.txt; } > $(TOOLS)/constraints.txt && \
	mv $(TOOLS)/constraints.txt $(CONSTRAINTS) && echo "wrote $(CONSTRAINTS)"

clean:  ## remove .venv, .tools and caches
	rm -rf $(VENV) $(TOOLS) .pytest_cache .hypothesis *.egg-info
