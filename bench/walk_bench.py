"""Benchmark: walk every page the coordinator can reach at 200 agencies x 180 tasks (36,000 tasks), SQLite.

Issue 14's acceptance: "no page in a walk of every URL as the coordinator at 200 agencies over 500 ms". The
walk starts at the home page and follows every same-site link (GET only, as a browser would), at most
PER_NAME distinct addresses per URL name so a list of 200 agencies does not become 200 visits of one view.
Each page is timed (median of RUNS after one warm-up); the slowest are printed with their query counts, and
the URL names the walk never reached are listed so the coverage is visible. The province is the one
bench/province_bench.py builds. Exit 0 when every page is under the limit, 3 when one is over (MISSED), 1 when
a page answers with an error (4xx/5xx other than 403/404/405 on a link the coordinator was shown).

usage: python bench/walk_bench.py [agencies] [tasks per agency]
"""

import os
import statistics
import sys
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
LIMIT_MS = 500
RUNS = 3
PER_NAME = 3
MISSED = 3
# Not pages of the app: the admin site, static files, the API (tokens, its own benchmark), signing out.
SKIP_PREFIXES = ("/quan-tri/", "/static/", "/media/", "/api/", "/dang-xuat/", "/i18n/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        href, _ = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, mailto:, javascript:, or a relative oddity
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        out.append(href)
    return out


def timed(client, url: str) -> tuple[int, float, float, int]:
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    walls, cpus = [], []
    status = 0
    for run in range(RUNS + 1):
        w, c = time.perf_counter(), time.process_time()
        if run == 1:
            with connection.execute_wrapper(count):
                response = client.get(url)
        else:
            response = client.get(url)
        if run:  # the first is the warm-up
            walls.append((time.perf_counter() - w) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        status = response.status_code
        if status != 200:
            return status, 0.0, 0.0, 0
    return status, statistics.median(walls), statistics.median(cpus), len(executed)


def all_url_names() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


def main(argv: list[str]) -> int:
    from bench.province_bench import signed_in_province

    client = signed_in_province(argv, f"walk as the coordinator (median of {RUNS} a page)")
    from django.urls import Resolver404, resolve

    seen: set[str] = set()
    per_name: dict[str, int] = {}
    queue = deque(["/"])
    results, errors = [], []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            errors.append((url, 404, "no such address"))
            continue
        name = match.view_name
        if per_name.get(name, 0) >= PER_NAME:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        status, wall, cpu, queries = timed(client, url)
        if status in (301, 302):  # follow it, as a browser would
            per_name[name] -= 1
            location = client.get(url)["Location"]
            if location.startswith("/") and not location.startswith(SKIP_PREFIXES):
                queue.append(location)
            continue
        if status != 200:
            errors.append((url, status, name))
            continue
        results.append((wall, cpu, queries, url, name))
        response = client.get(url)
        if "html" in response.get("Content-Type", ""):
            queue.extend(link for link in links_of(response.content.decode("utf-8", "replace")) if link not in seen)
    results.sort(reverse=True)
    over = [r for r in results if min(r[0], r[1]) >= LIMIT_MS]
    print(f"  {len(results)} pages of {len(per_name)} URL names walked; slowest:")
    for wall, cpu, queries, url, _name in results[:12]:
        print(f"  wall {wall:7.1f} ms  CPU {cpu:7.1f} ms  queries {queries:3d}  {url[:90]}")
    if results:
        walls = [r[0] for r in results]
        print(f"  all pages: median {statistics.median(walls):.1f} ms, max {max(walls):.1f} ms "
              f"(limit {LIMIT_MS} ms): {'ok' if not over else f'{len(over)} SLOW'}")
    unreached = sorted(n for n in all_url_names() - set(per_name)
                       if not n.startswith(("admin:", "api", "public:", "survey_public")))
    print("  URL names reached: " + ", ".join(sorted(per_name)))
    print(f"  URL names not reached by links ({len(unreached)}; forms, downloads behind POST, other roles' pages): "
          + ", ".join(unreached[:40]) + (" ..." if len(unreached) > 40 else ""))
    for url, status, what in errors:
        print(f"  ERROR {status} {url} ({what})")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if any(status >= 500 for _u, status, _w in errors):
        return 1
    return MISSED if over or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
