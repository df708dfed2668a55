"""The importer grows linearly: the same document shapes at 1x, 10x and 100x their size.

usage: python bench/import_linear_bench.py
Shapes: (a) one task cell printed as a single long line (issue 9: a 36,000-character line took 21.8 s),
(b) a flowed table with more and more rows. For each size it prints seconds and seconds per 1,000
characters; linear growth keeps that last figure flat (quadratic growth multiplies it by 10 and 100).
Target: the 36,000-character line under 1 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chiso.importing import import_plan  # noqa: E402
from chiso.importing.tests import makedocs  # noqa: E402

HEAD = makedocs.HEAD_LINES[:6] + ["I. MỤC TIÊU", "Nâng cao Chỉ số PAR INDEX năm 2026.", *makedocs.APPENDIX_I,
                                  "STT Lĩnh vực/tiêu chí Nhiệm vụ Thời gian Chủ trì Phối hợp",
                                  "I CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"]


def long_line(n: int) -> str:
    line = ("Tăng cường Kiểm tra Văn bản Quy phạm của Sở " * (n // 44 + 1))[:n]
    return "\n".join(HEAD + ["1 Công tác kiểm tra văn bản", " " + line, "Trong năm", "2026", "Văn phòng Sở",
                             *makedocs.SIGN_LINES])


def many_rows(rows: int) -> str:
    lines = list(HEAD)
    for k in range(rows):
        lines += [f"{k + 1} Kiểm tra công vụ đợt {k + 1}",
                  f" Hoàn thành 100% kế hoạch kiểm tra đợt {k + 1} đúng hạn", "Trong năm",
                  "2026", "Văn phòng Sở", "Các phòng", "chuyên môn"]
    return "\n".join(lines + makedocs.SIGN_LINES)


def run(label: str, texts: list[tuple[str, str]]) -> None:
    base = None
    for size, text in texts:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
            fh.write(text)
        started = time.perf_counter()
        tasks = len(import_plan(fh.name)["tasks"])
        seconds = time.perf_counter() - started
        Path(fh.name).unlink()
        per_k = seconds / len(text) * 1000
        base = base or per_k
        print(f"{label:10s} {size:>5s} {len(text):>9,d} chars {seconds:7.3f} s  {per_k * 1000:7.3f} ms/1k chars"
              f"  (x{per_k / base:4.1f} of 1x)  {tasks} tasks", flush=True)


def main() -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(many_rows(5))
    import_plan(fh.name)  # warm-up: module imports and regex compilation are not the parser's cost
    Path(fh.name).unlink()
    run("long line", [("1x", long_line(3_600)), ("10x", long_line(36_000)), ("100x", long_line(360_000))])
    run("rows", [("1x", many_rows(20)), ("10x", many_rows(200)), ("100x", many_rows(2_000))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
