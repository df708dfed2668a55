"""`make bench`: run every benchmark in bench/ even when one misses its target, then print a summary table.

A benchmark script exits 0 when it meets its targets, 3 when it misses one (MISSED: the figures are still
printed; a busy machine can do that), anything else when it fails to run (ERROR). This runner exits 1 only
when one errored. Each script's own output streams through; the table gives wall and CPU seconds of each
(CPU of the script and its children: a busy machine stretches wall time, not CPU) and the load average."""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

MISSED = 3


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    scripts = sorted((root / "bench").glob("*.py"))
    chosen = [s for s in scripts if not argv or s.stem in argv]
    rows = []
    for script in chosen:
        if script.stem == "dossier_gen":  # a data generator the KPI benchmark uses, not a benchmark
            continue
        print(f"== {script.relative_to(root)}", flush=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=root)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        state = "ok" if code == 0 else "MISSED" if code == MISSED else f"ERROR ({code})"
        rows.append((script.stem, state, wall, cpu))
    load = os.getloadavg()
    print(f"\n{'benchmark':<22} {'result':<12} {'wall s':>8} {'cpu s':>8}")
    for name, state, wall, cpu in rows:
        print(f"{name:<22} {state:<12} {wall:8.1f} {cpu:8.1f}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores; a busy machine stretches wall times)")
    return 1 if any(state.startswith("ERROR") for _n, state, _w, _c in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
