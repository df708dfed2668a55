"""Benchmark: plan list and plan detail with 20 agencies x 3 plans x 60 tasks (3,600 tasks).

Prints the median render time and query count of each page, on SQLite (a temporary file) and on
PostgreSQL (database chiso_pages_bench on 127.0.0.1, its own name: made afresh each run; skipped when
unreachable).
Target (issue 2): each page under 150 ms median, queries independent of the number of tasks.

usage: python bench/pages_bench.py [sqlite|postgres ...]
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
AGENCIES, PLANS, TASKS, RUNS = 20, 3, 60, 30
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_pages_bench")


def prepare(backend: str) -> bool:
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='chiso-bench-')}/bench.sqlite3"
        return True
    import psycopg

    base, name = PG_URL.rsplit("/", 1)
    if not name.endswith("_bench"):  # only ever drop a benchmark's own database
        raise SystemExit(f"BENCH_PG_URL must name a database ending in _bench, not {name!r}")
    try:
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"postgres: skipped ({exc.__class__.__name__})")
        return False
    os.environ["DATABASE_URL"] = PG_URL
    return True


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.audit.models import AuditEntry
    from chiso.org.models import Agency, Province, Unit
    from chiso.plans.models import Plan, Task

    province = Province.objects.create(code="bench", name="Tỉnh Đo")
    agencies = Agency.objects.bulk_create(
        Agency(province=province, code=f"S{i:02d}", name=f"Sở số {i}") for i in range(AGENCIES))
    units = Unit.objects.bulk_create(
        Unit(agency=a, name=f"Phòng {j} của {a.code}") for a in agencies for j in range(6))
    by_agency = {}
    for unit in units:
        by_agency.setdefault(unit.agency_id, []).append(unit)
    users = []
    for a in agencies:
        for role in ("office", "unit_staff", "leader", "viewer", "unit_head"):
            users.append(User(username=f"{a.code}-{role}", unit=by_agency[a.pk][0], password="!"))
    User.objects.bulk_create(users)
    grants = [RoleGrant(user=u, role=u.username.split("-", 1)[1], agency_id=u.unit.agency_id) for u in users]
    RoleGrant.objects.bulk_create(grants)
    admin = User.objects.create(username="bench-admin", password="!", is_superuser=True)
    RoleGrant.objects.create(user=admin, role=Role.ADMIN)
    plans = Plan.objects.bulk_create(
        Plan(agency=a, title=f"Kế hoạch cải cách hành chính {k} của {a.name}", number=f"{k + 1}/KH-{a.code}",
             year=2026, indices=["PAR_INDEX", "SIPAS", "PAPI"], status="in_force",
             search_text=f"ke hoach cai cach hanh chinh {k}")
        for a in agencies for k in range(PLANS))
    fields = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách chế độ công vụ", "Tiếp cận dịch vụ"]
    tasks = Task.objects.bulk_create(
        Task(plan=p, index=["PAR_INDEX", "SIPAS", "PAPI"][t % 3], field_name=fields[t % 4], ref=str(t + 1),
             title=f"Nhiệm vụ số {t + 1}: rà soát, cập nhật và công khai nội dung {t}", order=t,
             due=date(2026, 1, 1) + timedelta(days=t * 6), timeframe="Trong năm 2026")
        for p in plans for t in range(TASKS))
    through_lead, through_support = Task.lead_units.through, Task.support_units.through
    plan_agency = {p.pk: p.agency_id for p in plans}
    through_lead.objects.bulk_create(
        through_lead(task_id=t.pk, unit_id=by_agency[plan_agency[t.plan_id]][t.order % 6].pk) for t in tasks)
    through_support.objects.bulk_create(
        through_support(task_id=t.pk, unit_id=by_agency[plan_agency[t.plan_id]][(t.order + k) % 6].pk)
        for t in tasks for k in (1, 2))
    AuditEntry.objects.bulk_create(
        AuditEntry(action="create", model="plans.task", object_id=str(t.pk), object_repr=t.title[:50],
                   plan_id=t.plan_id, after={"title": t.title}) for t in tasks)
    RoleGrant.objects.filter(role=Role.ADMIN).exists()
    return admin, User.objects.get(username="S00-office"), plans[0]


def measure(client, url):
    from django.db import connection

    client.get(url)  # warm up
    times, executed = [], []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(executed)


def run(backend):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    admin, office, plan = build()
    from chiso.plans.models import Task

    print(f"{backend}: {Task.objects.count()} tasks")
    for who, user in (("admin", admin), ("office", office)):
        client = Client()
        client.force_login(user)
        for name, url in (("plan list", "/ke-hoach/"), ("plan list, search", "/ke-hoach/?q=cai+cach&year=2026"),
                          ("plan detail (60 tasks)", f"/ke-hoach/{plan.pk}/"), ("home", "/")):
            median, queries = measure(client, url)
            print(f"  {who:<6} {name:<24} median {median:6.1f} ms  queries {queries}")


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["sqlite", "postgres"]
    if len(wanted) > 1:
        import subprocess

        for backend in wanted:  # one process per backend: settings are read once
            subprocess.run([sys.executable, __file__, backend], check=True)
    elif prepare(wanted[0]):
        run(wanted[0])
