"""The `chiso` console command: every Django management command, plus ChiSo's own
(`serve`, `demo`, `agencies`, `plan import`, later `remind` and `report`)."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = list(sys.argv[1:] if argv is None else argv)
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
