"""Benchmark of the SIPAS survey (issue 13), through the real server (`chiso serve`: gunicorn, its default
workers) on loopback.

1. The survey page: median of 100 GETs, beside a static file's median (baseline) in the same run; the cached
   public page of an agency: median of 200 GETs.
2. Sustained submissions (server: `chiso serve` as production runs it, its defaults — 3 sync workers — unless
   BENCH_WORKERS / BENCH_THREADS say otherwise): BENCH_CLIENTS (32) phones at a time for BENCH_SECONDS (20 s).
   Each is a new phone —
   its own cookies, its own address (X-Real-IP, read through CHISO_CLIENT_IP_HEADER, so the default rate limit
   applies per phone) and its own dossier code — that GETs the form, POSTs it with its CSRF cookie and token
   and GETs the thanks page it is sent to. Prints submissions per second (complete visits), POST and visit
   p50/p95, every status, the server's CPU per visit, then the same clients on a static file for the same
   time (baseline: this server's ceiling on this machine in this run) and the ratio. Afterwards it counts
   the stored responses and answers (accepted == stored, 13 answers each, no dossier code twice, no 5xx)
   and replays 100 of the forms (all refused, nothing more stored).
3. The index over 500,000 answers (38,500 sheets × 13): the overall figure and the whole agency page
   (every breakdown), median of 5, beside a plain COUNT(*) of the same answers (baseline).
Targets: page < 50 ms median; 200 submissions/s; index < 1 s; public page < 100 ms median. Exit 0 when met,
3 when one is missed (the figures still printed), 1 when an answer was lost, duplicated or refused.

usage: python bench/survey_bench.py [sqlite|postgres ...]   (PostgreSQL: BENCH_PG_URL, database
chiso_survey_bench by default, dropped and created). The machine is shared: CPU seconds and the load average
are printed beside wall times.
"""

import http.client
import itertools
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_survey_bench")
PORT = int(os.environ.get("BENCH_PORT", "9531"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))      # phones at a time
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))    # of sustained submissions
MISSED = 3  # exit code when a target is missed (scripts/run_benchmarks.py)
SHEETS = 38500  # × 13 statements = 500,500 answers


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def prepare(backend: str) -> dict | None:
    env = dict(os.environ, CHISO_SECRET_KEY=secrets.token_urlsafe(40), CHISO_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
               CHISO_DEBUG="0", CHISO_LOG_LEVEL="ERROR", CHISO_DATA_DIR=tempfile.mkdtemp(prefix="chiso-sbench-"))
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{env['CHISO_DATA_DIR']}/bench.sqlite3"
    else:
        import psycopg

        try:
            with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as c:
                name = PG_URL.rsplit("/", 1)[1]
                c.execute(f'DROP DATABASE IF EXISTS "{name}"')
                c.execute(f'CREATE DATABASE "{name}"')
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
    return overall


class Http:
    """A tiny HTTP/1.1 client with its own cookie jar (one phone), and the address a reverse proxy would pass
    (X-Real-IP, read by the server through CHISO_CLIENT_IP_HEADER): each phone comes from its own address."""

    def __init__(self, address: str = ""):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookies: dict[str, str] = {}
        self.address = address

    def request(self, method, path, body=None):
        """(status, body, Location). A transport error is raised: the caller counts it."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.address:
            headers["X-Real-IP"] = self.address
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if method != "GET":  # a POST is never silently re-sent: it might have been stored
                raise
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        data = resp.read()
        for value in resp.headers.get_all("Set-Cookie") or []:
            k, v = value.split(";", 1)[0].split("=", 1)
            self.cookies[k] = v
        if resp.will_close:
            self.conn.close()  # the sync worker closes every connection: the next request opens a new one
        return resp.status, data, resp.getheader("Location")


class Server:
    """The production server, `chiso serve` (gunicorn, its default workers), on loopback, in its own process
    group."""

    def __init__(self, env):
        cmd = [str(ROOT / ".venv/bin/chiso"), "serve", "--port", str(PORT)]
        if os.environ.get("BENCH_WORKERS"):
            cmd += ["--workers", os.environ["BENCH_WORKERS"]]
        if os.environ.get("BENCH_THREADS"):  # above 1: gunicorn's gthread worker (production: CHISO_THREADS)
            cmd += ["--threads", os.environ["BENCH_THREADS"]]
        from django.conf import settings

        threads = int(os.environ.get("BENCH_THREADS") or settings.SERVE_THREADS)
        self.config = (f"{os.environ.get('BENCH_WORKERS') or settings.SERVE_WORKERS} workers, "
                       + (f"gthread x {threads} threads" if threads > 1 else "sync"))
        self.proc = subprocess.Popen(cmd, env={**env, "CHISO_ACCESS_LOG": "0"}, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        for _ in range(150):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/static/chiso/favicon.svg")
                c.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("the server did not start: " + self.proc.stderr.read().decode()[-500:])

    def cpu(self) -> float:
        """CPU seconds used so far by the gunicorn master and its workers (from /proc)."""
        pids = [self.proc.pid]
        try:
            pids += [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
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

    def workers(self) -> int:
        try:
            return len(Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split())
        except OSError:
            return 0

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")


def bench_pages(agency, counters):
    """Survey page and cached public page, one client after another (latency, not throughput)."""
    path = f"/cong-khai/khao-sat/{agency.code}/{counters[0].slug}/"
    c = Http()
    c.request("GET", path)
    latencies, static = [], []
    for _ in range(100):
        t = time.perf_counter()
        status, body, _loc = c.request("GET", path)
        latencies.append(time.perf_counter() - t)
        assert status == 200
    for _ in range(100):
        t = time.perf_counter()
        c.request("GET", "/static/chiso/favicon.svg")
        static.append(time.perf_counter() - t)
    page = statistics.median(latencies) * 1000
    print(f"  survey page: median {page:.1f} ms, {len(body):,} bytes; baseline static file "
          f"{statistics.median(static) * 1000:.1f} ms -> ratio {page / (statistics.median(static) * 1000):.1f}; "
          f"load {load()}")
    public = f"/cong-khai/co-quan/{agency.code}/"
    c.request("GET", public)
    pub = []
    for _ in range(200):
        t = time.perf_counter()
        status, _body, _loc = c.request("GET", public)
        pub.append(time.perf_counter() - t)
        assert status == 200
    print(f"  public page (cached): median {statistics.median(pub) * 1000:.1f} ms, p95 {pct(pub, 0.95):.1f} ms; "
          f"load {load()}")
    return {"page": page, "public": statistics.median(pub) * 1000}


PHONES = itertools.count()  # numbers unique over the whole run: one per phone, its address and dossier code


def run_clients(seconds: float, visit) -> float:
    """CLIENTS threads each calling visit(number) again and again until the time is up; returns the wall time."""
    stop_at = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < stop_at:
            visit(next(PHONES))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


def bench_submissions(agency, counters, q, server) -> dict:
    """Sustained submissions: CLIENTS phones at a time for SECONDS, each a new phone (own cookies, own
    address, own dossier code) that opens the form, posts it with its CSRF token and follows the redirect to
    the thanks page, as a browser does. Then the same clients on a static file for the same time (the
    server's ceiling on this machine in this run). Afterwards every stored response and answer is counted."""
    from django.db.models import Count

    from chiso.survey.models import Answer, Response

    path = f"/cong-khai/khao-sat/{agency.code}/{counters[0].slug}/"
    questions = list(q.questions.all())
    run = secrets.token_hex(3).upper()
    lock = threading.Lock()
    statuses: dict[str, Counter] = {"get": Counter(), "post": Counter(), "thanks": Counter()}
    post_lat, visit_lat, errors, kept = [], [], [], []

    def phone(n):
        h = Http(f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}")
        t0 = time.perf_counter()
        step = "get"
        try:
            s1, page, _loc = h.request("GET", path)
            with lock:
                statuses["get"][s1] += 1
            if s1 != 200:
                return
            token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
            body = urllib.parse.urlencode({
                "csrfmiddlewaretoken": h.cookies["csrftoken"], "token": token, "receipt_code": f"B{run}-{n:07d}",
                **{f"q{x.pk}": str(random.randint(1, 5)) for x in questions}})
            step = "post"
            t1 = time.perf_counter()
            s2, _body, location = h.request("POST", path, body)
            t2 = time.perf_counter()
            with lock:
                statuses["post"][s2] += 1
                post_lat.append(t2 - t1)
                if len(kept) < 100:
                    kept.append((h, body))
            if s2 != 302:
                return
            step = "thanks"
            s3, _body, _loc = h.request("GET", location)
            with lock:
                statuses["thanks"][s3] += 1
                visit_lat.append(time.perf_counter() - t0)
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"{step}: {exc.__class__.__name__}")

    before_r, before_a = Response.objects.count(), Answer.objects.count()
    run_clients(2, phone)  # warm every worker up (counted in the database check too)
    warm = statuses["post"][302]
    for v in statuses.values():
        v.clear()
    post_lat.clear()
    visit_lat.clear()
    cpu, scpu, load0 = time.process_time(), server.cpu(), load()
    wall = run_clients(SECONDS, phone)
    used, client_cpu = server.cpu() - scpu, time.process_time() - cpu
    sent = statuses["post"][302]
    visits = len(visit_lat)
    rate = visits / wall

    static_lat: list[float] = []
    static_codes: Counter = Counter()

    def fetch(_n):
        h = Http()
        t = time.perf_counter()
        try:
            s, _b, _l = h.request("GET", "/static/chiso/favicon.svg")
        except (OSError, http.client.HTTPException):
            s = 0
        with lock:
            static_lat.append(time.perf_counter() - t)
            static_codes[s] += 1

    static_wall = run_clients(SECONDS, fetch)
    static_rate = static_codes[200] / static_wall

    stored_r = Response.objects.count() - before_r
    stored_a = Answer.objects.count() - before_a
    ours = Response.objects.filter(receipt_code__startswith=f"B{run}-")
    twice = ours.values("receipt_code").annotate(n=Count("id")).filter(n__gt=1).count()
    bad_answers = (Response.objects.filter(receipt_code__startswith=f"B{run}-").annotate(n=Count("answers"))
                   .exclude(n=len(questions)).count())
    fives = sum(n for code, n in statuses["post"].items() if code >= 500) + sum(
        n for k in ("get", "thanks") for code, n in statuses[k].items() if code >= 500)
    requests_per_visit = 3
    print(f"  submissions: {CLIENTS} phones at a time for {wall:.1f} s, each GET the form, POST it (CSRF token, "
          f"own cookies, address and dossier code), GET the thanks page")
    print(f"    {visits} complete visits = {rate:.0f} submissions/s; POST p50 {pct(post_lat, 0.5):.0f} ms, "
          f"p95 {pct(post_lat, 0.95):.0f} ms; whole visit p50 {pct(visit_lat, 0.5):.0f} ms, "
          f"p95 {pct(visit_lat, 0.95):.0f} ms; load {load0} -> {load()}")
    print(f"    statuses GET {dict(statuses['get'])}, POST {dict(statuses['post'])}, thanks "
          f"{dict(statuses['thanks'])}; transport errors {len(errors)}{' e.g. ' + errors[0] if errors else ''}")
    print(f"    server cpu {used:.1f} s = {used / max(visits, 1) * 1000:.1f} ms per visit ({server.workers()} "
          f"workers running, `chiso serve` {server.config}; the database's own processes not counted); client cpu "
          f"{client_cpu:.1f} s")
    print(f"    baseline static file, same {CLIENTS} clients: {static_rate:.0f} requests/s (p50 "
          f"{pct(static_lat, 0.5):.0f} ms, other statuses {sum(static_codes.values()) - static_codes[200]}) -> "
          f"ratio static requests/s to submission requests/s {static_rate / max(rate * requests_per_visit, 1e-9):.1f}")
    expected = sent + warm
    print(f"    stored {stored_r} responses and {stored_a} answers for {expected} accepted POSTs (incl. {warm} of "
          f"the warm-up; expected {expected} and {expected * len(questions)}); dossier codes stored twice: {twice}; "
          f"responses without all {len(questions)} answers: {bad_answers}; 5xx: {fives}")
    for h, _body in kept:  # a kept-alive connection (gthread) has timed out since: replay on a fresh one
        h.conn.close()
    with ThreadPoolExecutor(16) as pool:
        replays = list(pool.map(lambda item: item[0].request("POST", path, item[1])[0], kept))
    again = Response.objects.count() - before_r
    print(f"    replays: {replays.count(409)} of {len(kept)} refused as duplicates; responses now {again} "
          f"({'none' if again == stored_r else again - stored_r} stored twice)")
    sound = (stored_r == expected and stored_a == expected * len(questions) and twice == 0 and bad_answers == 0
             and fives == 0 and not errors and again == stored_r and replays.count(409) == len(kept)
             and statuses["post"][302] == sum(statuses["post"].values()))
    if not sound:
        print("    FAILED: lost, duplicated or refused answers, or server errors (see above)")
    return {"rate": rate, "sound": sound}


def main(backends) -> int:
    if len(backends) > 1:  # one process per database: the settings are read once
        print(f"machine: {os.cpu_count()} cores, load average {load()} at start")
        codes = [subprocess.run([sys.executable, __file__, backend], check=False).returncode for backend in backends]
        print(f"load average at end: {load()}")
        return 1 if any(c not in (0, MISSED) for c in codes) else MISSED if MISSED in codes else 0
    backend = backends[0]
    env = prepare(backend)
    if env is None:
        return 0
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()
    print(f"{backend} (load {load()}):")
    agencies, counters, q = build()
    server = Server(env)
    try:
        pages = bench_pages(agencies[0], counters)
        subs = bench_submissions(agencies[0], counters, q, server)
    finally:
        server.stop()
    year = fill_answers(agencies[0], counters, q)
    if backend == "postgres":  # the steady state autovacuum keeps: statistics and the visibility map
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE survey_answer")
            cursor.execute("VACUUM ANALYZE survey_response")
    index = bench_index(agencies[0], year)
    met = pages["page"] < 50 and subs["rate"] >= 200 and index < 1 and pages["public"] < 100
    print(f"  {'OK' if met else 'MISSED'} (targets: survey page < 50 ms, >= 200 submissions/s, index < 1 s, "
          f"public page < 100 ms)")
    if not subs["sound"]:
        return 1
    return 0 if met else MISSED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["sqlite", "postgres"]))
