# The two commands a new user needs: `make run` and `make test`.
# Both create .venv and install the project on first use (CPU torch through
# constraints.txt) and export the model to ONNX, so they work on a fresh clone.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test lint bench clean export

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) torch==2.13.0
	$(PIP) -e '.[dev]'
	touch $(STAMP)

# The ONNX export of the embedding model in var/models, so answering starts without
# torch (cold start about 2 s instead of 10): traced once (about a minute), then only
# checked. If it fails, the bot still runs on sentence-transformers and says so.
export: $(STAMP)
	-$(VENV)/bin/talkbot model export

# Build the index if there is none, then start the Discord bot when
# DISCORD_TOKEN is set, otherwise the local console with the same commands.
run: export
	$(VENV)/bin/talkbot index build --if-missing
	@if [ -n "$$DISCORD_TOKEN" ]; then \
		exec $(VENV)/bin/talkbot run; \
	else \
		echo "DISCORD_TOKEN is not set: starting the local console (type /help)."; \
		exec $(VENV)/bin/talkbot chat; \
	fi

test: export
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check bot index tests
	$(VENV)/bin/ruff format --check bot index tests

clean:
	rm -rf var .pytest_cache
