"""Moves keep the data: a database built at the migrations of main before the layering work (7a28e42),
with rows in every table that later changed app or shape, migrated forward, still has those rows, and its
schema is exactly that of a database made new.

Runs on whichever database the suite uses (SQLite or PostgreSQL): the test database is taken back to the old
migrations with Django's MigrationExecutor, filled through the historical models, and migrated forward."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The last migration of each ChiSo app at 7a28e42. Apps that did not exist then are unapplied entirely.
MAIN = [
    ("accounts", "0001_initial"), ("org", "0001_initial"), ("frameworks", "0002_initial_catalogs"),
    ("plans", "0002_importsession"), ("audit", "0001_initial"), ("tracking", "0004_notification_digest"),
    ("reports", "0003_unit_report_reminded"),
]


def _schema() -> dict:
    """Every table's columns and constraints (indexes, unique, check, foreign keys) as the database has them."""
    with connection.cursor() as cursor:
        intro = connection.introspection
        out = {}
        for table in sorted(t.name for t in intro.get_table_list(cursor) if t.type == "t"):
            columns = sorted((c.name, c.null_ok) for c in intro.get_table_description(cursor, table))
            constraints = {name: (tuple(c["columns"] or ()), c["primary_key"], c["unique"], c["foreign_key"],
                                  c["check"], c["index"]) for name, c in intro.get_constraints(cursor, table).items()
                           if not name.startswith("sqlite_autoindex")}
            out[table] = (columns, constraints)
        return out


def _chiso_apps(executor) -> set[str]:
    from django.apps import apps

    return {a.label for a in apps.get_app_configs() if a.name.startswith("chiso.")
            and a.label in executor.loader.migrated_apps}


def _build_at_main(old) -> dict:
    """Rows at the old schema, through the historical models; returns what to look for afterwards."""
    Province, Agency, Unit = (old.get_model("org", n) for n in ("Province", "Agency", "Unit"))
    User, RoleGrant = old.get_model("accounts", "User"), old.get_model("accounts", "RoleGrant")
    Plan, Task = old.get_model("plans", "Plan"), old.get_model("plans", "Task")
    T = {n: old.get_model("tracking", n) for n in ("TaskState", "Period", "ProgressUpdate", "Evidence", "Comment",
                                                    "Holiday", "ReminderPolicy", "Reminder", "Notification",
                                                    "Digest")}
    R = {n: old.get_model("reports", n) for n in ("ReportingRule", "AdHocPeriod", "UnitReport", "AgencyReport")}
    AuditEntry = old.get_model("audit", "AuditEntry")

    province = Province.objects.create(code="cu", name="Tỉnh Cũ")
    agency = Agency.objects.create(province=province, code="SCU", name="Sở Cũ")
    unit = Unit.objects.create(agency=agency, name="Phòng Cũ")
    user = User.objects.create(username="cu.canbo", full_name="Cán bộ cũ", unit=unit, email="cu@example.test")
    RoleGrant.objects.create(user=user, role="unit_staff", agency=agency)
    plan = Plan.objects.create(agency=agency, title="Kế hoạch cũ", number="1/KH-SCU", year=2026, status="in_force")
    task = Task.objects.create(plan=plan, title="Nhiệm vụ cũ", ref="1", due=date(2026, 3, 31),
                               recurrence="quarterly", order=1)
    task.lead_units.add(unit)
    T["TaskState"].objects.create(task=task, progress=40, has_updates=True, pending=1)
    period = T["Period"].objects.create(task=task, label="Quý I/2026", start=date(2026, 1, 1),
                                        end=date(2026, 3, 31), due=date(2026, 3, 31))
    update = T["ProgressUpdate"].objects.create(task=task, period=period, author=user, unit=unit,
                                                narrative="Đã làm một phần", percent=40)
    T["Evidence"].objects.create(update=update, file="evidence/2026/03/abc.pdf", original_name="bc.pdf",
                                 content_type="application/pdf", size=10, sha256="a" * 64, doc_number="5/BC")
    T["Comment"].objects.create(task=task, author=user, text="Ý kiến cũ")
    T["Holiday"].objects.create(date=date(2031, 1, 1), name="Tết Dương lịch 2031")
    T["ReminderPolicy"].objects.create(agency=agency, days_before="5,2")
    now = timezone.now()
    digest = T["Digest"].objects.create(person=user, day=date(2026, 3, 25), claim_token="t", claimed_at=now,
                                        sent_at=now)
    T["Reminder"].objects.create(task=task, kind="before_3", person=user, day=date(2026, 3, 26), text="Còn 3 ngày",
                                 claim_token="t", claimed_at=now, notified_at=now, digest=digest)
    T["Notification"].objects.create(user=user, task=task, kind="reminder_before_3", text="Còn 3 ngày",
                                     url=f"/ke-hoach/nhiem-vu/{task.pk}/")
    T["Notification"].objects.create(user=user, kind="report_draft", text="Dự thảo báo cáo quý I", url="/bao-cao/",
                                     digest=digest)
    R["ReportingRule"].objects.create(agency=agency, kind="q1", start_months_before=3, start_day=15, end_day=11,
                                      unit_day=12, office_day=14, agency_day=18, province_day=20)
    adhoc = R["AdHocPeriod"].objects.create(agency=agency, year=2026, number=1, title="Đột xuất cũ",
                                            start=date(2026, 1, 1), end=date(2026, 2, 1), unit_due=date(2026, 2, 5),
                                            agency_due=date(2026, 2, 10))
    unit_report = R["UnitReport"].objects.create(
        agency=agency, unit=unit, period_code="2026-Q1", period_label="quý I năm 2026", start=date(2025, 12, 15),
        end=date(2026, 3, 14), due=date(2026, 3, 15), results="Kết quả cũ", state="submitted", on_time=True)
    R["AgencyReport"].objects.create(
        agency=agency, period_code="2026-Q1", period_label="quý I năm 2026", start=date(2025, 12, 15),
        end=date(2026, 3, 14), due=date(2026, 3, 18), place="Cũ", state="issued", number=1,
        issued_on=date(2026, 3, 17))
    AuditEntry.objects.create(action="create", model="plans.task", object_id=str(task.pk), object_repr="Nhiệm vụ cũ",
                              plan_id=plan.pk, after={"title": "Nhiệm vụ cũ"})
    AuditEntry.objects.create(action="create", model="reports.unitreport", object_id=str(unit_report.pk),
                              object_repr="Báo cáo cũ", after={"agency": agency.pk, "results": "Kết quả cũ"})
    AuditEntry.objects.create(action="create", model="reports.adhocperiod", object_id=str(adhoc.pk),
                              object_repr="Đột xuất cũ", after={"agency": agency.pk, "title": "Đột xuất cũ"})
    return {"agency": agency.pk, "unit": unit.pk, "user": user.pk, "plan": plan.pk, "task": task.pk,
            "update": update.pk, "digest": digest.pk}


@pytest.mark.django_db(transaction=True)
def test_rows_written_at_main_survive_the_migrations():
    fresh = _schema()
    executor = MigrationExecutor(connection)
    newer = sorted(_chiso_apps(executor) - {app for app, _ in MAIN})
    executor.migrate(MAIN + [(app, None) for app in newer])
    old = executor.loader.project_state(MAIN, at_end=True).apps
    ids = _build_at_main(old)

    executor = MigrationExecutor(connection)  # a fresh graph: what is applied changed
    executor.migrate(executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())  # everything applied
    assert _schema() == fresh  # the upgraded database has exactly the schema of a new one

    from chiso.accounts.models import RoleGrant, User
    from chiso.audit.models import AuditEntry
    from chiso.plans.models import Plan, Task

    user = User.objects.get(pk=ids["user"])
    assert user.unit_id == ids["unit"] and RoleGrant.objects.filter(user=user, role="unit_staff").exists()
    task = Task.objects.get(pk=ids["task"])
    assert task.plan_id == ids["plan"] and list(task.lead_units.values_list("pk", flat=True)) == [ids["unit"]]
    assert Plan.objects.get(pk=ids["plan"]).status == "in_force"
    # Audit entries keep their plan and gain their agency: from the plan, or from their own snapshot.
    entries = {e.model: e for e in AuditEntry.objects.filter(object_repr__in=["Nhiệm vụ cũ", "Báo cáo cũ",
                                                                               "Đột xuất cũ"])}
    assert entries["plans.task"].plan_id == ids["plan"] and entries["plans.task"].agency_id == ids["agency"]
    assert {e.agency_id for e in entries.values()} == {ids["agency"]}
    _check_tracking(ids)
    _check_reports(ids)
    _check_periods(ids)
    _check_notifications(ids)


def _check_tracking(ids):
    from chiso.plans.models import TaskState
    from chiso.tracking.models import Comment, Evidence, Period, ProgressUpdate, Reminder, ReminderPolicy

    state = TaskState.objects.get(task_id=ids["task"])  # moved to plans beside the status rule
    assert (state.progress, state.has_updates, state.pending) == (40, True, 1)
    update = ProgressUpdate.objects.get(pk=ids["update"])
    assert update.percent == 40 and Period.objects.get(pk=update.period_id).label == "Quý I/2026"
    evidence = Evidence.objects.get(update=update)
    assert (evidence.file.name, evidence.sha256, evidence.doc_number) == ("evidence/2026/03/abc.pdf", "a" * 64,
                                                                           "5/BC")
    assert Comment.objects.filter(task_id=ids["task"], text="Ý kiến cũ").exists()
    assert ReminderPolicy.objects.get(agency_id=ids["agency"]).days_before == "5,2"
    assert Reminder.objects.filter(task_id=ids["task"], kind="before_3").exists()


def _check_periods(ids):
    """Holiday (from tracking), ReportingRule and AdHocPeriod (from reports) moved to chiso.periods."""
    from django.contrib.contenttypes.models import ContentType

    from chiso.audit.log import history
    from chiso.periods.calendar import resolve
    from chiso.periods.models import AdHocPeriod, Holiday, ReportingRule

    assert Holiday.objects.get(date=date(2031, 1, 1)).name == "Tết Dương lịch 2031"
    rule = ReportingRule.objects.get(agency_id=ids["agency"], kind="q1")
    assert (rule.end_day, rule.unit_day) == (11, 12)
    adhoc = AdHocPeriod.objects.get(agency_id=ids["agency"])
    assert adhoc.title == "Đột xuất cũ" and [e.object_repr for e in history(adhoc)] == ["Đột xuất cũ"]
    assert resolve(rule.agency, "2026-Q1").end == date(2026, 3, 11)
    assert ContentType.objects.get_for_model(Holiday).app_label == "periods"
    assert not ContentType.objects.filter(app_label__in=["tracking", "reports"],
                                          model__in=["holiday", "reportingrule", "adhocperiod"]).exists()


def _check_notifications(ids):
    """Notification and Digest moved to chiso.notifications; a mailed reminder's notice is not mailed again."""
    from django.contrib.contenttypes.models import ContentType

    from chiso.notifications import digest
    from chiso.notifications.models import Digest, Notification

    sent = Digest.objects.get(pk=ids["digest"])
    assert sent.person_id == ids["user"] and sent.sent_at is not None
    reminder = Notification.objects.get(user_id=ids["user"], text="Còn 3 ngày")
    assert reminder.kind == "reminder_before" and reminder.digest_id == sent.pk  # carried by that day's mail
    assert reminder.url == f"/ke-hoach/nhiem-vu/{ids['task']}/"
    report = Notification.objects.get(user_id=ids["user"], kind="report_draft")
    assert report.digest_id == sent.pk and report.detail == ""
    assert not digest.unmailed(timezone.now()).exists()
    assert ContentType.objects.get_for_model(Notification).app_label == "notifications"


def _check_reports(ids):
    from chiso.reports.models import AgencyReport, UnitReport

    assert UnitReport.objects.get(agency_id=ids["agency"]).results == "Kết quả cũ"
    assert AgencyReport.objects.get(agency_id=ids["agency"]).issued_on == date(2026, 3, 17)
