# survey-bot: `make run` serves the bot and the staff site; `make test` checks everything.
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 3978
STAMP  := $(VENV)/.installed

.PHONY: run test lint types pytest bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/survey-bot serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) scripts/run_tests.py

test: lint types pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
