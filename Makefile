# Two commands do everything (README): `make report` and `make test`.
# Each step is defined once, in Python (vhcs_analysis/tasks.py), so that Windows and macOS
# run the same steps without make: `python -m vhcs_analysis.tasks report|test|…`.
# The virtual environment is created on first use from pyproject.toml, with the exact
# versions of requirements/lock.txt (the notebooks' stored outputs depend on them).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TASKS := $(BIN)/python -m vhcs_analysis.tasks

.PHONY: report test test-fast lint test-sample test-notebooks test-slow notebooks lab bench env

report: $(STAMP)  ## Build reports/bao-cao-so-ket-nq01.pdf (sample data if data/raw is empty)
	$(TASKS) report

test: $(STAMP)  ## ruff and mypy, unit tests, then strict nbval on every notebook
	$(TASKS) test

test-fast: $(STAMP)
	$(TASKS) test-fast

lint: $(STAMP)  ## ruff and mypy only (both also run first in `make test`)
	$(TASKS) lint

# Always regenerated (about 30 s), so the notebooks are checked against what the current
# code makes of the sample, never against a stale copy.
test-sample: $(STAMP)
	$(TASKS) test-sample

test-notebooks: $(STAMP)
	$(TASKS) test-notebooks

test-slow: $(STAMP)  ## Calibration by simulation (minutes)
	$(TASKS) test-slow

notebooks: $(STAMP)  ## Re-execute notebooks in place on the sample (stores outputs)
	$(TASKS) notebooks

lab: $(STAMP)  ## Open the notebooks in JupyterLab (Vietnamese interface) with this environment
	$(TASKS) lab

bench: $(STAMP)  ## Speed and memory benchmarks (table + benchmarks/results/latest.json)
	$(TASKS) bench

env: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m vhcs_analysis.tasks env --venv $(VENV)
	touch $(STAMP)
