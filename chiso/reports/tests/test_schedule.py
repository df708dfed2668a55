"""Drafting reports before they are due: once, however often and however many times it runs."""

import threading
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from chiso.notifications.models import Notification
from chiso.periods.models import ReportingRule
from chiso.reports import schedule
from chiso.reports.models import AgencyReport, UnitReport

# 2026-Y: units due 15/12, drafted 5 days before: from 10/12 until the agency deadline 18/12.


def test_nothing_before_the_window(world):
    result = schedule.run(date(2026, 12, 9))
    assert (result.unit_drafts, result.agency_drafts) == (0, 0)
    assert not UnitReport.objects.exists() and not AgencyReport.objects.exists()


def test_drafts_once_and_notifies(world):
    result = schedule.run(date(2026, 12, 10))
    assert (result.unit_drafts, result.agency_drafts) == (2, 1)  # civil and laws lead tasks; Sở Xây dựng has none
    assert result.periods == ["STP 2026-Y"]
    office = Notification.objects.get(user=world.people.office, kind="report_draft")
    assert "18/12/2026" in office.text and office.url.startswith("/bao-cao/van-ban/")
    assert Notification.objects.filter(user=world.people.staff, kind="report_draft").count() == 1
    assert Notification.objects.filter(user=world.people.laws_staff, kind="report_draft").count() == 1
    again = schedule.run(date(2026, 12, 11))
    assert (again.unit_drafts, again.agency_drafts, again.notified) == (0, 0, 0)
    assert Notification.objects.filter(kind="report_draft").count() == 4  # office, staff, head, laws_staff
    assert schedule.run(date(2026, 12, 19)).periods == []  # past the agency deadline


def test_the_number_of_days_is_an_editable_row(world):
    ReportingRule.objects.filter(agency=None, kind="year").update(draft_days_before=0)
    assert schedule.run(date(2026, 12, 14)).periods == []
    ReportingRule.objects.filter(agency=None, kind="year").update(draft_days_before=20)
    assert schedule.run(date(2026, 11, 25)).periods == ["STP 2026-Y"]


def test_remind_calls_it(world, capsys):
    call_command("remind", "--now", "2026-12-10T08:00:00+07:00", "--no-email")
    out = capsys.readouterr().out
    assert "báo cáo: 3 dự thảo mới, 4 thông báo" in out
    call_command("remind", "--now", "2026-12-10T09:00:00+07:00", "--no-email")
    assert "báo cáo: 0 dự thảo mới, 0 thông báo" in capsys.readouterr().out


def test_report_schedule_command(world, capsys):
    call_command("report", "schedule", "--now", "2026-12-10T08:00")
    assert "2 dự thảo của đơn vị, 1 dự thảo của cơ quan" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_draft_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads")
    from conftest import make_world

    make_world()
    results, errors = [], []

    def go():
        try:
            results.append(schedule.run(datetime(2026, 12, 10, 8)))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.agency_drafts for r in results) == 1 and sum(r.unit_drafts for r in results) == 2
    assert Notification.objects.filter(kind="report_draft").count() == 4


def test_unsent_unit_reports_are_reminded_before_and_after_the_deadline(world):
    from chiso.reports import actions

    schedule.run(date(2026, 12, 10))
    assert schedule.run(date(2026, 12, 13)).reminded == 0
    civil = UnitReport.objects.get(unit=world.civil)
    actions.do_submit_unit_report(world.people.staff, civil, date(2026, 12, 13))
    first = schedule.run(date(2026, 12, 14))  # the day before the 15/12 deadline: only the laws unit
    assert first.reminded == 1
    due = Notification.objects.get(user=world.people.laws_staff, kind="report_due")
    assert "15/12/2026" in due.text
    assert schedule.run(date(2026, 12, 15)).reminded == 0  # once
    assert schedule.run(date(2026, 12, 16)).reminded == 1
    assert Notification.objects.filter(user=world.people.laws_staff, kind="report_late").count() == 1
    assert schedule.run(date(2026, 12, 17)).reminded == 0
    assert not Notification.objects.filter(user=world.people.staff, kind__in=["report_due", "report_late"]).exists()
