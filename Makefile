# Two commands do everything (README): `make report` and `make test`.
# The virtual environment is created on first use from pyproject.toml, with the exact
# versions of requirements/lock.txt (the notebooks' stored outputs depend on them).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_SAMPLE := build/test-sample
# Absolute: nbval starts each kernel in notebooks/, so relative paths would point there.
NBVAL_ENV := VHCS_RAW=$(CURDIR)/$(TEST_SAMPLE)/raw VHCS_PROCESSED=$(CURDIR)/$(TEST_SAMPLE)/processed VHCS_REPORTS=$(CURDIR)/$(TEST_SAMPLE)/reports MPLBACKEND=Agg PYTHONHASHSEED=0

.PHONY: report test test-fast test-sample test-notebooks test-slow notebooks lab bench env

report: $(STAMP)  ## Build reports/bao-cao-so-ket-nq01.pdf (sample data if data/raw is empty)
	@if [ -z "$$(find data/raw -type f ! -name '.gitkeep' -print -quit 2>/dev/null)" ]; then \
		echo "data/raw trống: tạo DỮ LIỆU MẪU"; \
		$(BIN)/vhcs sample --out data/raw --truth-out data/sample_truth; \
	fi
	$(BIN)/vhcs report

test: test-fast test-notebooks  ## Unit tests, then strict nbval on every notebook

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n 2 -q

# Always regenerated (about 30 s), so the notebooks are checked against what the current
# code makes of the sample, never against a stale copy.
test-sample: $(STAMP)
	rm -rf $(TEST_SAMPLE)
	$(BIN)/vhcs sample --out $(TEST_SAMPLE)/raw --truth-out $(TEST_SAMPLE)/truth
	$(BIN)/vhcs clean --raw $(TEST_SAMPLE)/raw --out $(TEST_SAMPLE)/processed

test-notebooks: test-sample
	$(NBVAL_ENV) $(BIN)/python -m pytest -p no:xdist --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/ -q -o testpaths=notebooks

test-slow: $(STAMP)  ## Calibration by simulation (minutes)
	$(BIN)/python -m pytest -m slow -n 2 -q

notebooks: test-sample  ## Re-execute notebooks in place on the sample (stores outputs)
	$(NBVAL_ENV) $(BIN)/python -m vhcs_analysis.report.notebooks --in-place

# The interface in Vietnamese: jupyter/lab/settings/overrides.json sets the language pack's
# locale (jupyterlab-language-pack-vi-vn); LAB_ARGS adds options (e.g. --no-browser).
LAB_SETTINGS := $(CURDIR)/jupyter/lab/settings
lab: $(STAMP)  ## Open the notebooks in JupyterLab (Vietnamese interface) with this environment
	$(BIN)/jupyter lab --LabApp.app_settings_dir=$(LAB_SETTINGS) $(LAB_ARGS) notebooks/

bench: $(STAMP)  ## Speed and memory benchmarks (table + benchmarks/results/latest.json)
	$(BIN)/python -m benchmarks

env: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/lock.txt -e ".[dev]"
	@# warm matplotlib's font cache so its first-run message never reaches a notebook
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot as plt; plt.figure()"
	touch $(STAMP)
