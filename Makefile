# ChiSo: `make run` starts the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
DEMO_SMTP_PORT ?= 8025
export PORT

.PHONY: install run test test-deps lint layers bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: install
	$(BIN)/chiso demo
	@echo "ChiSo: http://127.0.0.1:$(PORT)/  (Ctrl+C để dừng)"
	@# Reminders (`chiso remind --loop`) and background jobs (`chiso jobs --loop`) run beside the web server and stop when it stops. Without an
	@# EMAIL_HOST in the environment the demo's mail goes to a local SMTP server (aiosmtpd) that keeps
	@# each message in the Maildir $${CHISO_DATA_DIR:-data}/mail. The web server refuses the built-in demo
	@# key, so the demo gets a random CHISO_SECRET_KEY of its own, made once in $${CHISO_DATA_DIR:-data}/secret-key.
	if [ -z "$$EMAIL_HOST" ]; then \
	  $(BIN)/python -m aiosmtpd -n -l 127.0.0.1:$(DEMO_SMTP_PORT) -c aiosmtpd.handlers.Mailbox \
	    "$${CHISO_DATA_DIR:-data}/mail" & SMTP=$$!; \
	  export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$(DEMO_SMTP_PORT); \
	  echo "Thư nhắc việc của bản chạy thử: $${CHISO_DATA_DIR:-data}/mail/new/"; \
	fi; \
	export CHISO_BASE_URL="$${CHISO_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
	key="$${CHISO_DATA_DIR:-data}/secret-key"; mkdir -p "$${CHISO_DATA_DIR:-data}"; \
	if [ -z "$$CHISO_SECRET_KEY" ]; then \
	  test -s "$$key" || (umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > "$$key"); \
	  export CHISO_SECRET_KEY="$$(cat "$$key")"; \
	fi; \
	$(BIN)/chiso remind --loop & REMIND=$$!; \
	$(BIN)/chiso jobs --loop & JOBS=$$!; \
	$(BIN)/chiso api webhooks --loop & HOOKS=$$!; \
	trap 'kill $$REMIND $$JOBS $$HOOKS $$SMTP 2>/dev/null' EXIT INT TERM; \
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
	$(BIN)/python -m chiso.layers

# The layer order (chiso/layers.py): prints the floors, any upward import and any import cycle between apps.
layers: install
	$(BIN)/python -m chiso.layers

bench: install
	@# every benchmark runs even when one misses its target; a summary table at the end; exit 1 only on an error
	$(BIN)/python scripts/run_benchmarks.py $(BENCH)

messages: install
	cd chiso && ../$(BIN)/chiso makemessages -l en --no-obsolete && ../$(BIN)/chiso compilemessages -l en

clean:
	rm -rf $(VENV) data
