"""`chiso plan import FILE --json | --agency CODE --save`: read a plan document.

The argument list is handed over as typed so the command keeps the contract's exact shape:
one JSON object on stdout, or one Vietnamese line on stderr and a non-zero exit."""

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Nhập kế hoạch từ văn bản: chiso plan import TỆP --json | --agency MÃ --save"

    def run_from_argv(self, argv):
        # argv = ["chiso", "plan", ...]
        args = argv[2:]
        if "--save" in args:
            from chiso.plans.importing import save_cli

            code = save_cli(args)
        else:
            from django.conf import settings

            from chiso.importing.cli import main

            code = main(args, max_mb=settings.CHISO_MAX_UPLOAD_MB)
        sys.stdout.flush()
        raise SystemExit(code)

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv does the work
        return None
