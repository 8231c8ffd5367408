# Two commands do all set-up: `make reports` and `make test`.
# Each (re)creates .venv when it is missing or when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PARAMS := $(sort $(wildcard params/*.yaml))
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9].[0-9][0-9]-*.ipynb))
export PYTHONHASHSEED := 0

.PHONY: all venv data reports test lint format lab bench notebooks clean-reports help

all: reports

help:
	@echo "make reports   create .venv, install, fetch data, run every params/*.yaml report"
	@echo "make test      create .venv if needed, lint, unit + integration tests, nbval"
	@echo "make lab       open JupyterLab on notebooks/"
	@echo "make notebooks re-execute the committed notebooks in place (after changing them)"
	@echo "make bench     run the performance scripts in bench/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

data: $(STAMP)
	$(BIN)/python -m aftersales.datasets fetch --all
	$(BIN)/python -m aftersales.datasets example

reports: data
	$(BIN)/python -m aftersales.report $(PARAMS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint data
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/notebooks/sanitize.cfg \
		--nbval-cell-timeout 1200 -p no:cacheprovider $(NOTEBOOKS)

notebooks: data
	$(BIN)/python -m aftersales.report --in-place $(NOTEBOOKS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: data
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-reports:
	find reports -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
