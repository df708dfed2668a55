"""CPU of one public survey visit (GET the form, POST it, GET the thanks page) inside one process, through
Django's WSGI handler with every middleware, as a gunicorn worker runs it but without the network: CPU
seconds (time.process_time), not wall time, so a shared machine changes little. With --profile, the
cProfile of the same loop (sorted by cumulative time, the top 45 lines).

usage: python bench/survey_profile.py [sqlite|postgres] [--visits N] [--profile]
(PostgreSQL: BENCH_PG_URL, database chiso_survey_profile by default, dropped and created.)
"""

import argparse
import io
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/chiso_survey_profile")

import survey_bench  # noqa: E402 - the same database, settings and data as the benchmark


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=["form", "post", "thanks"], help="profile only this request of a visit")
    args = parser.parse_args()
    env = survey_bench.prepare(args.backend)
    if env is None:
        raise SystemExit("no database")
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    django.setup()
    from chiso.survey.models import Answer, Response

    agencies, counters, q = survey_bench.build()
    questions = list(q.questions.all())
    path = f"/cong-khai/khao-sat/{agencies[0].code}/{counters[0].slug}/"
    from chiso.wsgi import application as app  # as gunicorn loads it (the garbage collector tuned there too)

    steps = {"form": 0.0, "post": 0.0, "thanks": 0.0}

    def call(method, url, cookies, address, body=b""):
        target = urllib.parse.urlsplit(url)
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": target.path, "QUERY_STRING": target.query, "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "9531", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:9531", "HTTP_X_REAL_IP": address,
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), headers

        result = app(environ, start_response)
        data = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        location = None
        for name, value in seen["headers"]:
            if name.lower() == "set-cookie":
                k, v = value.split(";", 1)[0].split("=", 1)
                cookies[k.strip()] = v
            elif name.lower() == "location":
                location = value
        return seen["status"], data, location

    profiler = None

    def timed_call(step, *args):
        if profiler is not None and args_only in (None, step):
            profiler.enable()
            try:
                return call(*args)
            finally:
                profiler.disable()
        return call(*args)

    args_only = args.only

    def database_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend (same machine), NaN on SQLite (in-process)."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return float("nan")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def visit(n):
        cookies: dict[str, str] = {}
        address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        c0 = time.process_time()
        status, page, _ = timed_call("form", "GET", path, cookies, address)
        c1 = time.process_time()
        assert status == 200, status
        token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": cookies["csrftoken"], "token": token, "receipt_code": f"P-{n:07d}",
            **{f"q{x.pk}": str(1 + n % 5) for x in questions}}).encode()
        c2 = time.process_time()
        status, _, location = timed_call("post", "POST", path, cookies, address, body)
        c3 = time.process_time()
        assert status == 302, status
        status, _, _ = timed_call("thanks", "GET", location, cookies, address)
        c4 = time.process_time()
        assert status == 200, status
        steps["form"] += c1 - c0
        steps["post"] += c3 - c2
        steps["thanks"] += c4 - c3

    for n in range(50):  # warm-up: memos, imports, templates
        visit(n)
    start = 50 + args.visits
    cpu, wall = time.process_time(), time.perf_counter()
    for v in steps:
        steps[v] = 0.0
    db0 = database_cpu()
    for n in range(50, start):
        visit(n)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    db = database_cpu() - db0
    print(f"{args.backend}: {args.visits} visits, cpu {cpu / args.visits * 1000:.2f} ms per visit "
          f"(wall {wall / args.visits * 1000:.2f} ms): "
          + ", ".join(f"{k} {v / args.visits * 1000:.2f}" for k, v in steps.items())
          + (f"; PostgreSQL's own process {db / args.visits * 1000:.2f} ms" if db == db else "")
          + f"; load {survey_bench.load()}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        for n in range(start, start + args.visits):
            visit(n)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        start += args.visits
    stored = Response.objects.count()
    assert stored == start, (stored, start)
    assert Answer.objects.count() == start * len(questions)


if __name__ == "__main__":
    main()
