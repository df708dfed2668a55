"""`python -m chiso.importing.cli import FILE --json`: print the contract object of one plan document.

Bad input: one Vietnamese line on stderr, nothing on stdout, exit status 1. Saving to the database
(`--agency CODE --save`) belongs to the Django management command that calls `import_plan`.
"""

from __future__ import annotations

import json
import sys

from chiso.importing import ImportRejected, import_plan, public

USAGE = "Cách dùng: python -m chiso.importing.cli import TỆP --json"
MSG_FAILED = "Không đọc được tệp: nội dung bị hỏng hoặc có cấu trúc không nhận dạng được."


def _stderr_progress(done: int, total: int, message: str) -> None:
    """OCR progress on stderr (stdout carries only the JSON)."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str], max_mb: int | None = None) -> int:
    args = list(argv)
    if not args or args[0] != "import":
        print(USAGE, file=sys.stderr)
        return 2
    args = args[1:]
    want_json = "--json" in args
    args = [a for a in args if a != "--json"]
    options = [a for a in args if a.startswith("--")]
    files = [a for a in args if not a.startswith("--")]
    if options:
        print(f"Tùy chọn {options[0]} cần cơ sở dữ liệu: hãy dùng lệnh `chiso plan import`.",
              file=sys.stderr)
        return 2
    if len(files) != 1 or not want_json:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        result = public(import_plan(files[0], progress=_stderr_progress, max_mb=max_mb))
    except ImportRejected as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except MemoryError:
        print(MSG_FAILED, file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - never a traceback for bad input
        print(MSG_FAILED, file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
