"""Every URL of the site in one permission matrix (issue 10, item 3).

The URL patterns are enumerated from the resolver: a new view that is neither in `MATRIX` nor exempt with a
reason fails `test_every_url_is_in_the_matrix`, so no page can escape the check. For each URL the matrix
names who may use it; everyone else (the outsider, the other province's coordinator, a person with no role,
and the agency's own people without the right) is refused with 403 (or 404/405) and the refused request
writes nothing to the database. Writes of an allowed person are rolled back before the next person tries.

The rule of issue 10: a task's definition (deadline, units, target) is changed by the office and the leader
only; unit staff and heads post updates."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ("admin", "coordinator", "leader", "office", "head", "staff", "laws_staff", "viewer", "outsider",
         "far_coordinator", "nobody")
ALL = frozenset(ROLES)
HOME_READERS = frozenset({"admin", "coordinator", "leader", "office", "head", "staff", "laws_staff", "viewer"})
OFFICE = frozenset({"admin", "office"})
DEFINERS = OFFICE | {"leader"}  # who changes a task's definition

# Pages and actions outside this matrix, each with the reason.
EXEMPT_PREFIXES = {
    "quan-tri/": "Django admin: staff accounts only, its own permissions",
    "i18n/": "language switch (a cookie), no data",
    "jsi18n/": "the JavaScript catalog, public text",
    "dang-nhap/": "sign in",
    "dang-xuat/": "sign out",
    "media/": "DEBUG only: media served by Django's static helper",
}
# Apps whose views keep their own matrix test (the file must exist).
ELSEWHERE: dict[str, str] = {}

# name[#variant] -> (method, kwargs from the scene, who may use it[, who may open its page when it is a POST form that
# readers see too]). "OPEN": any signed-in person, the page shows only
# what the person may read (checked by the app's own tests); the anonymous visitor is still sent to sign in.
OPEN = "open"


def _s(**kw):
    return lambda s: {k: (v(s) if callable(v) else v) for k, v in kw.items()}


NONE = _s()
PLAN = _s(pk=lambda s: s.plan.pk)
TASK = _s(pk=lambda s: s.task.pk)
UPDATE = _s(pk=lambda s: s.update.pk)
SESSION = _s(pk=lambda s: s.session.pk)
ROW = _s(pk=lambda s: s.session.pk, row_id=lambda s: s.session.rows[0]["_id"])
HOME = _s(code=lambda s: s.home.code)
HOME_Q1 = _s(code=lambda s: s.home.code, period="2026-Q1")
REPORT = _s(pk=lambda s: s.report.pk)

MATRIX = {
    # web
    "home": ("GET", NONE, OPEN),
    "agency_list": ("GET", NONE, OPEN),
    "agency_detail": ("GET", HOME, HOME_READERS),
    # plans
    "plan_list": ("GET", NONE, OPEN),
    "plan_list_export": ("GET", NONE, OPEN),
    "plan_create": ("POST", NONE, OFFICE | {"outsider"}),  # for their own agency
    "plan_tasks_export": ("GET", PLAN, HOME_READERS),
    "plan_detail": ("GET", PLAN, HOME_READERS),
    "plan_edit": ("POST", PLAN, OFFICE),
    "plan_delete": ("POST", PLAN, OFFICE),
    "plan_history": ("GET", PLAN, HOME_READERS),
    "plan_source": ("GET", PLAN, HOME_READERS),
    "task_create": ("POST", _s(plan_pk=lambda s: s.plan.pk), OFFICE),
    "task_detail": ("GET", TASK, HOME_READERS),
    "task_edit": ("POST", TASK, DEFINERS),
    "task_delete": ("POST", TASK, OFFICE),
    "plan_import": ("POST", NONE, OFFICE | {"outsider"}),
    "plan_import_wait": ("GET", _s(job_id=lambda s: s.job.pk), OFFICE),  # the person who uploaded
    "plan_import_preview": ("GET", SESSION, OFFICE),
    "plan_import_header": ("POST", SESSION, OFFICE),
    "plan_import_unit": ("POST", SESSION, OFFICE),
    "plan_import_row_edit": ("POST", ROW, OFFICE),
    "plan_import_row_drop": ("POST", ROW, OFFICE),
    "plan_import_row_merge": ("POST", ROW, OFFICE),
    "plan_import_confirm": ("POST", SESSION, OFFICE),
    "plan_import_discard": ("POST", SESSION, OFFICE),
    "plan_import_version": ("POST", SESSION, OFFICE),
    # frameworks
    "framework_list": ("GET", NONE, OPEN),
    "framework_detail": ("GET", _s(pk=lambda s: s.framework.pk), OPEN),
    "framework_export": ("GET", _s(pk=lambda s: s.framework.pk), OPEN),
    "framework_import": ("POST", NONE, frozenset({"admin"})),
    # notifications: a person's own
    "notification_list": ("GET", NONE, OPEN),
    "notification_open": ("POST", _s(pk=lambda s: s.notification.pk), frozenset({"office"})),
    "notification_read": ("POST", NONE, OPEN),
    # jobs
    "job_progress": ("GET", _s(pk=lambda s: s.job.pk), OFFICE),
    # tracking
    "dashboard": ("GET", NONE, OPEN),
    "my_tasks": ("GET", NONE, OPEN),
    "agency_dashboard": ("GET", HOME, HOME_READERS),
    "agency_close_periods": ("POST", HOME, OFFICE),
    "province_dashboard": ("GET", NONE, frozenset({"admin", "coordinator", "far_coordinator"})),
    "tracking_panel": ("GET", TASK, HOME_READERS),
    # the lead unit reports, the support unit (laws) contributes
    "tracking_post_update": ("POST", TASK, frozenset({"admin", "head", "staff", "laws_staff"})),
    "tracking_comment": ("POST", TASK, DEFINERS),
    "tracking_open_period": ("POST", TASK, OFFICE),
    "tracking_confirm": ("POST", UPDATE, OFFICE),
    "tracking_return": ("POST", UPDATE, OFFICE),
    "tracking_revise": ("POST", UPDATE, frozenset({"admin", "head", "staff"})),
    "tracking_delete": ("POST", UPDATE, frozenset({"admin", "staff"})),  # its author
    "tracking_close_period": ("POST", _s(pk=lambda s: s.period.pk), OFFICE),
    "tracking_evidence": ("GET", _s(pk=lambda s: s.evidence.pk), HOME_READERS),
    # dossiers (service KPIs); a dossier code the store does not hold is refused before it is looked up
    "kpi_index": ("GET", NONE, OPEN),
    "kpi_ranking": ("GET", NONE, frozenset({"admin", "coordinator", "far_coordinator"})),
    "kpi_upload": ("POST", NONE, OFFICE | {"outsider"}),
    "kpi_upload_run": ("POST", _s(pk=lambda s: s.kpi_run.pk), OFFICE),
    "kpi_task_measure": ("POST", TASK, OFFICE, HOME_READERS),
    "kpi_dashboard": ("GET", HOME, HOME_READERS),
    "kpi_dossiers": ("GET", HOME, HOME_READERS),
    "kpi_apology_docx": ("GET", _s(code=lambda s: s.home.code, dossier="HS-1"), OFFICE),
    "kpi_apology_record": ("POST", _s(code=lambda s: s.home.code, dossier="HS-1"), OFFICE),
    # reports
    "reports:index": ("GET", NONE, OPEN),
    "reports:rollup_default": ("GET", NONE, frozenset({"admin", "coordinator"})),
    "reports:rollup": ("GET", _s(period="2026-Q1"), frozenset({"admin", "coordinator"})),
    "reports:agency_report": ("POST", REPORT, OFFICE, HOME_READERS),
    # the sign-off: the office submits, numbers, attaches the scan, sends, withdraws; the leader decides
    "reports:report_step": ("POST", _s(pk=lambda s: s.report.pk, step="trinh"), OFFICE),
    "reports:report_step#duyet": ("POST", _s(pk=lambda s: s.submitted.pk, step="duyet"),
                                  frozenset({"admin", "leader"})),
    "reports:report_step#tra-lai": ("POST", _s(pk=lambda s: s.submitted.pk, step="tra-lai"),
                                    frozenset({"admin", "leader"})),
    "reports:report_step#rut": ("POST", _s(pk=lambda s: s.sent.pk, step="rut"), OFFICE),
    "reports:signed_copy": ("GET", _s(pk=lambda s: s.sent.pk), HOME_READERS),
    "reports:download": ("GET", _s(pk=lambda s: s.report.pk, fmt="docx"), HOME_READERS),
    "reports:calendar": ("GET", HOME, HOME_READERS),
    "reports:edit_rule": ("POST", _s(code=lambda s: s.home.code, kind="quarter"), OFFICE),
    "reports:new_adhoc": ("POST", HOME, OFFICE),
    "reports:period": ("GET", HOME_Q1, HOME_READERS),
    "reports:compile": ("POST", HOME_Q1, OFFICE),
    "reports:unit_report": ("POST", _s(code=lambda s: s.home.code, period="2026-Q1",
                                       unit_id=lambda s: s.world.civil.pk),
                            frozenset({"admin", "office", "head", "staff"}), HOME_READERS),
}

WRITES = ("insert", "update", "delete")


def _patterns(resolvers, prefix="", namespace=""):
    for p in resolvers:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}{p.name}" if p.name else None), p.callback


def site_urls():
    """(route, name, view module) of every URL pattern of the site, minus the exempt prefixes."""
    out = []
    for route, name, view in _patterns(get_resolver().url_patterns):
        if any(route.startswith(x) or route.lstrip("^").startswith(x) for x in EXEMPT_PREFIXES):
            continue
        out.append((route, name, getattr(view, "__module__", "")))
    return out


def test_every_url_is_in_the_matrix():
    import chiso

    root = __import__("pathlib").Path(chiso.__file__).parent.parent
    missing = []
    for route, name, module in site_urls():
        elsewhere = next((path for app, path in ELSEWHERE.items() if module.startswith(app + ".")), None)
        if elsewhere:
            assert (root / elsewhere).is_file(), f"{route}: {elsewhere} is missing"
            continue
        if name not in {n.split("#")[0] for n in MATRIX}:
            missing.append(f"{route} ({name}, {module})")
    assert not missing, "URLs without a permission rule in chiso/tests/test_url_permissions.py: " + \
        "; ".join(missing)
    known = {name for _r, name, _m in site_urls()}
    assert {n.split("#")[0] for n in MATRIX} <= known, f"rules for URLs that no longer exist: {set(MATRIX) - known}"


@pytest.fixture
def scene(world, settings, tmp_path):
    """The world plus one of everything a URL can name: an update with evidence, a period, an import under
    review, a background job, an agency report, a notification."""
    from types import SimpleNamespace

    from chiso.frameworks.models import Framework
    from chiso.jobs.api import enqueue
    from chiso.notifications.service import notify
    from chiso.periods.calendar import resolve
    from chiso.plans import import_jobs
    from chiso.plans.tests.importdocs import plan_docx
    from chiso.reports import actions as reports
    from chiso.tracking import actions as tracking
    from chiso.tracking.tests.helpers import pdf, report

    settings.MEDIA_ROOT = tmp_path / "media"
    from chiso.periods.models import ensure_default_rules

    ensure_default_rules()
    p = world.people
    task = world.civil_task
    update = tracking.do_post_update(p.staff, task, report(files=[pdf()]), today=date(2026, 3, 2))
    period = tracking.ensure_periods(task)[0]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    office = Client()
    office.force_login(p.office)
    path = plan_docx(tmp_path / "ke-hoach.docx")
    office.post(reverse("plan_import"), {"agency": world.home.pk, "file": SimpleUploadedFile(
        "ke-hoach.docx", path.read_bytes())})
    from chiso.plans.models import ImportSession

    session = ImportSession.objects.get()
    job = enqueue(import_jobs.KIND, {"filename": "quet.pdf"}, user=p.office, agency_id=world.home.pk)
    agency_report = reports.do_compile_agency_report(p.office, world.home, resolve(world.home, "2026-Q1"))
    from chiso.reports.tests.helpers import sent

    submitted = reports.do_submit_agency_report(p.office, reports.do_compile_agency_report(
        p.office, world.home, resolve(world.home, "2026-H1")))
    sent_report = sent(world, reports.do_compile_agency_report(p.office, world.home, resolve(world.home, "2025-Y")),
                       date(2025, 12, 17))
    notify([p.office], "update_submitted", "Có báo cáo mới", reverse("task_detail", args=[task.pk]))
    from chiso.dossiers.models import ImportRun
    from chiso.notifications.models import Notification

    return SimpleNamespace(world=world, home=world.home, plan=world.plan, task=task, update=update,
                           evidence=update.evidence.get(),
                           period=period, session=session, job=job, report=agency_report,
                           notification=Notification.objects.filter(user=p.office).latest("pk"),
                           framework=Framework.objects.first(), submitted=submitted, sent=sent_report,
                           kpi_run=ImportRun.objects.create(agency=world.home, filename="ho-so.csv"))


class WriteSpy:
    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        words = sql.lstrip().split(None, 1)
        if words and words[0].lower() in WRITES and "django_session" not in sql:
            self.writes.append(sql[:100])
        return execute(sql, params, many, context)


def _try(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_url_refuses_whoever_lacks_the_right(scene, client, name):
    method, kwargs, allowed, *page = MATRIX[name]
    readers = page[0] if page else allowed
    url = reverse(name.split("#")[0], kwargs=kwargs(scene))
    anonymous = _try(client, method, url)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"], url
    if allowed == OPEN:
        return
    for role in ROLES:
        user = getattr(scene.world.people, role)
        client.force_login(user)
        spy = WriteSpy()
        with transaction.atomic():
            with connection.execute_wrapper(spy):
                responses = [_try(client, method, url)]
                if method == "POST" and role not in readers:
                    responses.append(client.get(url))  # the form page is refused too
            transaction.set_rollback(True)
        codes = [r.status_code for r in responses]
        if role in allowed:
            assert codes[0] != 403 and codes[0] < 500, (name, role, codes)
        else:
            assert codes[0] in (403, 404), (name, role, codes)
            assert all(c in (403, 404, 405) for c in codes), (name, role, codes)
            assert spy.writes == [], (name, role, spy.writes)
        client.logout()
