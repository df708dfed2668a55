"""Benchmark: `chiso remind` over 200 agencies x 200 tasks x 5 people, mail to a real SMTP server.

Half the tasks are due today, half were due yesterday, so each task gives exactly one reminder to the
one reporter of its lead unit: 40,000 reminders, 40,000 notifications, 600 emails (one per reporter).
A second run must deliver nothing. Target (issues 4 and 14): under 10 s. The CPU time printed beside the
wall time is this process's (the SMTP server runs in a thread of it); on a busy machine wall > CPU.

usage: python bench/remind_bench.py [sqlite|postgres]   (default: SQLite in a temporary file;
postgres: database chiso_remind_bench on BENCH_PG_URL's server, recreated, skipped when unreachable)
"""

import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AGENCIES, TASKS, UNITS = 200, 200, 3
NOW = datetime(2026, 6, 30, 8, 0, tzinfo=timezone(timedelta(hours=7)))  # a Tuesday, no holiday
EXPECTED_REMINDERS, EXPECTED_EMAILS = AGENCIES * TASKS, AGENCIES * UNITS


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import RoleGrant, User
    from chiso.org.models import Agency, Province, Unit
    from chiso.plans.models import Plan, Task

    province = Province.objects.create(code="bench", name="Tỉnh Đo")
    agencies = Agency.objects.bulk_create(
        Agency(province=province, code=f"S{i:02d}", name=f"Sở số {i}") for i in range(AGENCIES))
    units = {a.pk: Unit.objects.bulk_create(Unit(agency=a, name=f"Phòng {j} của {a.code}")
                                            for j in range(UNITS + 1)) for a in agencies}
    users, roles = [], []
    for a in agencies:  # 5 people: three reporters (one per unit), the office and the leader
        for j, role in enumerate(("unit_head", "unit_staff", "unit_staff")):
            users.append(User(username=f"{a.code}-{j}", email=f"{a.code.lower()}-{j}@bench.test",
                              unit=units[a.pk][j], password="!"))
            roles.append(role)
        users.append(User(username=f"{a.code}-vp", email=f"{a.code.lower()}-vp@bench.test",
                          unit=units[a.pk][UNITS], password="!"))
        roles.append("office")
        users.append(User(username=f"{a.code}-ld", email=f"{a.code.lower()}-ld@bench.test", password="!"))
        roles.append("leader")
    users = User.objects.bulk_create(users)
    agency_of = {u.username: a for a in agencies for u in users if u.username.startswith(a.code + "-")}
    RoleGrant.objects.bulk_create(RoleGrant(user=u, role=r, agency=agency_of[u.username])
                                  for u, r in zip(users, roles, strict=True))
    plans = Plan.objects.bulk_create(Plan(agency=a, title=f"Kế hoạch {a.code}", year=2026, status="in_force")
                                     for a in agencies)
    tasks = Task.objects.bulk_create(
        Task(plan=p, ref=str(t + 1), title=f"Nhiệm vụ {t + 1} của {p.title}", order=t,
             due=NOW.date() - timedelta(days=t % 2)) for p in plans for t in range(TASKS))
    plan_agency = {p.pk: p.agency_id for p in plans}
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=units[plan_agency[t.plan_id]][t.order % UNITS].pk)
        for t in tasks)


PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_remind_bench")


def prepare(backend: str) -> bool:
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='chiso-remind-')}/bench.sqlite3"
        return True
    import psycopg

    base, name = PG_URL.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"remind on postgres: skipped ({exc.__class__.__name__})")
        return False
    os.environ["DATABASE_URL"] = PG_URL
    return True


def main(backend: str = "sqlite"):
    if not prepare(backend):
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from django.conf import settings

    from chiso.tracking.tests.smtp import SmtpServer

    build()
    from chiso.notifications.models import Notification
    from chiso.tracking import reminders

    with SmtpServer() as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        start, cpu = time.perf_counter(), time.process_time()
        first = reminders.run(NOW)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        start2 = time.perf_counter()
        second = reminders.run(NOW + timedelta(hours=1))
        elapsed2 = time.perf_counter() - start2
        received = len(server.inbox.messages)
    print(f"remind: {AGENCIES} agencies x {TASKS} tasks x 5 people on {backend}")
    print(f"  first run  {elapsed:6.2f} s (CPU {cpu:.2f} s)  reminders {first.notified}  emails sent {first.emails}  "
          f"(expected {EXPECTED_REMINDERS} and {EXPECTED_EMAILS}; SMTP server received {received})")
    print(f"  second run {elapsed2:6.2f} s  reminders {second.notified}  emails sent {second.emails}  (expected 0)")
    ok = (first.notified == EXPECTED_REMINDERS and first.emails == EXPECTED_EMAILS == received
          and second.notified == second.emails == 0 and Notification.objects.count() == EXPECTED_REMINDERS
          and elapsed < 10)
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print("  OK (target < 10 s)" if ok else "  FAILED")
    return 0 if ok else 3  # 3: a target missed (scripts/run_benchmarks.py)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
