"""Benchmark (issue 11): a province of 40 agencies × 100 sub-criteria × 3 evidence files.

Prints, on SQLite (a temporary file) and PostgreSQL (database chiso_assessment_bench, created when missing,
skipped when unreachable):
- the agency assessment page (office and coordinator), the round page and the province ranking page: median
  of 20 renders (wall, and this process's CPU: the database server's time is not in it on PostgreSQL) and the
  number of queries; the ratio to a baseline page measured in the same run (the
  plain assessment index);
- the projection of all 40 agencies: wall and CPU seconds; the ratio to reading every score of the round once;
- a 500-file (200 MB) evidence pack exported by `chiso assessment export` in a child process: wall seconds,
  the child's CPU seconds and peak memory (RSS); the ratio to copying the same files into one file.
Targets: pages < 200 ms median with a fixed number of queries; projection < 1 s; pack < 30 s, < 300 MB.
The machine is shared: the load average is printed beside the figures.

usage: python bench/assessment_bench.py [sqlite|postgres ...]
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AGENCIES, FIELDS, CRITERIA, SUBS, FILES_PER_SCORE = 40, 10, 2, 5, 3
PACK_FILES, PACK_BYTES = 500, 200 * 1024 * 1024
RUNS = 20
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_assessment_bench")


def prepare(backend: str) -> bool:
    os.environ["CHISO_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="chiso-bench-media-")
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='chiso-bench-')}/bench.sqlite3"
        return True
    import psycopg

    try:
        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS chiso_assessment_bench")
            conn.execute("CREATE DATABASE chiso_assessment_bench")
    except psycopg.Error as exc:
        print(f"postgres: skipped ({exc.__class__.__name__})")
        return False
    os.environ["DATABASE_URL"] = PG_URL
    return True


def build():
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.assessment import actions
    from chiso.assessment.models import Score, ScoreEvidence
    from chiso.frameworks.actions import NodeSpec, do_create_catalog
    from chiso.org.models import Agency, Province, Unit
    from chiso.periods.calendar import today
    from chiso.plans.models import Plan, Task, TaskState
    from chiso.tracking.models import Evidence, ProgressUpdate

    province = Province.objects.create(code="bench", name="Tỉnh Đo")
    snv = Agency.objects.create(province=province, code="SNV", name="Sở Nội vụ", is_coordinator=True)
    agencies = Agency.objects.bulk_create(
        Agency(province=province, code=f"S{i:02d}", name=f"Sở số {i:02d}") for i in range(AGENCIES))
    units = {u.agency_id: u for u in Unit.objects.bulk_create(Unit(agency=a, name="Văn phòng") for a in agencies)}
    coordinator = User.objects.create(username="coordinator", password="!")
    RoleGrant.objects.create(user=coordinator, role=Role.COORDINATOR, agency=snv)
    offices = User.objects.bulk_create(User(username=f"{a.code}-office", password="!", unit=units[a.pk])
                                       for a in agencies)
    RoleGrant.objects.bulk_create(RoleGrant(user=u, role=Role.OFFICE, agency=a)
                                  for u, a in zip(offices, agencies, strict=True))
    specs = []
    for f in range(1, FIELDS + 1):
        specs.append(NodeSpec(str(f), f"Lĩnh vực {f}", max_score=Decimal(10), order=f))
        for c in range(1, CRITERIA + 1):
            specs.append(NodeSpec(f"{f}.{c}", f"Tiêu chí {f}.{c}", str(f), Decimal(5), order=c))
            for s in range(1, SUBS + 1):
                rule = [{"kind": "yes_no"}, {"kind": "tiers", "tiers": [["100", "1"], ["80", "0.5"]]},
                        {"kind": "count", "per": "0.25"}, {"kind": "proportional", "threshold": "90"}, None][s - 1]
                specs.append(NodeSpec(f"{f}.{c}.{s}", f"Tiêu chí thành phần {f}.{c}.{s}", f"{f}.{c}", Decimal(1),
                                      rule=rule, order=s))
    catalog = do_create_catalog(None, {"index": "PAR_INDEX", "year": 2026, "level": "department",
                                       "province": province, "name": "Bộ đo"}, specs)
    leaves = list(catalog.nodes.filter(depth=3).order_by("pk"))
    now = today()
    rnd = actions.do_open_round(coordinator, province, catalog, actions.Deadlines(
        now + timedelta(days=10), now + timedelta(days=20), now + timedelta(days=30), now + timedelta(days=40)))
    # plans: one per agency, a task per sub-criterion, with a confirmed update and one evidence file each
    plans = Plan.objects.bulk_create(Plan(agency=a, title=f"Kế hoạch {a.code}", year=2026, indices=["PAR_INDEX"],
                                          status="in_force") for a in agencies)
    tasks = Task.objects.bulk_create(
        Task(plan=p, index="PAR_INDEX", node=n, title=f"Nhiệm vụ {n.code}", ref=str(i + 1), order=i,
             due=now + timedelta(days=(i % 7) * 20 - 40)) for p in plans for i, n in enumerate(leaves))
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(task_id=t.pk, unit_id=units[p.agency_id].pk)
        for p in plans for t in tasks if t.plan_id == p.pk)
    TaskState.objects.bulk_create(TaskState(task=t, progress=100 if t.order % 3 == 0 else 50,
                                            reported="done" if t.order % 3 == 0 else "", has_updates=True,
                                            done_on=now if t.order % 3 == 0 else None) for t in tasks)
    updates = ProgressUpdate.objects.bulk_create(ProgressUpdate(task=t, narrative="Đã làm", percent=100,
                                                                review="confirmed") for t in tasks)
    Evidence.objects.bulk_create(Evidence(update=u, file=f"evidence/bench/{u.pk}.pdf", original_name="bao-cao.pdf",
                                          content_type="application/pdf", size=1000, doc_number=f"{u.pk}/BC")
                                 for u in updates)
    scores = list(Score.objects.filter(submission__round=rnd).order_by("pk"))
    for i, s in enumerate(scores):
        s.self_score = Decimal("0.5") + Decimal(i % 5) / 10
    Score.objects.bulk_update(scores, ["self_score"], batch_size=1000)
    # 3 evidence files per score; the first agency's 100 scores × 5 = 500 real files of 400 KB (200 MB)
    media = Path(settings.MEDIA_ROOT)
    first = rnd.submissions.get(agency=agencies[0])
    chunk = os.urandom(PACK_BYTES // PACK_FILES)
    rows = []
    for s in scores:
        count = PACK_FILES // len(leaves) if s.submission_id == first.pk else FILES_PER_SCORE
        for k in range(count):
            name = f"evidence/bench/{s.pk}-{k}.pdf"
            if s.submission_id == first.pk:
                path = media / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"%PDF-1.4\n" + chunk)
            rows.append(ScoreEvidence(score=s, file=name, original_name=f"minh-chung-{k}.pdf", size=len(chunk),
                                      content_type="application/pdf", doc_number=f"{k}/BC",
                                      doc_summary=f"Tài liệu {k}"))
    ScoreEvidence.objects.bulk_create(rows, batch_size=2000)
    for sub in rnd.submissions.exclude(pk=first.pk):
        sub.state = "submitted"
        sub.save()
    return rnd, first, coordinator, offices[0], agencies


def measure(client, url):
    from django.db import connection

    client.get(url)
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200, url
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), len(executed), statistics.median(cpu)


def run(backend):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    rnd, first, coordinator, office, agencies = build()
    from chiso.assessment.models import Score, ScoreEvidence

    print(f"{backend}: {len(agencies)} agencies, {Score.objects.count()} sub-criteria scores, "
          f"{ScoreEvidence.objects.count()} evidence rows (built in {time.perf_counter() - started:.0f} s); "
          f"load average {os.getloadavg()[0]:.2f}")
    base_client = Client()
    base_client.force_login(office)
    baseline, base_q, base_cpu = measure(base_client, "/danh-gia/")
    print(f"  baseline (assessment index)       median {baseline:6.1f} ms ({base_cpu:5.1f} ms CPU)  queries {base_q}")
    for who, user, name, url in (
            ("office", office, "agency assessment page", f"/danh-gia/ho-so/{first.pk}/"),
            ("coord.", coordinator, "agency assessment page", f"/danh-gia/ho-so/{first.pk}/"),
            ("coord.", coordinator, "round page", f"/danh-gia/dot/{rnd.pk}/"),
            ("coord.", coordinator, "province ranking", "/danh-gia/xep-hang/?nam=2026&giai-doan=self"),
            ("coord.", coordinator, "ranking, one field", "/danh-gia/xep-hang/?nam=2026&giai-doan=self&linh-vuc=3")):
        client = Client()
        client.force_login(user)
        median, queries, cpu = measure(client, url)
        print(f"  {who:<6} {name:<27} median {median:6.1f} ms ({cpu:5.1f} ms CPU)  queries {queries:<3} "
              f"×{median / baseline:.1f} of baseline  (target < 200 ms)")

    from chiso.assessment.projection import projections_for

    wall, cpu = time.perf_counter(), time.process_time()
    list(Score.objects.filter(submission__round=rnd).values_list("self_score", "node_id"))
    base_wall = time.perf_counter() - wall
    wall, cpu = time.perf_counter(), time.process_time()
    result = projections_for(agencies, 2026)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  projection of {len(result)} agencies: {wall:.2f} s wall, {cpu:.2f} s CPU  "
          f"×{wall / max(base_wall, 1e-6):.0f} of reading every score once ({base_wall * 1000:.0f} ms)  "
          f"(target < 1 s); load average {os.getloadavg()[0]:.2f}")

    out = Path(tempfile.mkdtemp(prefix="chiso-bench-pack-"))
    files = [Path(os.environ["CHISO_MEDIA_ROOT"]) / e.file.name
             for e in ScoreEvidence.objects.filter(score__submission=first)]
    wall = time.perf_counter()
    with open(out / "copy.bin", "wb") as sink:
        for path in files:
            with open(path, "rb") as src:
                while block := src.read(1024 * 1024):
                    sink.write(block)
    copy_wall = time.perf_counter() - wall
    (out / "copy.bin").unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([sys.executable, "-m", "chiso.cli", "assessment", "export", "--agency", agencies[0].code,
                    "--round", "2026", "--out", str(out / "pack.zip")], check=True, env=os.environ.copy(),
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    size = (out / "pack.zip").stat().st_size / 1024 / 1024
    print(f"  evidence pack: {len(files)} files, {size:.0f} MB ZIP in {wall:.1f} s wall, "
          f"{after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime:.1f} s CPU, "
          f"peak memory {after.ru_maxrss / 1024:.0f} MB  ×{wall / max(copy_wall, 1e-6):.1f} of a plain copy "
          f"({copy_wall:.1f} s)  (target < 30 s, < 300 MB); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["sqlite", "postgres"]
    if len(wanted) > 1:
        for backend in wanted:  # one process per backend: settings are read once
            subprocess.run([sys.executable, __file__, backend], check=True)
    elif prepare(wanted[0]):
        run(wanted[0])
