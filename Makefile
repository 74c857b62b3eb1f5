# The two commands the README starts with: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install db seed serve e2e bench clean

$(BIN)/xiechuang: requirements.txt pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(BIN)/xiechuang

install: $(BIN)/xiechuang

run: install
	$(BIN)/xiechuang db upgrade
	$(BIN)/xiechuang seed demo
	$(BIN)/xiechuang index rebuild
	$(BIN)/xiechuang serve --port $(PORT)

test: install
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf var
