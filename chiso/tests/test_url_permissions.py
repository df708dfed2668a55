"""Every URL of the site in one permission matrix (issue 10, item 3).

The URL patterns are enumerated from the resolver: a new view that is neither in `MATRIX` nor exempt with a
reason fails `test_every_url_is_in_the_matrix`, so no page can escape the check. For each URL the matrix
names who may use it; everyone else (the outsider, the other province's coordinator, a person with no role,
and the agency's own people without the right) is refused with 403 (or 404/405) and the refused request
writes nothing to the database. Writes of an allowed person are rolled back before the next person tries.

The rule of issue 10: a task's definition (deadline, units, target) is changed by the office and the leader
only; unit staff and heads post updates."""

from datetime import date, timedelta
from functools import cached_property
from types import SimpleNamespace

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
# URLs whose permissions another test checks as a matrix of its own: route prefix -> (that test file, why).
ELSEWHERE: dict[str, tuple[str, str]] = {
    "cong-khai/": ("chiso/public/tests/test_public_pages.py",
                   "public by design (no sign-in), the survey's public pages included: that test walks every URL "
                   "under /cong-khai/ found in the URL map and checks none shows a private field"),
    "api/v1/": ("chiso/api/tests/test_permissions.py",
                "Bearer tokens, not sessions: that test takes every operation from the OpenAPI description and "
                "checks it without a token, with the wrong scope, and with another agency's token"),
}

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
ROUND = _s(pk=lambda s: s.assessment.round.pk)
COORDINATORS = frozenset({"admin", "coordinator"})  # of the home province
ROUND_MAKERS = COORDINATORS | {"far_coordinator"}
LEADERS = frozenset({"admin", "leader"})
TOKEN_MAKERS = LEADERS
# who drafts a sub-criterion of 1.1: the office, and the civil unit whose task is mapped to it
DRAFTERS = OFFICE | {"head", "staff"}


def _sub(state):
    """The home agency's submission, moved to `state` through the assessment's own actions."""
    return _s(pk=lambda s: s.assessment.at(state).pk)


def _score(state):
    """Sub-criterion 1.1.1 of the home agency's submission in `state`."""
    return lambda s: {"pk": s.assessment.at(state).scores.get(node__code="1.1.1").pk}


def _survey_home(s):
    s.survey  # noqa: B018 - the questionnaire in use and a counter, made on first use
    return {"code": s.home.code}

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
    # the roll-up's DOCX/XLSX: whoever sees the roll-up asks for one (a job of their own) ...
    "reports:rollup_file": ("POST", _s(period="2026-Q1", fmt="xlsx"), COORDINATORS),
    # ... and only the person who asked (or an administrator) downloads it
    "reports:rollup_download": ("GET", _s(period="2026-Q1", fmt="xlsx", job=lambda s: s.rollup_job.pk), COORDINATORS),
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
    # whoever reads the report may ask for its PDF to be made (a job of their own)
    "reports:build_file": ("POST", _s(pk=lambda s: s.report.pk, fmt="pdf"), HOME_READERS),
    "reports:calendar": ("GET", HOME, HOME_READERS),
    "reports:edit_rule": ("POST", _s(code=lambda s: s.home.code, kind="quarter"), OFFICE),
    "reports:new_adhoc": ("POST", HOME, OFFICE),
    "reports:period": ("GET", HOME_Q1, HOME_READERS),
    "reports:compile": ("POST", HOME_Q1, OFFICE),
    "reports:unit_report": ("POST", _s(code=lambda s: s.home.code, period="2026-Q1",
                                       unit_id=lambda s: s.world.civil.pk),
                            frozenset({"admin", "office", "head", "staff"}), HOME_READERS),
    # accounts: a person's own account (the password form and "log out everywhere" act on oneself only)
    "account": ("GET", NONE, OPEN),
    "password_change": ("POST", NONE, OPEN),
    "logout_everywhere": ("POST", NONE, OPEN),
    # frameworks: copying a catalog to another year is the administrators'
    "framework_copy": ("POST", _s(pk=lambda s: s.framework.pk), frozenset({"admin"})),
    # assessment (issue 11): the office drafts and submits, the civil unit drafts the sub-criteria its task is
    # mapped to (1.1.x), the leader approves, the province's coordinator reviews, finalizes and publishes
    "assessment_index": ("GET", NONE, OPEN),
    # a coordinator opens rounds and imports results for their own province: the far one for theirs
    "assessment_open_round": ("POST", NONE, ROUND_MAKERS),
    # every agency of the round sees the round page (its own row before publication): SXD's office too
    "assessment_round": ("GET", ROUND, HOME_READERS | {"outsider"}),
    "assessment_publish": ("POST", ROUND, COORDINATORS),
    "assessment_import_survey": ("POST", ROUND, COORDINATORS),
    # the ranking of the person's own province; a person with no agency has none
    "assessment_ranking": ("GET", NONE, ALL - {"nobody"}),
    "assessment_import_results": ("POST", NONE, ROUND_MAKERS),
    "assessment_submission": ("GET", _sub("draft"), HOME_READERS),
    "assessment_submit": ("POST", _sub("draft"), OFFICE, HOME_READERS),
    "assessment_approve": ("POST", _sub("awaiting"), LEADERS, HOME_READERS),
    "assessment_return": ("POST", _sub("awaiting"), LEADERS, HOME_READERS),
    "assessment_send_review": ("POST", _sub("submitted"), COORDINATORS, HOME_READERS),
    # "Đồng ý tất cả tiêu chí còn lại": the review of the rest at once, like one review per score
    "assessment_accept_pending": ("POST", _sub("submitted"), COORDINATORS, HOME_READERS),
    "assessment_finalize": ("POST", _sub("reviewed"), COORDINATORS, HOME_READERS),
    "assessment_survey": ("POST", _sub("draft"), COORDINATORS, HOME_READERS),
    # the pack holds the agency's files: its own people and the coordinator ask for it ...
    "assessment_pack": ("POST", _sub("draft"), HOME_READERS, HOME_READERS),
    # ... and only the person who asked (or an administrator) downloads it
    "assessment_pack_download": ("GET", _s(pk=lambda s: s.assessment.sub.pk, job_id=lambda s: s.assessment.pack.pk),
                                 OFFICE),
    "assessment_save_score": ("POST", _score("draft"), DRAFTERS, HOME_READERS),
    "assessment_add_evidence": ("POST", _score("draft"), DRAFTERS, HOME_READERS),
    "assessment_remove_evidence": ("POST", _score("draft"), DRAFTERS, HOME_READERS),
    "assessment_review_score": ("POST", _score("submitted"), COORDINATORS, HOME_READERS),
    "assessment_answer": ("POST", _score("reviewed"), OFFICE, HOME_READERS),
    "assessment_evidence_file": ("GET", _s(pk=lambda s: s.assessment.item.pk), HOME_READERS),
    "assessment_projection": ("GET", HOME, HOME_READERS),
    "assessment_projection_fragment": ("GET", HOME, HOME_READERS),
    # integration tokens: administrators and agency leaders make them; a token is seen and revoked by its
    # maker (the leader here) or an administrator; webhook deliveries likewise
    "api_tokens": ("POST", NONE, TOKEN_MAKERS),
    "api_token": ("GET", _s(pk=lambda s: s.api.token.pk), TOKEN_MAKERS),
    "api_token_revoke": ("POST", _s(pk=lambda s: s.api.token.pk), TOKEN_MAKERS),
    "api_deliveries": ("GET", NONE, TOKEN_MAKERS),
    "api_delivery_retry": ("POST", _s(pk=lambda s: s.api.delivery.pk), TOKEN_MAKERS),
    # survey (office pages): readers of the agency see the index and comments; its office runs counters, paper
    # forms and imports and decides task targets; administrators edit questionnaires; coordinators rank
    "survey_index": ("GET", NONE, ALL - {"nobody"}),  # a redirect to the person's own agency (or the ranking)
    "survey_ranking": ("GET", NONE, COORDINATORS | {"far_coordinator"}),
    "survey_questionnaires": ("POST", NONE, frozenset({"admin"})),
    "survey_questionnaire": ("POST", _s(pk=lambda s: s.survey.draft.pk), frozenset({"admin"})),
    "survey_questionnaire_action#phien-ban-moi": ("POST", _s(pk=lambda s: s.survey.draft.pk, verb="phien-ban-moi"),
                                                  frozenset({"admin"})),
    "survey_questionnaire_action#ap-dung": ("POST", _s(pk=lambda s: s.survey.draft.pk, verb="ap-dung"),
                                            frozenset({"admin"})),
    "survey_decide_target": ("POST", _s(pk=lambda s: s.survey.target_task.pk), OFFICE, HOME_READERS),
    "survey_dashboard": ("GET", _survey_home, HOME_READERS),
    "survey_comments": ("GET", _survey_home, HOME_READERS),
    "survey_counters": ("POST", _survey_home, OFFICE),
    "survey_poster": ("GET", _survey_home, OFFICE),
    "survey_paper": ("POST", _survey_home, OFFICE),
    "survey_import": ("POST", _survey_home, OFFICE),
    # the leader's switch of the agency's public page
    "public_manage": ("POST", HOME, LEADERS),
}

# Form data sent with a rule's POST, so that the request reaches the permission check with a valid form (an
# empty form is refused by some views before they ask who is asking: no write, but no 403 either).
DATA = {
    "assessment_return": lambda s: {"reason": "Bổ sung tài liệu"},
    "assessment_survey": lambda s: {"survey": "5"},
    "assessment_save_score": lambda s: {"yes": "co", "explanation": "Đã ban hành"},
    "assessment_add_evidence": lambda s: {"doc_number": "12/KH", "doc_summary": "Kế hoạch CCHC"},
    "assessment_remove_evidence": lambda s: {"item": s.assessment.item.pk},
    "assessment_review_score": lambda s: {"decision": "accept"},
    "assessment_answer": lambda s: {"answer": "Đã bổ sung"},
    "api_tokens": lambda s: {"name": "iOffice", "scopes": ["tasks:read"], "agencies": [s.home.pk]},
    "survey_decide_target": lambda s: {"quyet-dinh": "confirm"},
    "survey_counters": lambda s: {"name": "Quầy 2 – Chứng thực"},
    "public_manage": lambda s: {"enabled": "1"},
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
        elsewhere = next((path for prefix, (path, _why) in ELSEWHERE.items() if route.startswith(prefix)), None)
        if elsewhere:
            assert (root / elsewhere).is_file(), f"{route}: {elsewhere} is missing"
            continue
        if name not in {n.split("#")[0] for n in MATRIX}:
            missing.append(f"{route} ({name}, {module})")
    assert not missing, "URLs without a permission rule in chiso/tests/test_url_permissions.py: " + \
        "; ".join(missing)
    known = {name for _r, name, _m in site_urls()}
    ruled = {n.split("#")[0] for n in MATRIX}
    assert ruled <= known, f"rules for URLs that no longer exist: {ruled - known}"
    assert set(DATA) <= set(MATRIX), f"form data for URLs without a rule: {set(DATA) - set(MATRIX)}"


@pytest.fixture
def scene(world, settings, tmp_path):
    """The world plus one of everything a URL can name: an update with evidence, a period, an import under
    review, a background job, an agency report, a notification; the assessment round, the survey and the
    integration token are made on first use (see Scene)."""
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

    return Scene(world=world, home=world.home, plan=world.plan, task=task, update=update,
                           evidence=update.evidence.get(),
                           period=period, session=session, job=job, report=agency_report,
                           notification=Notification.objects.filter(user=p.office).latest("pk"),
                           framework=Framework.objects.first(), submitted=submitted, sent=sent_report,
                           kpi_run=ImportRun.objects.create(agency=world.home, filename="ho-so.csv"))


class Scene(SimpleNamespace):
    """The scene's objects that only some URLs name, made on first use through the apps' own actions (before
    anyone's request is tried, so outside the write check)."""

    @cached_property
    def assessment(self):
        return _Assessment(self)

    @cached_property
    def survey(self):
        from chiso.plans import actions as plan_actions
        from chiso.plans.models import Task
        from chiso.survey import actions
        from chiso.survey.tests.helpers import open_survey

        p = self.world.people
        active, counters = open_survey(self.world)
        target_task = plan_actions.do_save_task(p.office, Task(
            plan=self.plan, index="SIPAS", field_name="Tác động", ref="9",
            title="Phấn đấu trên 90% cá nhân, tổ chức hài lòng với sự phục vụ"), [self.world.civil], [])
        return SimpleNamespace(active=active, counter=counters[0], target_task=target_task,
                               draft=actions.do_new_version(p.admin, active.pk))

    @cached_property
    def rollup_job(self):
        """The coordinator's roll-up XLSX, made by its job."""
        from chiso.jobs.api import enqueue, run
        from chiso.reports import file_jobs
        from chiso.reports.permissions import rollup_coordinator

        coordinator = rollup_coordinator(self.world.people.coordinator)
        job = run(enqueue(file_jobs.ROLLUP_KIND, file_jobs.rollup_arguments(coordinator, "2026-Q1", "xlsx"),
                          user=self.world.people.coordinator, agency_id=coordinator.pk))
        assert job.state == "done", job.error
        return job

    @cached_property
    def api(self):
        """The leader's token with a webhook subscription and one failed delivery."""
        from chiso.api import webhooks
        from chiso.api.models import WebhookDelivery
        from chiso.api.tokens import do_create_token

        token = do_create_token(self.world.people.leader, "iOffice", ["webhooks:write", "*:read"]).token
        webhooks.do_subscribe(token, "http://127.0.0.1:9/nhan", ["update.confirmed"])
        webhooks.emit("update.confirmed", self.home.pk, {"update_id": self.update.pk})
        WebhookDelivery.objects.update(state=WebhookDelivery.State.FAILED, last_error="Không gửi được")
        return SimpleNamespace(token=token, delivery=WebhookDelivery.objects.get())


class _Assessment:
    """A round of a small department catalog (chiso/assessment/tests/conftest.py) with the civil task mapped
    to criterion 1.1, one tracking evidence picked for 1.1.1, and an evidence pack built by the office."""

    def __init__(self, scene):
        from chiso.assessment import actions
        from chiso.assessment.tests.conftest import make_catalog
        from chiso.periods.calendar import today
        from chiso.plans import actions as plan_actions

        world, p = scene.world, scene.world.people
        catalog = make_catalog(world.province)
        task = scene.task
        task.node = catalog.nodes.get(code="1.1")
        plan_actions.do_save_task(p.office, task, [world.civil], [world.laws])
        now = today()
        self.round = actions.do_open_round(p.coordinator, world.province, catalog, actions.Deadlines(
            now + timedelta(days=10), now + timedelta(days=20), now + timedelta(days=30), now + timedelta(days=40)))
        self.sub = self.round.submissions.get(agency=world.home)
        self.item = actions.do_pick_evidence(p.office, self.sub.scores.get(node__code="1.1.1"), scene.evidence)
        self.people = p

    @cached_property
    def pack(self):
        from chiso.jobs.api import enqueue, run

        job = enqueue("assessment_pack", {"submission": self.sub.pk}, user=self.people.office,
                      agency_id=self.sub.agency_id)
        job = run(job)
        assert job.state == "done", job.error
        return job

    def at(self, state):
        """The submission moved forward to `state` (draft, awaiting, submitted with every score reviewed,
        reviewed)."""
        from chiso.assessment import actions

        p, steps = self.people, ["draft", "awaiting", "submitted", "reviewed"]
        sub = self.sub
        for step in steps[1:steps.index(state) + 1]:
            sub.refresh_from_db()
            if step == "awaiting":
                actions.do_submit(p.office, sub)
            elif step == "submitted":
                actions.do_approve(p.leader, sub)
                for score in sub.scores.all():
                    actions.do_review_score(p.coordinator, score, accept=True)
            else:
                actions.do_send_review(p.coordinator, sub)
        sub.refresh_from_db()
        return sub


class WriteSpy:
    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        words = sql.lstrip().split(None, 1)
        if words and words[0].lower() in WRITES and "django_session" not in sql:
            self.writes.append(sql[:100])
        return execute(sql, params, many, context)


def _try(client, method, url, data=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data or {})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_url_refuses_whoever_lacks_the_right(scene, client, name):
    method, kwargs, allowed, *page = MATRIX[name]
    readers = page[0] if page else allowed
    url = reverse(name.split("#")[0], kwargs=kwargs(scene))
    data = DATA[name](scene) if name in DATA else None
    anonymous = _try(client, method, url, data)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"], url
    if allowed == OPEN:
        return
    for role in ROLES:
        user = getattr(scene.world.people, role)
        client.force_login(user)
        spy = WriteSpy()
        with transaction.atomic():
            with connection.execute_wrapper(spy):
                responses = [_try(client, method, url, data)]
                if method == "POST" and role not in readers:
                    responses.append(client.get(url))  # the form page is refused too
            transaction.set_rollback(True)
        codes = [r.status_code for r in responses]
        if role in allowed:
            assert codes[0] != 403 and codes[0] < 500, (name, role, codes)
            if method == "GET":
                assert spy.writes == [], (name, role, "GET never writes", spy.writes)
        else:
            assert codes[0] in (403, 404), (name, role, codes)
            assert all(c in (403, 404, 405) for c in codes), (name, role, codes)
            assert spy.writes == [], (name, role, spy.writes)
        client.logout()
