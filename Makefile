# The two commands of the README:
#   make lab    set up .venv and open the notebooks in JupyterLab
#   make test   set up .venv and run every test: unit tests and nbval over the notebooks
# and, for maintainers:
#   make notebooks [NB=notebooks/01_perceptron.ipynb]   re-execute notebooks, store clean outputs
#   make bench [ARGS=--quick]                            the speed benchmark
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: setup lab test notebooks bench clean

setup: $(READY)

# Re-install whenever pyproject.toml (the dependency list) changes.
$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.version_info >= (3, 10) or sys.exit("Python 3.10 or newer is needed; this is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

lab: setup
	$(BIN)/jupyter lab notebooks/

test: setup
	$(BIN)/python -m pytest

notebooks: setup
	$(BIN)/python tools/run_notebooks.py $(NB)

bench: setup
	$(BIN)/python benchmarks/benchmark.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
