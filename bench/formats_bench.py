"""Import every document of ../shared/seeds/formats (and the text dumps) and score it against its label.

usage: python bench/formats_bench.py [--only SUBSTRING] [--out DIR] [--no-scan]
Prints, per file, the seconds it took and the scorer's line (task F1, lead, support, due, recurrence ...),
then the mean. The outputs stay in DIR (default: a temporary folder) for
`python ../shared/eval/score_import.py --dir ../shared/seeds/formats/labels DIR`.
Targets (issue 15): every typed format F1, lead and due >= 0.95; scans F1 >= 0.90; text dumps 1.00.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"

from chiso.importing import ImportRejected, import_plan  # noqa: E402


def main(argv: list[str]) -> int:
    only = argv[argv.index("--only") + 1] if "--only" in argv else ""
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else Path(tempfile.mkdtemp(prefix="chiso-fmt-"))
    out.mkdir(parents=True, exist_ok=True)
    files = sorted((SEEDS / "formats").glob("*.*")) + sorted(SEEDS.glob("*.txt"))
    files = [f for f in files if only in f.name and not ("--no-scan" in argv and "scan" in f.name)]
    labels = out / "labels"
    labels.mkdir(exist_ok=True)
    for f in files:
        name = f.stem
        label = SEEDS / "formats" / "labels" / f"{name}.json"
        if not label.exists():
            label = SEEDS / "labels" / f"{name}.json"
        if not label.exists():
            continue
        (labels / f"{name}.json").write_text(label.read_text(encoding="utf-8"), encoding="utf-8")
        started = time.perf_counter()
        try:
            result = import_plan(f, time_limit=3600)  # quality is measured here, not the product's time budget
        except ImportRejected as exc:
            print(f"{name}: rejected: {exc}")
            result = {"plan": {}, "tasks": []}
        seconds = time.perf_counter() - started
        (out / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{name}: {seconds:.2f} s", flush=True)
    subprocess.run([sys.executable, str(ROOT.parent / "shared" / "eval" / "score_import.py"), "--dir",
                    str(labels), str(out)], check=False)
    print(f"outputs: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
