"""`chiso serve`: the production web server (gunicorn) on 127.0.0.1:$PORT."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web ChiSo (gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("CHISO_WORKERS", "3")))

    def handle(self, *args, host, port, workers, **options):
        from gunicorn.app.wsgiapp import WSGIApplication

        argv = ["gunicorn", "chiso.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
                "--access-logfile", "-", "--timeout", "120"]
        sys.argv = argv  # gunicorn reads its options from the command line when the app is built
        app = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
        app.run()
