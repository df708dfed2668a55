"""Benchmark of the REST API (issue 16), on SQLite (a temporary file) or PostgreSQL (chiso_api_bench).

1. GET /api/v1/tasks?limit=1000 over 1,000 tasks: median time and query count (target < 150 ms, queries
   bounded); baseline in the same run: GET /api/v1/agencies (one row).
2. Pushing dossiers through POST /api/v1/dossiers in batches of 1,000 (target 100,000 in < 60 s):
   `--batches N` (100 for the full figure), stopped after `--budget` seconds with the rate reached.
3. 50 concurrent clients against `chiso serve` (gunicorn, 3 workers) each reading /api/v1/tasks?limit=50
   (target p95 < 300 ms).
CPU seconds are printed beside wall seconds, with the load average: the machine is shared.

usage: python bench/api_bench.py [sqlite|postgres] [--batches N] [--budget S] [--clients N]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_api_bench")
PORT = 9650


def prepare(backend: str, folder: str) -> None:
    os.environ["CHISO_DATA_DIR"] = folder
    os.environ["CHISO_DOSSIER_DIR"] = f"{folder}/dossiers"
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        return
    import psycopg

    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute("DROP DATABASE IF EXISTS chiso_api_bench")
        conn.execute("CREATE DATABASE chiso_api_bench")
    os.environ["DATABASE_URL"] = PG_URL


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.api.tokens import do_create_token
    from chiso.org.models import Agency, Province, Unit
    from chiso.plans.models import Plan, Task, TaskState

    province = Province.objects.create(code="bench", name="Tỉnh Đo")
    agency = Agency.objects.create(province=province, code="STP", name="Sở Tư pháp")
    units = Unit.objects.bulk_create(Unit(agency=agency, name=f"Phòng {j}") for j in range(1, 9))
    admin = User.objects.create(username="admin", password="!", unit=units[0])
    RoleGrant.objects.create(user=admin, role=Role.ADMIN)
    plan = Plan.objects.create(agency=agency, title="Kế hoạch đo", year=2026, status="in_force")
    tasks = Task.objects.bulk_create(
        Task(plan=plan, ref=str(i), title=f"Nhiệm vụ số {i} về cải cách hành chính", order=i,
             due=date(2026, 1, 1) + timedelta(days=i % 365), measure_op=">=", measure_value=98, measure_unit="%")
        for i in range(1000))
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=units[i % 8].pk) for i, t in enumerate(tasks))
    Task.support_units.through.objects.bulk_create(
        Task.support_units.through(task_id=t.pk, unit_id=units[(i + 1) % 8].pk) for i, t in enumerate(tasks))
    TaskState.objects.bulk_create(TaskState(task=t, progress=50, has_updates=True) for t in tasks[::2])
    return do_create_token(admin, "bench", ["*:write", "*:read"], rate_per_minute=1_000_000).raw


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def timed(client, url, token, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    return statistics.median(times), len(q), response


def list_bench(token):
    from django.test import Client

    client = Client()
    c0 = cpu()
    base, base_q, _r = timed(client, "/api/v1/agencies", token, 15)
    med, queries, response = timed(client, "/api/v1/tasks?limit=1000", token, 15)
    assert len(response.json()["items"]) == 1000
    print(f"  GET /tasks?limit=1000 (1,000 tasks): median {med:.0f} ms, {queries} queries "
          f"(baseline /agencies {base:.1f} ms, {base_q} queries; ratio {med / base:.1f}×); CPU {cpu() - c0:.1f} s")


def push_bench(token, batches, budget):
    from django.test import Client

    client = Client()
    start, c0, pushed = time.perf_counter(), cpu(), 0
    day0 = date(2026, 1, 1)
    for b in range(batches):
        records = []
        for i in range(1000):
            n = b * 1000 + i
            received = day0 + timedelta(days=n % 300)
            records.append({"MaHoSo": f"H{n:07d}", "MaCoQuan": "STP", "DonViXuLy": f"Phòng {n % 8 + 1}",
                            "MaTTHC": f"1.{n % 50:03d}", "NgayTiepNhan": received.strftime("%Y%m%d080000"),
                            "NgayHenTra": (received + timedelta(days=7)).strftime("%Y%m%d170000"),
                            "NgayKetThucXuLy": (received + timedelta(days=n % 10)).strftime("%Y%m%d100000"),
                            "ThoiHanGiaiQuyet": "5"})
        response = client.post("/api/v1/dossiers", json.dumps({"records": records}), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content[:500]
        pushed += 1000
        if time.perf_counter() - start > budget:
            break
    wall = time.perf_counter() - start
    print(f"  POST /dossiers: {pushed:,} dossiers in {pushed // 1000} batches of 1,000: {wall:.1f} s wall, "
          f"CPU {cpu() - c0:.1f} s (this process; DuckDB threads included) → {pushed / wall:,.0f}/s; "
          f"100,000 would take ≈ {100_000 / (pushed / wall):.0f} s")


def concurrency_bench(token, clients, folder):
    env = {**os.environ, "CHISO_SECRET_KEY": "bench-" + "x" * 60, "PORT": str(PORT), "CHISO_WORKERS": "3"}
    server = subprocess.Popen([sys.executable, "-m", "chiso.cli", "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{PORT}/api/v1/tasks?limit=50"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}),
                                       timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        times, errors, lock = [], [], threading.Lock()

        def worker():
            for _ in range(10):
                start = time.perf_counter()
                try:
                    urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}),
                                           timeout=30).read()
                except OSError as exc:
                    errors.append(exc)
                with lock:
                    times.append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  {clients} concurrent clients × 10 GET /tasks?limit=50 (gunicorn, 3 workers): median "
              f"{statistics.median(times):.0f} ms, p95 {p95:.0f} ms, {len(times) / wall:.0f} req/s, "
              f"{len(errors)} errors")
    finally:
        server.terminate()
        server.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", choices=["sqlite", "postgres"], nargs="?", default="sqlite")
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--budget", type=float, default=90)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="chiso-api-bench-")
    prepare(args.backend, folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    print(f"{args.backend}: load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    token = build()
    list_bench(token)
    push_bench(token, args.batches, args.budget)
    concurrency_bench(token, args.clients, folder)
    print(f"  load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
