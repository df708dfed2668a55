"""Median import times of generated plans: 100 task rows as a text dump and as DOCX, and a 20-page PDF.

usage: python bench/import_bench.py [--runs N]
Targets: under 1 s for the text dump and the DOCX, under 3 s for the 20-page PDF.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chiso.importing import import_plan  # noqa: E402
from chiso.importing.tests import makedocs  # noqa: E402


def hundred_row_text() -> str:
    """A flowed text dump (one printed cell per line, no delimiters) with 100 task rows."""
    lines = makedocs.HEAD_LINES[:6] + ["I. MỤC TIÊU", "Nâng cao Chỉ số PAR INDEX năm 2026.", *makedocs.APPENDIX_I,
                                       "STT Lĩnh vực/tiêu chí Nhiệm vụ Thời gian Chủ trì Phối hợp"]
    romans = ["I", "II", "III", "IV", "V"]
    for g, roman in enumerate(romans):
        lines.append(f"{roman} LĨNH VỰC THỬ SỐ {g + 1}")
        for k in range(20):
            lines += [f"{k + 1} Tiêu chí thử số {k + 1} của lĩnh vực {g + 1}",
                      f" Hoàn thành 100% nhiệm vụ thử số {k + 1}, công khai kết quả trên Trang thông tin",
                      "điện tử của Sở theo quy định", "Trong năm", "2026", "Văn phòng Sở", "Các phòng",
                      "chuyên môn"]
    return "\n".join(lines + makedocs.SIGN_LINES) + "\n"


def blocks_to_xlsx(text_path: Path, out: Path) -> None:
    """The 100-row plan's task table as an XLSX sheet (title rows, header, group and task rows)."""
    import openpyxl

    from chiso.importing.readers import read_blocks

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Phụ lục: nhiệm vụ cải thiện Chỉ số PAR INDEX năm 2026"])
    for block in read_blocks(text_path):
        for row in getattr(block, "rows", []):
            ws.append(row)
        if getattr(block, "roles", None):
            ws.insert_rows(2)
            for k, name in enumerate(["STT", "Lĩnh vực/tiêu chí", "Nhiệm vụ", "Thời gian", "Chủ trì", "Phối hợp"],
                                     start=1):
                ws.cell(row=2, column=k, value=name)
    wb.save(out)


def timed(path: Path, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds (CPU time does not grow when other work shares the cores)."""
    times, cpu, n = [], [], 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = import_plan(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        n = len(result["tasks"])
    return statistics.median(times), statistics.median(cpu), n


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    with tempfile.TemporaryDirectory(prefix="chiso-bench-") as tmp:
        d = Path(tmp)
        text = d / "plan-100.txt"
        text.write_text(hundred_row_text(), encoding="utf-8")
        docx = makedocs.sample_docx(d / "plan-100.docx", extra_rows=96)
        pdf = makedocs.sample_pdf(d / "plan-20p.pdf", extra_rows=400)
        pdf100 = makedocs.sample_pdf(d / "plan-100.pdf", extra_rows=96)
        xlsx = d / "plan-100.xlsx"
        blocks_to_xlsx(text, xlsx)
        import pdfplumber

        with pdfplumber.open(str(pdf)) as p:
            pages = len(p.pages)
        print(f"runs per file: {runs} (median)")
        missed = False
        for label, path, target in [("text dump, 100 rows", text, 1.0), ("DOCX, 100 rows", docx, 1.0),
                                    ("PDF, 100 rows", pdf100, 1.0), ("XLSX, 100 rows", xlsx, 1.0),
                                    (f"PDF, {pages} pages", pdf, 3.0)]:
            seconds, cpu, n = timed(path, runs)
            mark = "ok" if min(seconds, cpu) < target else "SLOW"
            missed = missed or mark != "ok"
            print(f"{label:24s} {seconds:6.3f} s, CPU {cpu:6.3f} s  ({n} tasks, target < {target:.0f} s) {mark}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 3 if missed else 0  # 3: a target missed (scripts/run_benchmarks.py)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
