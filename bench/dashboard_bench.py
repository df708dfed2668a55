"""Benchmark: the agency dashboard with 500 tasks (every status present), median render time.

Target (issue 4): under 200 ms median. Also prints "Việc của tôi" and the province view.

usage: python bench/dashboard_bench.py   (SQLite in a temporary file)
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TASKS, RUNS = 500, 30


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import RoleGrant, User
    from chiso.org.models import Agency, Province, Unit
    from chiso.plans.models import Plan, Task, TaskState

    province = Province.objects.create(code="bench", name="Tỉnh Đo")
    agencies = Agency.objects.bulk_create(Agency(province=province, code=f"S{i:02d}", name=f"Sở số {i}")
                                          for i in range(5))
    agency = agencies[0]
    units = Unit.objects.bulk_create(Unit(agency=agency, name=f"Phòng {j}") for j in range(12))
    leader = User.objects.create(username="leader", password="!")
    RoleGrant.objects.create(user=leader, role="leader", agency=agency)
    staff = User.objects.create(username="staff", password="!", unit=units[0])
    RoleGrant.objects.create(user=staff, role="unit_staff", agency=agency)
    coordinator = User.objects.create(username="snv", password="!")
    RoleGrant.objects.create(user=coordinator, role="coordinator", agency=agencies[-1])
    plan = Plan.objects.create(agency=agency, title="Kế hoạch CCHC", year=date.today().year, status="in_force")
    fields = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách chế độ công vụ", "Chuyển đổi số",
              "Tài chính công", "Tổ chức bộ máy"]
    today = date.today()
    tasks = Task.objects.bulk_create(
        Task(plan=plan, index=["PAR_INDEX", "SIPAS", "PAPI", "PCI"][t % 4], field_name=fields[t % 6],
             ref=str(t + 1), title=f"Nhiệm vụ {t + 1}: rà soát, cập nhật và công khai nội dung số {t}", order=t,
             due=today + timedelta(days=(t % 90) - 45)) for t in range(TASKS))
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=units[t.order % 12].pk) for t in tasks)
    Task.support_units.through.objects.bulk_create(
        Task.support_units.through(task_id=t.pk, unit_id=units[(t.order + 1) % 12].pk) for t in tasks)
    states = []
    for t in tasks:
        kind = t.order % 5
        if kind == 0:
            states.append(TaskState(task=t, progress=100, reported="done", done_on=t.due - timedelta(days=1),
                                    has_updates=True))
        elif kind == 1:
            states.append(TaskState(task=t, progress=100, reported="done", done_on=t.due + timedelta(days=3),
                                    has_updates=True))
        elif kind == 2:
            states.append(TaskState(task=t, progress=40, has_updates=True, pending=1))
        elif kind == 3 and t.order % 10 == 3:
            states.append(TaskState(task=t, progress=10, reported="failed", fail_reason="Thiếu kinh phí",
                                    has_updates=True))
    TaskState.objects.bulk_create(states)
    return leader, staff, coordinator, agency


def measure(client, url):
    from django.db import connection

    client.get(url)
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(executed)


def main():
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='chiso-dash-')}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from django.test import Client

    leader, staff, coordinator, agency = build()
    print(f"dashboard: {TASKS} tasks in one agency, SQLite, median of {RUNS}")
    results = {}
    for user, name, url in ((leader, "agency dashboard", f"/theo-doi/co-quan/{agency.code}/"),
                            (staff, "việc của tôi (42 tasks)", "/theo-doi/viec-cua-toi/"),
                            (coordinator, "province (5 agencies)", "/theo-doi/toan-tinh/")):
        client = Client()
        client.force_login(user)
        median, queries = measure(client, url)
        results[name] = median
        print(f"  {name:<26} median {median:6.1f} ms  queries {queries}")
    ok = results["agency dashboard"] < 200
    print("  OK (target < 200 ms)" if ok else "  FAILED")
    return 0 if ok else 3  # 3: a target missed (scripts/run_benchmarks.py)


if __name__ == "__main__":
    sys.exit(main())
