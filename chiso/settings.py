"""ChiSo settings: everything that varies between machines comes from the environment."""

import logging
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} phải là true hoặc false, không phải {raw!r}.")


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} phải là một số nguyên, không phải {raw!r}.") from exc
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"từ {minimum}" if maximum is None else f"từ {minimum} đến {maximum}"
        raise ImproperlyConfigured(f"{name} phải {bounds}, không phải {value}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} phải là một trong {', '.join(choices)}, không phải {value!r}.")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} phải là tên múi giờ (ví dụ Asia/Ho_Chi_Minh), không phải {value!r}.") \
            from exc
    return value


def env_url(name: str, default: str) -> str:
    """An absolute http(s) address without the trailing slash."""
    value = env_str(name, default).rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name} phải bắt đầu bằng http:// hoặc https://, không phải {value!r}.")
    return value


# Data directory of the checkout: the embedded SQLite file and uploaded documents live here.
DATA_DIR = Path(env_str("CHISO_DATA_DIR", str(PROJECT_DIR / "data")))

DEBUG = env_bool("CHISO_DEBUG", False)
# The fixed key lets tests and one-off commands run on a fresh checkout. The web server refuses it when
# debug is off (chiso.web.checks): `make run` passes a key of its own, kept in the data directory.
DEMO_SECRET_KEY = "chiso-local-demo-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("CHISO_SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = env_list("CHISO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CHISO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "chiso.accounts",
    "chiso.org",
    "chiso.frameworks",
    "chiso.plans",
    "chiso.audit",
    "chiso.periods",
    "chiso.notifications",
    "chiso.jobs",
    "chiso.tracking",
    "chiso.reports",
    "chiso.dossiers",
    "chiso.assessment",
    "ninja",  # the API's Swagger UI assets, served by the app (no CDN)
    "chiso.api",
    "chiso.survey",
    "chiso.public",
    "chiso.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chiso.public.middleware.PublicOnlyMiddleware",  # CHISO_PUBLIC_ONLY: answer /cong-khai/ and nothing else
    # session, sign-in and messages: Django's own, skipped under /cong-khai/ (a citizen's visit needs none of them)
    "chiso.public.middleware.SessionMiddleware",
    "chiso.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "chiso.public.middleware.AuthenticationMiddleware",
    "chiso.public.middleware.MessageMiddleware",
    "chiso.accounts.middleware.IdleTimeoutMiddleware",  # a session unused for CHISO_IDLE_MINUTES ends
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chiso.web.middleware.BadValueMiddleware",  # a number too large for the database: 400, not 500
    "chiso.web.middleware.SecurityHeadersMiddleware",  # CSP on every page, no-store on private ones
]

ROOT_URLCONF = "chiso.urls"
WSGI_APPLICATION = "chiso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chiso.notifications.context.bell",
                "chiso.api.context.nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'chiso.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the background command read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
# Connections are kept between requests (SQLite too: opening one and running the PRAGMAs above cost ~3-6 ms
# of CPU on every request, measured in-process; docs/architecture.md, "Scaling").

# SQLite cannot enforce "one framework version per index, year, level and province" when the province
# is empty; the catalog import checks it in code, and PostgreSQL enforces it.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend with its per-request read held compiled. A session made under another backend path
# (before 3 December 2026) asks its person to sign in again, once.
AUTHENTICATION_BACKENDS = ["chiso.accounts.backends.AccountBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Passwords: at least CHISO_PASSWORD_MIN_LENGTH characters (12), not like the name, not a common password,
# not only digits, not a local word with digits ("quantri123").
CHISO_PASSWORD_MIN_LENGTH = env_int("CHISO_PASSWORD_MIN_LENGTH", 12, minimum=8)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": CHISO_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "chiso.accounts.passwords.LocalWordsValidator"},
]
# Sign-in protection (chiso.accounts.security): free tries, then a doubling wait, then a lock of the
# account (the address: three times as many); behind a reverse proxy, the address is its X-Forwarded-For.
CHISO_LOGIN_FREE_TRIES = env_int("CHISO_LOGIN_FREE_TRIES", 3, minimum=1)
CHISO_LOGIN_LOCK_AFTER = env_int("CHISO_LOGIN_LOCK_AFTER", 10, minimum=2)
CHISO_LOGIN_LOCK_MINUTES = env_int("CHISO_LOGIN_LOCK_MINUTES", 15, minimum=1)
CHISO_BEHIND_PROXY = env_bool("CHISO_BEHIND_PROXY", False)
# Sessions end after CHISO_IDLE_MINUTES without a request, and in any case after CHISO_SESSION_HOURS.
CHISO_IDLE_MINUTES = env_int("CHISO_IDLE_MINUTES", 30, minimum=1)
CHISO_SESSION_HOURS = env_int("CHISO_SESSION_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = CHISO_SESSION_HOURS * 3600
SESSION_ENGINE = "chiso.accounts.sessions"  # Django's database sessions, their read held compiled

# Vietnamese first, English second; dates dd/mm/yyyy and numbers 9,28 / 1.250 come from the vi locale.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["chiso.formats"]
USE_I18N = True
USE_TZ = True
# Off: with it on, every {{ id }} in an attribute or a hidden field renders as "1.160". Pages group
# thousands where they show amounts, with floatformat's "g" (1.250) or humanize's intcomma.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = env_time_zone("CHISO_TIME_ZONE", "Asia/Ho_Chi_Minh")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("CHISO_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Served by whitenoise from the finders too, so a fresh checkout works without collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("CHISO_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# Uploaded documents (plans, catalogs): refuse anything larger before reading it. Evidence files have
# their own limit, the same by default.
CHISO_MAX_UPLOAD_MB = env_int("CHISO_MAX_UPLOAD_MB", 50, minimum=1)
CHISO_EVIDENCE_MAX_MB = env_int("CHISO_EVIDENCE_MAX_MB", CHISO_MAX_UPLOAD_MB, minimum=1)
# Seconds one plan document may take to read (OCR of a scan included) before it is refused.
CHISO_IMPORT_SECONDS = env_int("CHISO_IMPORT_SECONDS", 240, minimum=1)
# A typed document is read inside the upload request, bounded by this many seconds (scans go to `chiso jobs`).
CHISO_IMPORT_INLINE_SECONDS = env_int("CHISO_IMPORT_INLINE_SECONDS", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Dossier exports (service KPIs): the largest file an import accepts, and DuckDB's memory while
# importing and while answering pages (it spills to DATA_DIR/dossiers/tmp beyond it).
CHISO_DOSSIER_DIR = Path(env_str("CHISO_DOSSIER_DIR", str(DATA_DIR / "dossiers")))  # Parquet store
CHISO_DOSSIER_MAX_MB = env_int("CHISO_DOSSIER_MAX_MB", 2048)
CHISO_DOSSIER_IMPORT_MEMORY = env_str("CHISO_DOSSIER_IMPORT_MEMORY", "384MB")
CHISO_DUCKDB_MEMORY = env_str("CHISO_DUCKDB_MEMORY", "1GB")

# Email (reminders, digests): Django's own EMAIL_* names, read from the environment.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ChiSo <chiso@localhost>")
# The address people open from a mail (links in the daily digest).
CHISO_BASE_URL = env_url("CHISO_BASE_URL", "http://127.0.0.1:8000")

# `chiso serve` (gunicorn): where it listens and how many worker processes it starts.
SERVE_HOST = env_str("HOST", "127.0.0.1")
SERVE_PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
SERVE_WORKERS = env_int("CHISO_WORKERS", 3, minimum=1, maximum=64)
# Threads per worker: above 1 gunicorn runs its gthread worker (a thread waits on the database or a slow client
# while another renders); keep-alive seconds for browsers reusing a connection. bench/load_bench.py measures them.
SERVE_THREADS = env_int("CHISO_THREADS", 1, minimum=1, maximum=64)
SERVE_KEEPALIVE = env_int("CHISO_KEEPALIVE", 5, minimum=0, maximum=300)
SERVE_ACCESS_LOG = env_bool("CHISO_ACCESS_LOG", True)

# Served over HTTPS (directly or behind a proxy that says so in X-Forwarded-Proto, CHISO_BEHIND_PROXY):
# Secure cookies, HSTS and the redirect to HTTPS follow, each overridable. docs/production.md lists the
# settings `chiso check --deploy` passes with.
CHISO_HTTPS = env_bool("CHISO_HTTPS", False)
# The citizens' survey and the public pages (issue 13). Behind a reverse proxy, the header that carries the
# client's address (as Django names it, e.g. HTTP_X_REAL_IP); empty: REMOTE_ADDR.
CHISO_CLIENT_IP_HEADER = env_str("CHISO_CLIENT_IP_HEADER", "")
CHISO_SURVEY_RATE_LIMIT = env_int("CHISO_SURVEY_RATE_LIMIT", 60, minimum=1)  # answers per address per 10 minutes
CHISO_SURVEY_KIOSK_RESET = env_int("CHISO_SURVEY_KIOSK_RESET", 8, minimum=2, maximum=120)  # seconds on "thanks"
# An internet-facing instance answers only the public prefix /cong-khai/ (docs/architecture.md, "Public pages").
CHISO_PUBLIC_ONLY = env_bool("CHISO_PUBLIC_ONLY", False)
CHISO_PUBLIC_CACHE_SECONDS = env_int("CHISO_PUBLIC_CACHE_SECONDS", 120, minimum=0, maximum=3600)
CSRF_FAILURE_VIEW = "chiso.public.views.csrf_failure"  # a citizen's refused form gets a Vietnamese page

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("CHISO_SECURE_COOKIES", CHISO_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("CHISO_HSTS_SECONDS", 31536000 if CHISO_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHISO_HSTS_SUBDOMAINS", CHISO_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("CHISO_HSTS_PRELOAD", CHISO_HTTPS)
SECURE_SSL_REDIRECT = env_bool("CHISO_SSL_REDIRECT", CHISO_HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CHISO_BEHIND_PROXY else None
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (chiso.web.middleware.SecurityHeadersMiddleware): scripts from the
# app's own files only, nothing inline, no eval. Inline style attributes are allowed: bar widths are data.
CHISO_CSP = env_str("CHISO_CSP", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                 "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                                 "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

class OneLineRefusals(logging.Filter):
    """A refused request (403) is an everyday event, not an error: Django's one line ("Forbidden (Permission
    denied): /path") is kept and its traceback dropped (issue 10)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info, record.exc_text = None, None
        return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": OneLineRefusals}},
    "loggers": {"django.request": {"filters": ["one_line_refusals"]}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("CHISO_LOG_LEVEL", "WARNING",
                                                             ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])},
}
