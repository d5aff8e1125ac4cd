# The two commands: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format staff-token revoke-token migrate bench-bus clean

$(INSTALLED): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

run: $(INSTALLED)
	$(BIN)/python -m services.cli run

test: $(INSTALLED) lint
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

staff-token: $(INSTALLED)
	@$(BIN)/python -m services.cli staff-token "$(or $(NAME),staff)"

revoke-token: $(INSTALLED)
	@$(BIN)/python -m services.cli revoke-token "$(NAME)"

bench-bus: $(INSTALLED)
	$(BIN)/python -m bench.bus

clean:
	rm -rf $(VENV) var
