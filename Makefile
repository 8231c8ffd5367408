# Two commands do all set-up: `make reports` and `make test`.
# Each (re)creates .venv when it is missing or when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PARAMS := $(sort $(wildcard params/*.yaml))
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9].[0-9][0-9]-*.ipynb))
export PYTHONHASHSEED := 0

.PHONY: all venv dev data reports test lint format lab bench drift notebooks clean-reports help

all: reports

help:
	@echo "make reports   create .venv, install, fetch data, run every params/*.yaml report (JOBS=n)"
	@echo "make test      create .venv if needed, add the test tools and Spark, lint, unit + integration tests, nbval"
	@echo "make venv      create .venv with the project and what the reports need"
	@echo "make dev       add the test tools and the Spark engine (pyspark) to .venv"
	@echo "make test-perturbed  nbval under other CPU kernels (1 BLAS thread, no SIMD dispatch)"
	@echo "make lab       open JupyterLab on notebooks/"
	@echo "make notebooks re-execute the committed notebooks in place (after changing them)"
	@echo "make bench     run the performance scripts in bench/ (not the drift measurement)"
	@echo "make drift     measure how far notebook outputs move under perturbed kernels (~1 h)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the project and its dependencies into $(VENV) (a few minutes the first time)"
	@# pip upgrades itself only when too old for an editable pyproject install (PEP 660, pip 21.3):
	@# the venv's bundled pip does the job, and a self-upgrade costs a download and a reinstall
	$(BIN)/python -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (21, 3))' \
		|| $(BIN)/python -m pip install --upgrade --progress-bar on pip
	$(BIN)/python -m pip install --progress-bar on -e .
	@touch $(STAMP)

# The reports need only the project; the tests add pytest, ruff, lifetimes and the Spark engine
# (pyspark, a large download built once from source), so `make reports` does not wait for them.
$(DEV_STAMP): $(STAMP)
	@echo "adding the test tools and the Spark engine (pyspark) to $(VENV)"
	$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	@touch $(DEV_STAMP)

venv: $(STAMP)

dev: $(DEV_STAMP)

data: $(STAMP)
	$(BIN)/python -m aftersales.datasets fetch --all
	$(BIN)/python -m aftersales.datasets example

# The notebooks of all runs share a pool of kernels (one per CPU); `make reports JOBS=1` runs the files in turn.
reports: data
	$(BIN)/python -m aftersales.report $(if $(JOBS),--jobs $(JOBS),) $(PARAMS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# nbval re-executes the notebooks; tests/notebooks/nbval_numbers.py compares their numbers within
# a stated tolerance (last shown digit + --nbval-rtol), since CPU kernels differ in the last bits.
NBVAL = PYTHONPATH=tests/notebooks$${PYTHONPATH:+:$$PYTHONPATH} $(BIN)/python -m pytest \
	-p nbval_numbers --nbval --nbval-current-env --nbval-sanitize-with tests/notebooks/sanitize.cfg \
	--nbval-cell-timeout 1200 -p no:cacheprovider

# pytest runs on both cores (pytest-xdist): each test file stays on one worker, so a file's module
# fixtures (real-data preparations, report runs) are built once; --durations lists the slowest tests.
test: lint data
	$(BIN)/python -m pytest tests -n 2 --dist loadfile --durations=25
	$(NBVAL) $(NOTEBOOKS)

# The same nbval run with other arithmetic kernels: one OpenBLAS thread and another OpenBLAS core
# type (other GEMM/solver kernels), and numpy's runtime SIMD dispatch switched off (baseline only).
PERTURB_BLAS_CORE ?= Nehalem
PERTURB = OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=$(PERTURB_BLAS_CORE) \
	NPY_DISABLE_CPU_FEATURES="$$($(BIN)/python -c 'import numpy._core._multiarray_umath as m; print(*m.__cpu_dispatch__)')"

.PHONY: test-perturbed
test-perturbed: data $(DEV_STAMP)
	$(PERTURB) $(NBVAL) $(NOTEBOOKS)

notebooks: data $(DEV_STAMP)
	$(BIN)/python -m aftersales.report --in-place $(NOTEBOOKS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

# nbval_drift.py re-executes every notebook under each perturbed kernel (about an hour): `make drift`.
bench: data $(DEV_STAMP)
	@for script in $(filter-out bench/nbval_drift.py,$(sort $(wildcard bench/*.py))); do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

drift: data $(DEV_STAMP)
	$(BIN)/python bench/nbval_drift.py

clean-reports:
	find reports -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
