"""`chiso serve`: the production web server (gunicorn) on $HOST:$PORT (127.0.0.1:8000), $CHISO_WORKERS
workers; the defaults come from settings.py, the options override them."""

import sys

from django.conf import settings

from chiso.cli import one_line_command_base, refuse
from chiso.web.checks import MESSAGE, demo_key_in_use


class Command(one_line_command_base()):
    help = "Chạy máy chủ web ChiSo (gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.SERVE_HOST)
        parser.add_argument("--port", type=int, default=settings.SERVE_PORT)
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.SERVE_THREADS)

    def handle(self, *args, host, port, workers, threads=1, **options):
        if demo_key_in_use():
            refuse(MESSAGE)
        if not 1 <= port <= 65535 or workers < 1 or threads < 1:
            refuse("Cổng phải từ 1 đến 65535 và số tiến trình từ 1.")
        from gunicorn.app.wsgiapp import WSGIApplication

        argv = ["gunicorn", "chiso.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
                "--timeout", "120", "--keep-alive", str(settings.SERVE_KEEPALIVE)]
        if threads > 1:
            argv += ["--worker-class", "gthread", "--threads", str(threads)]
        if settings.SERVE_ACCESS_LOG:
            argv += ["--access-logfile", "-"]
        sys.argv = argv  # gunicorn reads its options from the command line when the app is built
        app = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
        app.run()
