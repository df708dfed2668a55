# ChiSo: `make run` starts the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT

.PHONY: install run test test-deps lint bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: install
	$(BIN)/chiso demo
	@echo "ChiSo: http://127.0.0.1:$(PORT)/  (Ctrl+C để dừng)"
	@# Reminders run beside the web server (`chiso remind --loop`) and stop when it stops.
	$(BIN)/chiso remind --loop & REMIND=$$!; \
	trap 'kill $$REMIND 2>/dev/null' EXIT INT TERM; \
	$(BIN)/chiso serve --port $(PORT)

# System packages the tests use (browser, fonts, OCR), installed when missing and possible.
test-deps:
	@./scripts/ensure-system-packages

test: install test-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/chiso check
	$(BIN)/chiso makemigrations --check --dry-run

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

messages: install
	cd chiso && ../$(BIN)/chiso makemessages -l en --no-obsolete && ../$(BIN)/chiso compilemessages -l en

clean:
	rm -rf $(VENV) data
