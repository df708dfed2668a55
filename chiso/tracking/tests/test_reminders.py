"""Reminders: thresholds in working days, overdue repeats, escalation, one daily email per person,
delivered once however often `chiso remind` runs. A real SMTP server receives the mail."""

import datetime as dt
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from chiso.notifications import digest
from chiso.notifications.models import Digest, Notification
from chiso.notifications.service import notify
from chiso.periods.models import Holiday
from chiso.periods.workdays import WorkCalendar
from chiso.plans import actions as plan_actions
from chiso.plans.models import Task
from chiso.tracking import actions, reminders
from chiso.tracking.models import Reminder, ReminderPolicy

from .helpers import report
from .smtp import SmtpServer

TZ = dt.timezone(dt.timedelta(hours=7))


def at(day: date, hour: int = 8) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server.inbox


def kinds(person):
    return sorted(Reminder.objects.filter(person=person).values_list("kind", "day"))


def test_working_days_skip_weekends_and_holidays(db):
    cal = WorkCalendar(date(2026, 8, 1), date(2026, 9, 30))
    # 31/8 (substitute day), 1/9 and 2/9 are days off in the seeded calendar.
    assert Holiday.objects.filter(date=date(2026, 9, 2)).exists()
    assert cal.nth_working_day_before(date(2026, 9, 3), 1) == date(2026, 8, 28)
    assert cal.working_days_until(date(2026, 8, 28), date(2026, 9, 3)) == 1
    Holiday.objects.create(date=date(2026, 8, 29), name="Làm bù", is_day_off=False)  # a make-up Saturday
    cal = WorkCalendar(date(2026, 8, 1), date(2026, 9, 30))
    assert cal.nth_working_day_before(date(2026, 9, 3), 1) == date(2026, 8, 29)


def test_thresholds_due_today_overdue_and_escalation(world, smtp):
    p = world.people  # civil_task: due Tuesday 30/06/2026, led by the civil unit (head, staff)
    reminders.run(at(date(2026, 6, 19)))  # 7 working days before: Friday 19/06
    assert kinds(p.staff) == [("before_7", date(2026, 6, 19))]
    reminders.run(at(date(2026, 6, 22)))  # nothing new on Monday
    reminders.run(at(date(2026, 6, 25)))
    reminders.run(at(date(2026, 6, 26)))  # still the 3-day reminder of Thursday: not again
    reminders.run(at(date(2026, 6, 29)))
    reminders.run(at(date(2026, 6, 30)))
    assert [k for k, _d in kinds(p.staff)] == ["before_1", "before_3", "before_7", "due"]
    for day in range(1, 11):
        reminders.run(at(date(2026, 7, day)))
    got = kinds(p.head)
    assert ("overdue", date(2026, 7, 1)) in got and ("overdue", date(2026, 7, 4)) in got
    assert ("overdue", date(2026, 7, 7)) in got and ("overdue", date(2026, 7, 10)) in got
    assert ("escalate_head", date(2026, 6, 30)) in got
    assert ("escalate_head", date(2026, 6, 30)) not in kinds(p.staff)
    assert kinds(p.leader) == [("escalate_leader", date(2026, 6, 30))]
    assert not Reminder.objects.filter(person=p.laws_staff).exists()  # laws task is due in September
    assert not Reminder.objects.filter(person__in=[p.office, p.viewer, p.outsider, p.coordinator]).exists()
    # Each reminder is an in-app notification, and each day's reminders one email per person.
    assert Notification.objects.filter(user=p.staff, kind__startswith="reminder_").count() == \
        Reminder.objects.filter(person=p.staff).count()
    staff_mail = smtp.to(p.staff.email)
    assert len(staff_mail) == Digest.objects.filter(person=p.staff).count()
    assert len({m["Subject"] for m in staff_mail}) == len(staff_mail)
    body = staff_mail[0].get_body(("plain",)).get_content()
    html = staff_mail[0].get_body(("html",)).get_content()
    assert "Kính gửi Staff" in body and "Giải quyết hồ sơ đúng hạn" in body and "/ke-hoach/nhiem-vu/" in body
    assert "<table" in html and "Nhắc việc" in staff_mail[0]["Subject"]


def test_one_email_per_person_per_day_with_every_task(world, smtp):
    p = world.people
    for n in range(3):
        plan_actions.do_save_task(p.office, Task(plan=world.plan, ref=f"9.{n}", title=f"Việc thêm {n}",
                                                 due=date(2026, 6, 30)), [world.civil], [])
    reminders.run(at(date(2026, 6, 29)))
    assert len(smtp.to(p.staff.email)) == 1 and len(smtp.to(p.head.email)) == 1
    body = smtp.to(p.staff.email)[0].get_body(("plain",)).get_content()
    assert all(f"Việc thêm {n}" in body for n in range(3))
    reminders.run(at(date(2026, 6, 29, )) + timedelta(hours=3))
    assert len(smtp.messages) == 2


def test_running_twice_delivers_once(world, smtp):
    first = reminders.run(at(date(2026, 6, 29)))
    second = reminders.run(at(date(2026, 6, 29), 15))
    assert first.notified == 2 and first.emails == 2
    assert second.notified == 0 and second.emails == 0
    assert len(smtp.messages) == 2 and Notification.objects.count() == 2


def test_done_tasks_are_not_chased_and_policy_is_per_agency(world, smtp):
    p = world.people
    ReminderPolicy.objects.create(agency=world.home, days_before="5", overdue_every=1)
    reminders.run(at(date(2026, 6, 23)))  # 5 working days before 30/06
    assert kinds(p.staff) == [("before_5", date(2026, 6, 23))]
    update = actions.do_post_update(p.staff, world.civil_task, report(100, "done", date(2026, 6, 24)),
                                    today=date(2026, 6, 24))
    actions.do_confirm_update(p.office, update, today=date(2026, 6, 24))
    reminders.run(at(date(2026, 6, 30)))
    reminders.run(at(date(2026, 7, 2)))
    assert kinds(p.staff) == [("before_5", date(2026, 6, 23))]


def test_recurring_tasks_are_asked_for_each_period(world, smtp):
    task = world.laws_task
    task.recurrence, task.due = "quarterly", date(2026, 12, 31)
    task.save()
    reminders.run(at(date(2026, 6, 26)))  # 3 working days before the end of quarter II
    assert kinds(world.people.laws_staff) == [("period", date(2026, 6, 30))]
    actions.do_post_update(world.people.laws_staff, task, report(30), today=date(2026, 6, 29))
    reminders.run(at(date(2026, 9, 25)))  # quarter III: asked again
    assert ("period", date(2026, 9, 30)) in kinds(world.people.laws_staff)


def test_a_claim_left_by_a_dead_process_is_delivered_later(world, smtp):
    p = world.people
    Reminder.objects.create(task=world.civil_task, kind="before_1", person=p.staff, day=date(2026, 6, 29),
                            text="Còn 1 ngày", claim_token="dead", claimed_at=timezone.now() - timedelta(hours=1))
    Reminder.objects.create(task=world.civil_task, kind="before_1", person=p.head, day=date(2026, 6, 29),
                            text="Còn 1 ngày", claim_token="alive", claimed_at=timezone.now())
    result = reminders.run(at(date(2026, 6, 29)))
    assert result.notified == 1  # the dead process's claim; the live one's is left to it
    assert Notification.objects.filter(user=p.staff).count() == 1
    assert not Notification.objects.filter(user=p.head).exists()
    assert len(smtp.to(p.staff.email)) == 1


def test_the_command(world, smtp, capsys):
    call_command("remind", "--now", "2026-06-29T08:00:00+07:00")
    assert "2 thông báo mới, 2 thư đã gửi" in capsys.readouterr().out
    call_command("remind", "--now", "2026-06-29T09:00")
    assert "0 thông báo mới, 0 thư đã gửi" in capsys.readouterr().out


def test_mail_server_down_loses_nothing(world, settings):
    from .smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    down = reminders.run(at(date(2026, 6, 29)))
    assert down.notified == 2 and down.emails == 0 and down.email_errors == 2
    assert not Digest.objects.exists()
    with SmtpServer() as server:
        settings.EMAIL_PORT = server.port
        up = reminders.run(at(date(2026, 6, 29), 10))
        assert up.notified == 0 and up.emails == 2
        assert len(server.inbox.messages) == 2


# Report notices (chiso.reports: drafts ready, unit reports due or late) travel in the same daily mail.
# 2026-Y: units due 15/12, drafts made from 10/12; both tasks of the world are overdue by then.

def _mail(inbox, person) -> tuple[str, str]:
    [message] = inbox.to(person.email)
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_report_notices_go_out_in_the_one_daily_mail(world, smtp, capsys):
    p = world.people
    call_command("remind", "--now", "2026-12-10T08:00:00+07:00")
    assert "báo cáo: 3 dự thảo mới, 4 thông báo" in capsys.readouterr().out
    # The office has only report notices: one mail, with the section and an absolute link.
    body, html = _mail(smtp, p.office)
    assert "Báo cáo định kỳ" in body and "Đã tự lập dự thảo báo cáo năm 2026 của cơ quan" in body
    assert f"{digest.base_url()}/bao-cao/van-ban/" in body and "Báo cáo định kỳ" in html
    assert f'href="{digest.base_url()}/bao-cao/van-ban/' in html
    # The staff of a lead unit has both: still one mail, with both sections.
    body, html = _mail(smtp, p.staff)
    assert "Giải quyết hồ sơ đúng hạn" in body and "Đã lập sẵn dự thảo báo cáo năm 2026" in body
    assert body.index("Nhiệm vụ") < body.index("Báo cáo định kỳ")
    assert "Giải quyết hồ sơ đúng hạn" in html and "Đã lập sẵn dự thảo báo cáo năm 2026" in html
    notices = Notification.objects.filter(kind="report_draft")
    assert notices.count() == 4 and not notices.filter(digest=None).exists()
    assert all(n.digest.sent_at for n in notices)
    sent = len(smtp.messages)
    call_command("remind", "--now", "2026-12-10T15:00:00+07:00")
    assert "0 thông báo mới, 0 thư đã gửi" in capsys.readouterr().out
    assert len(smtp.messages) == sent


def test_a_notice_made_after_the_days_mail_goes_in_the_next_days(world, smtp):
    from chiso.reports import schedule

    p = world.people
    schedule.run(date(2026, 12, 10))
    reminders.run(at(date(2026, 12, 10)))
    assert len(smtp.to(p.office.email)) == 1
    notify([p.office], "report_unit_submitted", "Phòng Hành chính tư pháp đã gửi báo cáo năm 2026.",
                          "/bao-cao/thu")
    assert reminders.run(at(date(2026, 12, 10), 16)).emails == 0  # one mail a day: it waits
    assert len(smtp.to(p.office.email)) == 1
    reminders.run(at(date(2026, 12, 11)))
    first, second = smtp.to(p.office.email)
    assert "11/12/2026" in second["Subject"] and "1 nội dung" in second["Subject"]
    body = second.get_body(("plain",)).get_content()
    assert "đã gửi báo cáo năm 2026" in body and f"{digest.base_url()}/bao-cao/thu" in body
    assert "dự thảo" not in body  # mailed the day before
    reminders.run(at(date(2026, 12, 12)))
    assert len(smtp.to(p.office.email)) == 2


def test_a_digest_left_by_a_dead_process_is_sent_with_its_notices(world, smtp):
    p = world.people
    notify([p.office], "report_due", "Hạn gửi báo cáo năm 2026 là 15/12/2026.", "/bao-cao/han")
    dead = Digest.objects.create(person=p.office, day=date(2026, 12, 10), claim_token="dead",
                                 claimed_at=timezone.now() - timedelta(hours=1))
    Notification.objects.filter(user=p.office).update(digest=dead)
    reminders.run(at(date(2026, 12, 10)))
    [message] = smtp.to(p.office.email)
    assert message["X-ChiSo-Digest"] == str(dead.pk) and "15/12/2026" in message.get_body(("plain",)).get_content()
    dead.refresh_from_db()
    assert dead.sent_at is not None and Digest.objects.filter(person=p.office).count() == 1


def test_report_notices_survive_the_mail_server_being_down(world, settings):
    from .smtp import free_port

    p = world.people
    notify([p.office], "report_late", "Báo cáo năm 2026 đã quá hạn.", "/bao-cao/tre")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    assert reminders.run(at(date(2026, 12, 16))).email_errors >= 1
    assert Notification.objects.get(user=p.office).digest is None and not Digest.objects.exists()
    with SmtpServer() as server:
        settings.EMAIL_PORT = server.port
        reminders.run(at(date(2026, 12, 16), 10))
        [message] = server.inbox.to(p.office.email)
        assert "đã quá hạn" in message.get_body(("plain",)).get_content()


def test_only_recent_report_notices_are_mailed(world, smtp):
    p = world.people
    notify([p.office, p.nobody], "report_draft", "Dự thảo cũ.", "/bao-cao/cu")
    Notification.objects.update(created_at=timezone.now() - digest.MAIL_WITHIN - timedelta(minutes=1))
    # Notifications about a task stay in-app: the task's reminders are what the mail carries.
    actions.do_post_update(p.staff, world.civil_task, report(40), today=date(2026, 6, 10))
    assert Notification.objects.filter(user=p.office, kind="update_submitted").exists()
    assert reminders.run(at(date(2026, 6, 10))).emails == 0
    assert not smtp.messages and not Digest.objects.exists()
