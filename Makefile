# The two commands: `make demo` and `make test`. Both create .venv (with the four
# distributions and the example plugin installed as editable) the first time.
# the first interpreter that runs and is 3.11+ (pyenv shims of absent versions fail the probe)
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11 python; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.demo-installed

.PHONY: demo test test-matrix venv bench clean

$(STAMP): requirements-dev.txt pyproject.toml mygrad_ops_math/pyproject.toml mygrad_ops_linalg/pyproject.toml mygrad_ops_nnet/pyproject.toml examples/mygrad-ops-extra/pyproject.toml
	@test -n "$(PYTHON)" || { echo "mygrad needs Python 3.11+ (python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

# the demo's extra (scikit-learn for the bundled digits data, matplotlib for the plot)
$(DEMO_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[demo]"
	@touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(PY) examples/demo.py

test: $(STAMP)
	$(PY) -m pytest

# the suite on every Python 3.11+ here, with the oldest and the newest NumPy (tools/test_matrix.py)
test-matrix:
	$(PYTHON) tools/test_matrix.py $(MATRIX_ARGS)

# benchmarks/README.md; e.g. make bench BENCH_ARGS="--quick --torch-python /path/to/bin/python"
bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-matrix
