"""Generate a dossier export (CSV, national exchange field names) of N rows for the benchmarks.

    .venv/bin/python bench/dossier_gen.py --rows 1000000 --out /tmp/dossiers-1m.csv [--agencies 10]
    .venv/bin/python bench/dossier_gen.py --rows 10000000 --out /tmp/dossiers-10m.csv

Agencies are named BENCH01..BENCHnn with units "Phòng 1".."Phòng 8" (kpis_bench.py creates them in its own
database). Same shape as the demo's data (chiso/dossiers/generate.py); deterministic for given arguments."""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_agencies(n: int) -> list[tuple[str, list[str]]]:
    return [(f"BENCH{i:02d}", [f"Phòng {u}" for u in range(1, 9)]) for i in range(1, n + 1)]


def generate(rows: int, out: Path, agencies: int = 10, pakn: bool = False, year: int = 2025) -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    from chiso.dossiers import generate as gen

    started = time.perf_counter()
    sql = (gen.pakn_sql(rows, bench_agencies(agencies), date(year, 1, 1), date(year, 12, 31)) if pakn else
           gen.dossiers_sql(rows, bench_agencies(agencies), date(year, 1, 1), date(year, 12, 31), procedures=300))
    gen.write_csv(out, sql)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--pakn", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    if not args.out:  # `make bench` runs every script: this one only makes files when asked
        print("usage: bench/dossier_gen.py --rows N --out FILE.csv (used by kpis_bench.py)")
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()
    took = generate(args.rows, Path(args.out), args.agencies, args.pakn)
    size = Path(args.out).stat().st_size / 1e6
    print(f"{args.rows:,} rows -> {args.out} ({size:,.0f} MB) in {took:.1f} s")


if __name__ == "__main__":
    main()
