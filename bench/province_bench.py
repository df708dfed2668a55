"""Benchmark: the coordinator's province pages at 200 agencies x 180 tasks (36,000 tasks), SQLite.

Prints the median time (wall and CPU) and the query count of the province dashboard, the roll-up (a year and
a quarter) and the reports index. Targets (issue 14): dashboard < 200 ms, roll-up < 300 ms, reports index
< 100 ms, each with a query count that does not depend on the number of agencies (chiso/tests/test_scale.py pins that).
Exit 0 when met, 3 when missed (scripts/run_benchmarks.py).

usage: python bench/province_bench.py [agencies] [tasks per agency]
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
RUNS = 7
MISSED = 3


def build(n_agencies: int, n_tasks: int):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.org.models import Agency, Province, Unit
    from chiso.periods.models import ensure_default_rules
    from chiso.plans.models import Plan, Task, TaskState

    ensure_default_rules()
    province = Province.objects.create(code="bench", name="Tỉnh Đo")
    coordinator = Agency.objects.create(province=province, code="SNV", name="Sở Nội vụ", is_coordinator=True)
    agencies = Agency.objects.bulk_create(Agency(province=province, code=f"S{i:03d}", name=f"Sở số {i:03d}")
                                          for i in range(n_agencies))
    units = Unit.objects.bulk_create(Unit(agency=a, name=f"Phòng {j} {a.code}") for a in agencies for j in range(6))
    plans = Plan.objects.bulk_create(Plan(agency=a, title=f"Kế hoạch {a.code}", number=f"1/KH-{a.code}", year=2026,
                                          status="in_force") for a in agencies)
    fields = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách chế độ công vụ", "Tiếp cận dịch vụ"]
    tasks = Task.objects.bulk_create(
        Task(plan=p, index=["PAR_INDEX", "SIPAS", "PAPI"][k % 3], field_name=fields[k % 4], ref=str(k + 1),
             title=f"Nhiệm vụ {k + 1}", order=k, due=date(2026, 1, 5) + timedelta(days=2 * k))
        for p in plans for k in range(n_tasks))
    TaskState.objects.bulk_create(
        TaskState(task=t, reported=["", "done", "", "failed", ""][t.order % 5], progress=40,
                  done_on=date(2026, 3, 1) if t.order % 5 == 1 else None, has_updates=t.order % 2 == 0)
        for t in tasks)
    unit_of: dict[int, list] = {}
    for u in units:
        unit_of.setdefault(u.agency_id, []).append(u)
    agency_of = {p.pk: p.agency_id for p in plans}
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=unit_of[agency_of[t.plan_id]][t.order % 6].pk) for t in tasks)
    user = User.objects.create(username="bench-coordinator", password="!")
    RoleGrant.objects.create(user=user, role=Role.COORDINATOR, agency=coordinator)
    return user


def measure(client, url: str) -> tuple[float, float, int]:
    from django.db import connection

    assert client.get(url).status_code == 200, url  # warm up
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    walls, cpus = [], []
    for _ in range(RUNS):
        w, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
        assert response.status_code == 200
    return statistics.median(walls), statistics.median(cpus), len(executed)


def signed_in_province(argv: list[str], what: str):
    """A fresh SQLite province of argv's size (200 x 180 by default) and a test client signed in as its
    coordinator; prints the size and the build time after `what`. walk_bench uses it too."""
    n_agencies = int(argv[0]) if argv else 200
    n_tasks = int(argv[1]) if len(argv) > 1 else 180
    folder = tempfile.mkdtemp(prefix="chiso-province-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["CHISO_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from django.test import Client

    start = time.perf_counter()
    user = build(n_agencies, n_tasks)
    print(f"{what}: {n_agencies} agencies x {n_tasks} tasks = {n_agencies * n_tasks:,} tasks, SQLite "
          f"(built in {time.perf_counter() - start:.0f} s)")
    client = Client()
    client.force_login(user)
    return client


def main(argv: list[str]) -> int:
    client = signed_in_province(argv, f"province (median of {RUNS})")
    met = True
    for name, url, target in (("province dashboard", "/theo-doi/toan-tinh/", 200),
                              ("roll-up 2026-Y", "/bao-cao/toan-tinh/2026-Y/", 300),
                              ("roll-up 2026-Q3", "/bao-cao/toan-tinh/2026-Q3/", 300),
                              ("reports index", "/bao-cao/", 100)):
        wall, cpu, queries = measure(client, url)
        ok = min(wall, cpu) < target
        met = met and ok
        print(f"  {name:<20} wall {wall:7.1f} ms  CPU {cpu:7.1f} ms  queries {queries:3d}  (target < {target} ms)"
              f" {'ok' if ok else 'SLOW'}")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0 if met else MISSED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
