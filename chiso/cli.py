"""The `chiso` console command: every Django management command, plus ChiSo's own
(`serve`, `demo`, `agencies`, `plan import`, later `remind` and `report`)."""

import os
import sys


def prepare_directories() -> None:
    """Create the folders a local run writes to (the SQLite file's, static files) when they are missing.
    Done when a command or the web server starts, never when the settings are imported."""
    from pathlib import Path

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) not in ("", ":memory:"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # whitenoise warns at every start when the folder is missing
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        prepare_directories()
    except ImproperlyConfigured as exc:  # a bad environment variable: say which, in one line
        print(f"Cấu hình không hợp lệ: {exc}", file=sys.stderr)
        return 1
    try:
        execute_from_command_line(["chiso", *args])
    except SystemExit as exc:  # commands exit non-zero on refused input
        return exc.code if isinstance(exc.code, int) else 1
    except DatabaseError as exc:
        # One line, no traceback: the usual cause is a database not created or not reachable.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        print(f"Lỗi cơ sở dữ liệu ({first}). Hãy kiểm tra DATABASE_URL và chạy `chiso migrate`.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


def refuse(message: str):
    """The command line's answer to bad input: one line on stderr, exit status 1, no traceback."""
    sys.stderr.write(" ".join(str(message).split()) + "\n")
    sys.stderr.flush()
    raise SystemExit(1)


def _refuse_usage(command: str, message: str):
    from django.utils.translation import gettext as _

    refuse(_("Tham số không hợp lệ (%(message)s); xem: chiso %(command)s --help")
           % {"message": message, "command": command})


def one_line_command_base():
    """BaseCommand whose usage errors (its own and its sub-commands') are one stderr line too."""
    from functools import partial

    from django.core.management.base import BaseCommand, CommandParser

    class OneLineParser(CommandParser):
        command_name = ""

        def error(self, message):
            _refuse_usage(self.command_name, message)

    class OneLineCommand(BaseCommand):
        # System checks print warnings on stderr; a refused input must leave exactly one line there.
        requires_system_checks: list = []

        def create_parser(self, prog_name, subcommand, **kwargs):
            # add_subparsers(parser_class=self.subparser_class) gives sub-commands the same refusal.
            self.subparser_class = type("OneLineParser", (OneLineParser,), {"command_name": subcommand})
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            parser.error = partial(_refuse_usage, subcommand)
            return parser

    return OneLineCommand
