"""Benchmark of the SIPAS survey (issue 13), through a real server (gunicorn) on loopback.

1. The survey page: median of 100 GETs, beside a static file's median (baseline) in the same run.
2. Submissions: N forms fetched first (each with its own cookies and token), then POSTed by 16 threads at
   once; prints submissions per second and counts the stored responses and answers (none lost, none
   duplicated), then replays 100 of the same POSTs and checks that nothing more is stored.
3. The index over 500,000 answers (38,500 sheets × 13): the overall figure and the whole agency page
   (every breakdown), median of 5, beside a plain COUNT(*) of the same answers (baseline).
4. The public page of an agency, cached: median of 200 GETs.
Targets: page < 50 ms median; 200 submissions/s; index < 1 s; public page < 100 ms median.

usage: python bench/survey_bench.py [sqlite|postgres ...]   (PostgreSQL database chiso_survey_bench)
The machine is shared: CPU seconds of this process and the load average are printed beside wall times.
"""

import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_survey_bench")
PORT = int(os.environ.get("BENCH_PORT", "9531"))
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "2000"))
SHEETS = 38500  # × 13 statements = 500,500 answers


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def prepare(backend: str) -> dict | None:
    env = dict(os.environ, CHISO_SECRET_KEY=secrets.token_urlsafe(40), CHISO_SURVEY_RATE_LIMIT="100000000",
               CHISO_DEBUG="0", CHISO_LOG_LEVEL="ERROR", CHISO_DATA_DIR=tempfile.mkdtemp(prefix="chiso-sbench-"))
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{env['CHISO_DATA_DIR']}/bench.sqlite3"
    else:
        import psycopg

        try:
            with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as c:
                c.execute("DROP DATABASE IF EXISTS chiso_survey_bench")
                c.execute("CREATE DATABASE chiso_survey_bench")
        except psycopg.Error as exc:
            print(f"postgres: skipped ({exc.__class__.__name__})")
            return None
        env["DATABASE_URL"] = PG_URL
    os.environ.update(env)
    return env


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chiso.org.models import Agency, Province
    from chiso.public.actions import do_set_public_page
    from chiso.survey import actions

    province = Province.objects.create(code="do", name="Tỉnh Đo")
    agencies = [Agency.objects.create(province=province, code=f"B{i:02d}", name=f"Sở số {i}") for i in range(3)]
    q = actions.do_create_questionnaire(None)
    actions.do_activate(None, q.pk)
    counters = [actions.do_save_counter(None, agencies[0], f"Quầy {i}") for i in range(1, 6)]
    actions.do_save_counter(None, agencies[1], "Quầy 1")
    do_set_public_page(None, agencies[0], enabled=True, show_survey=True, show_services=True)
    return agencies, counters, actions.active_questionnaire(agencies[0])


def fill_answers(agency, counters, q):
    """SHEETS sheets over 12 months, written in bulk (the data, not what is measured)."""
    from django.db import transaction
    from django.utils import timezone

    from chiso.survey.models import Answer, Response

    rnd = random.Random(7)
    questions = list(q.questions.all())
    year = timezone.localdate().year
    procs = [f"Thủ tục {i}" for i in range(40)]
    with transaction.atomic():
        for start in range(0, SHEETS, 2000):
            resps = []
            for _i in range(start, min(start + 2000, SHEETS)):
                month = rnd.randint(1, 12)
                when = timezone.make_aware(datetime(year, month, rnd.randint(1, 28), 10))
                resps.append(Response(questionnaire=q, agency=agency, counter=rnd.choice(counters), channel="paper",
                                      submitted_at=when, day=when.date(), month=year * 12 + month - 1,
                                      procedure=rnd.choice(procs)))
            Response.objects.bulk_create(resps)
            answers = []
            for r in resps:
                for x in questions:
                    v = rnd.choice([1, 2, 3, 4, 4, 5, 5, 5])
                    answers.append(Answer(response=r, question=x, aspect_id=x.aspect_id, agency=agency,
                                          counter=r.counter, month=r.month, value=v, satisfied=v >= 4))
            Answer.objects.bulk_create(answers, batch_size=5000)
    return year


def timed(fn, runs):
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def bench_index(agency, year):
    from django.test import Client

    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.survey import queries
    from chiso.survey.models import Answer

    meta = queries.meta_for(agency)
    n = Answer.objects.filter(agency=agency).count()
    base, base_cpu = timed(lambda: Answer.objects.filter(agency=agency, month__gte=year * 12,
                                                         month__lte=year * 12 + 11).count(), 5)
    overall, overall_cpu = timed(lambda: queries.grouped([agency.pk], year * 12, year * 12 + 11, meta=meta), 5)
    user = User.objects.create_user("bench-office", password="x")
    RoleGrant.objects.create(user=user, role=Role.OFFICE, agency=agency)
    client = Client()
    client.force_login(user)
    url = f"/khao-sat/co-quan/{agency.code}/?ky={year}-Y"
    assert client.get(url).status_code == 200
    page, page_cpu = timed(lambda: client.get(url), 5)
    print(f"  index over {n:,} answers: overall {overall * 1000:.0f} ms (cpu {overall_cpu * 1000:.0f} ms), "
          f"whole agency page {page * 1000:.0f} ms (cpu {page_cpu * 1000:.0f} ms); baseline COUNT(*) "
          f"{base * 1000:.0f} ms -> ratio overall/baseline {overall / base:.1f}; load {load()}")


class Http:
    """A tiny HTTP/1.1 client over one keep-alive connection, with its own cookie jar."""

    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for _attempt in range(3):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for value in resp.headers.get_all("Set-Cookie") or []:
            k, v = value.split(";", 1)[0].split("=", 1)
            self.cookies[k] = v
        return resp.status, data


def server_cpu(proc) -> float:
    """CPU seconds used so far by the gunicorn master and its workers (from /proc)."""
    pids = [proc.pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
    except OSError:
        return float("nan")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def start_server(env):
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "chiso.wsgi:application", "--bind",
                             f"127.0.0.1:{PORT}", "--workers", "4", "--log-level", "error"], env=env, cwd=ROOT,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/cong-khai/")
            return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def bench_http(agency, counters, q, server):
    from chiso.survey.models import Answer, Response

    path = f"/cong-khai/khao-sat/{agency.code}/{counters[0].slug}/"
    c = Http()
    c.request("GET", path)
    latencies = []
    for _ in range(100):
        t = time.perf_counter()
        status, body = c.request("GET", path)
        latencies.append(time.perf_counter() - t)
        assert status == 200
    static = []
    for _ in range(100):
        t = time.perf_counter()
        c.request("GET", "/static/chiso/favicon.svg")
        static.append(time.perf_counter() - t)
    print(f"  survey page: median {statistics.median(latencies) * 1000:.1f} ms, {len(body):,} bytes; "
          f"baseline static file {statistics.median(static) * 1000:.1f} ms; load {load()}")
    public = f"/cong-khai/co-quan/{agency.code}/"
    c.request("GET", public)
    pub = []
    for _ in range(200):
        t = time.perf_counter()
        status, _body = c.request("GET", public)
        pub.append(time.perf_counter() - t)
        assert status == 200
    print(f"  public page (cached): median {statistics.median(pub) * 1000:.1f} ms, "
          f"p95 {sorted(pub)[189] * 1000:.1f} ms; load {load()}")

    questions = list(q.questions.all())
    before_r, before_a = Response.objects.count(), Answer.objects.count()
    forms = []
    for i in range(SUBMISSIONS):  # each "phone" opens the page first: its cookies and its form
        h = Http()
        _s, page = h.request("GET", path)
        token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
        data = {"csrfmiddlewaretoken": h.cookies["csrftoken"], "token": token, "receipt_code": f"BENCH-{i:06d}",
                **{f"q{x.pk}": str(random.randint(1, 5)) for x in questions}}
        forms.append((h, urllib.parse.urlencode(data)))
    codes: list[int] = []
    lock = threading.Lock()

    def send(item):
        h, body = item
        status, _ = h.request("POST", path, body)
        with lock:
            codes.append(status)

    t, cpu, scpu = time.perf_counter(), time.process_time(), server_cpu(server)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(send, forms))
    wall = time.perf_counter() - t
    used = server_cpu(server) - scpu
    stored_r, stored_a = Response.objects.count() - before_r, Answer.objects.count() - before_a
    ok = codes.count(302)
    print(f"  submissions: {len(forms)} in {wall:.2f} s = {len(forms) / wall:.0f}/s (client cpu "
          f"{time.process_time() - cpu:.2f} s); 302: {ok}, other: {len(codes) - ok}; stored {stored_r} responses, "
          f"{stored_a} answers (expected {ok} and {ok * len(questions)}); load {load()}")
    print(f"  server cpu {used:.1f} s = {used / len(forms) * 1000:.1f} ms per submission (the database's own cpu "
          f"not counted): about {os.cpu_count() / (used / len(forms)):.0f}/s if the web workers had every core")
    with ThreadPoolExecutor(16) as pool:
        replays = list(pool.map(lambda item: item[0].request("POST", path, item[1])[0], forms[:100]))
    again = Response.objects.count() - before_r
    print(f"  replays: {replays.count(409)} of 100 refused as duplicates; responses now {again} "
          f"({'none' if again == stored_r else again - stored_r} stored twice)")
    assert stored_r == ok and stored_a == ok * len(questions) and again == stored_r


def main(backends):
    if len(backends) > 1:  # one process per database: the settings are read once
        print(f"machine: {os.cpu_count()} cores, load average {load()} at start")
        for backend in backends:
            subprocess.run([sys.executable, __file__, backend], check=False)
        print(f"load average at end: {load()}")
        return
    backend = backends[0]
    env = prepare(backend)
    if env is None:
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()
    print(f"{backend} (load {load()}):")
    agencies, counters, q = build()
    server = start_server(env)
    try:
        bench_http(agencies[0], counters, q, server)
    finally:
        server.terminate()
        server.wait()
    year = fill_answers(agencies[0], counters, q)
    if backend == "postgres":  # the steady state autovacuum keeps: statistics and the visibility map
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE survey_answer")
            cursor.execute("VACUUM ANALYZE survey_response")
    bench_index(agencies[0], year)


if __name__ == "__main__":
    main(sys.argv[1:] or ["sqlite", "postgres"])
