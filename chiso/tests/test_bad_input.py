"""No 500 on bad input (issue 9): every URL pattern of the app, opened by an administrator and by an office
with out-of-range years and periods, huge ids, junk query values and an evidence file missing from disk,
answers with a page (200, 302, 400, 403, 404, 405, 409), never a server error. Prints the counts."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999", "9223372036854775808", "0"]
BAD_TEXT = ["0", "-1", "99999", "2026-Q9", "9999-99", "%00", "ZZZ"]
GOOD = {"code": "STP", "period": "2026-Q1", "kind": "quarter", "fmt": "xlsx", "dossier": "V1"}
QUERIES = ["nam=0", "nam=-1", "nam=99999&thang=1", "year=99999999999999999999", "ky=2025-99", "ky=0",
           "page=99999999999999999999&trang=-1", "agency=99999999999999999999&status=x&index=x&sort=x",
           "don-vi=99999999999999999999&chi-so=%00&loai=x&sap-xep=x", "xuat=xlsx&nam=0&ky=99999-01",
           "tai=xlsx&ky=0", "q=%00&chua-doc=x&next=//evil.example/", "thu-tuc=99999999999999999999",
           # digits str.isdigit() accepts and int() refuses ("²") or reads ("٣"): a 500 on several pages once
           "nam=%C2%B2&year=%C2%B2&don-vi=%C2%B2&unit=%C2%B2&quay=%C2%B2&trang=%C2%B2&page=%C2%B2&agency=%C2%B2",
           "nam=%D9%A3%D9%A3&don-vi=%EF%BC%95&quay=%D9%A3&trang=%EF%BC%95&agency=%C2%B2%C2%B2"]
OK = {200, 204, 301, 302, 400, 403, 404, 405, 409, 401}  # 401: the API asks for its token (a session is not one)


def patterns(resolver=None, prefix=""):
    """(route text, pattern) of every URL the app serves, admin included."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route, p


def fill(route: str, values: dict[str, str]) -> str | None:
    """The route with each <conv:name> replaced by values[name]; None for a regex route we cannot fill."""
    import re

    if route.startswith("^") or "(?P" in route:
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if re.search(r"[()\[\]\\*+?]", re.sub(r"\(\?P<(\w+)>[^)]*\)", "", route)):
            return None
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), route)
        return "/" + route
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: values.get(m.group(2), "1"), route)


def names(route: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r"<(?:(\w+):)?(\w+)>", route) + [("str", n) for n in re.findall(r"\(\?P<(\w+)>", route)]


def urls_for(route: str, real_ids: list[str]):
    params = names(route)
    good = {name: GOOD.get(name, real_ids[0] if conv in ("int", "") or name.endswith(("pk", "id")) else "1")
            for conv, name in params}
    yield fill(route, good), QUERIES
    for conv, name in params:
        bad = HUGE if conv == "int" else BAD_TEXT + HUGE[:1]
        for value in [*bad, *(real_ids[1:] if conv == "int" else [])]:
            yield fill(route, {**good, name: value}), [""]


@pytest.fixture
def broken_world(world, settings, tmp_path):
    """The test world with a confirmed update whose evidence file is gone from disk, a report, a plan source
    file gone too, and dossiers."""
    from chiso.dossiers.actions import do_import_dossiers
    from chiso.dossiers.tests.conftest import dossier_row, write_rows
    from chiso.periods.calendar import resolve
    from chiso.reports import actions as reports
    from chiso.tracking import actions
    from chiso.tracking.tests.helpers import pdf, report

    settings.MEDIA_ROOT = tmp_path / "media"
    world.people.admin.is_staff = world.people.admin.is_superuser = True  # the admin site is crawled too
    world.people.admin.save()
    update = actions.do_post_update(world.people.staff, world.civil_task, report(40, files=[pdf()]),
                                    today=date(2026, 3, 20))
    actions.do_confirm_update(world.people.office, update, today=date(2026, 3, 20))
    for ev in update.evidence.exclude(file=""):
        Path(ev.file.path).unlink()
    world.plan.source_file.name = "plans/2026/gone.pdf"
    world.plan.save()
    reports.do_compile_agency_report(world.people.office, world.home, resolve(world.home, "2026-Q1"),
                                     date(2026, 3, 20))
    do_import_dossiers(world.people.office, write_rows(tmp_path / "v.csv", [
        dossier_row("V1", received="2025-03-03", promised="2025-03-07", finished="2025-03-10")]))
    return world


def test_no_url_answers_500_to_bad_input(broken_world):
    from chiso.tracking.models import Evidence

    w = broken_world
    evidence = Evidence.objects.exclude(file="").first()
    real_ids = [str(w.civil_task.pk), *sorted({str(w.plan.pk), str(evidence.pk), "1"})]
    failures, counts = [], {}
    for user in (w.people.admin, w.people.office):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route, _pattern in patterns():
            if route.startswith(("i18n/", "jsi18n")) or (route.startswith("quan-tri/") and user != w.people.admin):
                continue
            for n, (url, queries) in enumerate(urls_for(route, real_ids)):
                if url is None or "logout" in url or "dang-xuat" in url:
                    continue
                # the administrator meets every bad value; the office (other permission paths) the plain URL,
                # and the admin site its plain URL and a huge id: its own views are Django's
                if user != w.people.admin or route.startswith("quan-tri/"):
                    if n > (1 if route.startswith("quan-tri/") else 0):
                        break
                    queries = [""]
                for query in queries:
                    full = f"{url}?{query}" if query else url
                    r = client.get(full)
                    counts[r.status_code] = counts.get(r.status_code, 0) + 1
                    if r.status_code not in OK:
                        failures.append(f"GET {full} as {user.username}: {r.status_code}")
                # a form posted with junk: huge ids in every field a form may hold
                r = client.post(url, {k: "99999999999999999999" for k in (
                    "lead_units", "support_units", "agency", "parent", "node", "period", "unit", "year",
                    "percent", "version", "update", "comment")})
                counts[r.status_code] = counts.get(r.status_code, 0) + 1
                if r.status_code not in OK:
                    failures.append(f"POST {url} as {user.username}: {r.status_code}")
    total = sum(counts.values())
    print(f"\n{total} requests: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
          + f"; {len(failures)} server errors")
    assert failures == [], "\n".join(failures[:40])


@pytest.mark.parametrize("now", ["9999-12-31T23:59", "0001-01-01T00:00", "2026-13-45T99:99", "abc"])
def test_remind_with_an_extreme_now_says_one_line(now, tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "CHISO_DATA_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    # refused before the database is opened: no migration needed
    r = subprocess.run([sys.executable, "-m", "chiso.cli", "remind", "--now", now, "--no-email"], cwd=root,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "--now" in r.stderr or "ngày" in r.stderr.lower()

