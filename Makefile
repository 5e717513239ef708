# Two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint migrate locales bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-extract every user-facing string and merge it into both catalogues;
# then translate the new entries in locales/ru/LC_MESSAGES/messages.po.
locales: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k __ -k lazy_gettext -k ngettext:1,2 \
		-k lazy_ngettext:1,2 --no-location --sort-output --omit-header -o locales/messages.pot .

	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages -w 100 \
		--ignore-obsolete

bench: $(STAMP)
	$(BIN)/python bench/dispatch.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
