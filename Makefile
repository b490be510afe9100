# juesuan — `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: help env report test chromium bench lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

env: $(STAMP)  ## create .venv from the lock file (done automatically by report and test)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PIP_EXTRA_INDEX_URL=https://pypi.org/simple $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	PIP_EXTRA_INDEX_URL=https://pypi.org/simple $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m juesuan.fonts  # the CJK font pages embed from, prepared once per machine (~8 s)
	@rm -f $(VENV)/.installed-*
	@touch $@

report: $(STAMP)  ## audit the bundled example into reports/
	$(BIN)/juesuan audit params/songshan-gov-office.yaml -o reports --exit-zero

test: $(STAMP) chromium  ## run the whole test suite
	$(BIN)/python -m pytest

# The report's browser test opens it in Debian's chromium. Installed here when missing and this
# is root with apt-get; otherwise the test is skipped and pytest's summary says why.
chromium:  ## install Debian's chromium for the report's browser test (root only; else that test skips)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium (Debian) for the report's browser test"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
	    || { DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } \
	    || echo "could not install chromium: the report's browser test will be skipped"; \
	else echo "chromium is not installed and cannot be (needs root and apt-get): the report's browser test will be skipped"; fi

bench: $(STAMP)  ## run the benchmarks in bench/
	$(BIN)/python bench/run_all.py

lock:  ## re-resolve requirements.lock from pyproject.toml (needs uv)
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --index-url https://pypi.org/simple --no-header -o requirements.lock

clean:  ## remove the environment and generated reports
	rm -rf $(VENV) reports/*/ reports/index.html
