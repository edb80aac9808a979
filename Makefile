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

# Jupyter refuses to run as root (common in containers) unless told it may.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

# The stored notebook outputs come from runs with 2 BLAS threads. The thread count decides
# how OpenBLAS splits a matrix product, and so the last bits of float32 sums, which a long
# training run can grow into a different fourth decimal. Pinning it lets `make test`
# reproduce the stored outputs on a machine with any number of cores.
PIN_THREADS := OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2

test: setup
	$(PIN_THREADS) $(BIN)/python -m pytest

notebooks: setup
	$(PIN_THREADS) $(BIN)/python tools/run_notebooks.py $(NB)

bench: setup
	$(BIN)/python benchmarks/benchmark.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
