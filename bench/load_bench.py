"""Load test: the real server (`chiso serve`, gunicorn) on loopback, N logged-in users of different roles
and agencies running a mix of pages for a bounded time, at 3,600 tasks (pages_bench's data: 20 agencies x
3 plans x 60 tasks) on SQLite.

Phases, in one run: (1) N users with an average pause between pages (think time), (2) the same users with
no pause (throughput), (3) a static file with no pause — the ceiling of this server on this machine. Prints
pages/s, p50/p95/p99, errors and the server's CPU per request (its processes' user+system time from /proc,
divided by the requests), the ratio of the static ceiling to the pages, and the load average.
Targets (issue 14): with a 5 s pause p95 < 150 ms; with no pause >= 120 pages/s and a ratio under 5.
Exit 0 when met, 3 when missed (scripts/run_benchmarks.py), other codes on an error.

usage: python bench/load_bench.py [--users 50] [--seconds 20] [--pause 5] [--workers W] [--threads T]
                                  [--port 9250]
"""

import argparse
import http.client
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
MISSED = 3
KEY = "load-bench-" + "k" * 50  # a key of the run (the server refuses the demo key)


def build(db_url: str, folder: str) -> dict:
    """The data (pages_bench.build) and one session per user: role -> [(session key, agency code)]."""
    os.environ["DATABASE_URL"] = db_url
    os.environ["CHISO_DATA_DIR"] = folder  # the server's static files and data in the run's own folder
    os.environ["CHISO_SECRET_KEY"] = KEY  # the sessions made here must be valid for the server
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    import pages_bench
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from chiso.accounts.models import User

    _admin, _office, plan = pages_bench.build()
    sessions: dict[str, list] = {}
    for user in User.objects.select_related("unit__agency").exclude(username="bench-admin"):
        role = user.username.split("-", 1)[1]
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[0]
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        sessions.setdefault(role, []).append((s.session_key, user.unit.agency.code))
    plans = {p.agency.code: p.pk for p in type(plan).objects.select_related("agency")}
    return {"sessions": sessions, "plans": plans}


def pages_for(role: str, agency: str, plans: dict) -> list[str]:
    """The pages a person of the role opens, the ones they open most listed more than once."""
    common = ["/", "/ke-hoach/", f"/ke-hoach/{plans[agency]}/", "/theo-doi/thong-bao/"]
    if role in ("unit_staff", "unit_head"):
        return common + ["/theo-doi/viec-cua-toi/"] * 3 + ["/"]
    return common + [f"/theo-doi/co-quan/{agency}/"] * 2 + ["/bao-cao/"]


class Server:
    def __init__(self, port: int, workers: int, threads: int, env: dict):
        self.port = port
        cmd = [str(ROOT / ".venv/bin/chiso"), "serve", "--port", str(port), "--workers", str(workers),
               "--threads", str(threads)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/static/chiso/chiso.css")
                c.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("the server did not start: " + self.proc.stderr.read().decode()[-500:])

    def cpu_seconds(self) -> float:
        """User + system seconds of the server's processes (the master and its workers)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in [self.proc.pid, *self._children()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError):
                continue
        return total

    def _children(self) -> list[int]:
        try:
            return [int(x) for x in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self):
        try:
            os.killpg(self.proc.pid, 15)  # the server's own process group (start_new_session)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, 9)


def phase(port: int, users: list[tuple[str, list[str]]], seconds: float, pause: float) -> dict:
    """Each user (session key, its pages) in a thread on its own keep-alive connection until the time is up."""
    latencies: list[float] = []
    errors = [0]
    samples: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def user(key: str, urls: list[str], seed: int):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": f"sessionid={key}"} if key else {}
        if pause:
            time.sleep(rnd.uniform(0, pause))  # users do not all start at once
        while time.perf_counter() < stop_at:
            url = rnd.choice(urls)
            start = time.perf_counter()
            try:
                try:
                    conn.request("GET", url, headers=headers)
                    response = conn.getresponse()
                except (ConnectionError, http.client.RemoteDisconnected):
                    # the server closed an idle keep-alive connection: a browser opens a new one and retries
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("GET", url, headers=headers)
                    response = conn.getresponse()
                response.read()
                # a redirect is an answer (the reports index sends a one-agency person to its calendar),
                # unless it is to the login page
                ok = response.status == 200 or (response.status == 302
                                                 and "next=" not in (response.getheader("Location") or ""))
                if not ok and len(samples) < 3:
                    samples.append(f"{response.status} {url}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                if len(samples) < 3:
                    samples.append(f"{exc.__class__.__name__} {url}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                errors[0] += not ok
            if pause:
                time.sleep(min(rnd.expovariate(1 / pause), pause * 4))
        conn.close()

    threads = [threading.Thread(target=user, args=(k, u, i)) for i, (k, u) in enumerate(users)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    lat = sorted(latencies)

    def q(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    if samples:
        print("  errors, e.g.:", "; ".join(samples))
    return {"n": len(lat), "rate": len(lat) / elapsed, "p50": q(0.50), "p95": q(0.95), "p99": q(0.99),
            "errors": errors[0]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--pause", type=float, default=5)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--port", type=int, default=9250)
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="chiso-load-")
    db_url = f"sqlite:///{folder}/load.sqlite3"
    data = build(db_url, folder)
    from django.conf import settings
    from django.core.management import call_command

    env = {**os.environ, "DATABASE_URL": db_url, "CHISO_SECRET_KEY": KEY, "CHISO_DATA_DIR": folder,
           "CHISO_ACCESS_LOG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    call_command("collectstatic", interactive=False, verbosity=0)
    workers = args.workers or settings.SERVE_WORKERS
    threads = args.threads or settings.SERVE_THREADS
    roles = list(data["sessions"])
    users = []
    for i in range(args.users):
        role = roles[i % len(roles)]
        key, agency = data["sessions"][role][(i // len(roles)) % len(data["sessions"][role])]
        users.append((key, pages_for(role, agency, data["plans"])))
    server = Server(args.port, workers, threads, env)
    results = {}
    try:
        phase(args.port, users[:4], 3, 0)  # warm up every worker
        for name, who, pause in ((f"{args.users} users, {args.pause:g} s pause", users, args.pause),
                                 (f"{args.users} users, no pause", users, 0),
                                 ("static file, no pause", [("", ["/static/chiso/chiso.css"])] * args.users, 0)):
            cpu0 = server.cpu_seconds()
            r = phase(args.port, who, args.seconds, pause)
            r["cpu_ms"] = (server.cpu_seconds() - cpu0) / max(r["n"], 1) * 1000
            results[name] = r
    finally:
        server.stop()
    print(f"load test: {sum(len(v) for v in data['sessions'].values())} people, 3,600 tasks, SQLite; "
          f"gunicorn {workers} workers x {threads} threads; {args.seconds:g} s per phase")
    print(f"  {'phase':<28} {'req':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'err':>4} "
          f"{'server CPU ms/req':>18}")
    for name, r in results.items():
        print(f"  {name:<28} {r['n']:6d} {r['rate']:7.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
              f"{r['errors']:4d} {r['cpu_ms']:18.2f}")
    paused, busy, static = results.values()
    ratio = static["rate"] / busy["rate"] if busy["rate"] else float("inf")
    cpu_ratio = busy["cpu_ms"] / static["cpu_ms"] if static["cpu_ms"] else float("inf")
    print(f"  static ceiling / pages: {ratio:.1f}x requests per second, {cpu_ratio:.1f}x server CPU per request")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          f"(the client runs on the same machine)")
    met = paused["p95"] < 150 and busy["rate"] >= 120 and ratio < 5 and not (paused["errors"] or busy["errors"])
    print("  OK" if met else "  MISSED (targets: p95 < 150 ms with pauses; >= 120 pages/s, ratio < 5 without)")
    if paused["errors"] or busy["errors"] or static["errors"]:
        return 1
    return 0 if met else MISSED


if __name__ == "__main__":
    sys.exit(main())
