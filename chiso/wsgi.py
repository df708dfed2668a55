"""WSGI entry point for gunicorn. Refuses the demo secret key when debug is off (chiso.web.checks)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
application = get_wsgi_application()

from chiso.cli import prepare_directories  # noqa: E402  (after Django is set up)
from chiso.web.checks import require_own_secret_key  # noqa: E402

require_own_secret_key()
prepare_directories()
