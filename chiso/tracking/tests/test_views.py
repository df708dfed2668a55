"""The tracking pages: task panel and its forms, Việc của tôi, dashboards, XLSX, notifications."""

import io
from datetime import date, timedelta

from django.urls import reverse
from openpyxl import load_workbook

from chiso.notifications.models import Notification
from chiso.plans import actions as plan_actions
from chiso.plans.models import Task
from chiso.tracking import actions
from chiso.tracking.models import Evidence, ProgressUpdate

from .helpers import PDF, pdf, report


def post_form(**extra):
    data = {"narrative": "Đã hoàn thành rà soát", "percent": "60", "proposed_status": "in_progress",
            "cause": "Thiếu nhân lực", "remedy": "Bổ sung cán bộ", "doc_number": "12/BC-PHCTP",
            "doc_date": "2026-03-02", "doc_summary": "Báo cáo kết quả"}
    data.update(extra)
    return data


def test_the_task_page_shows_the_panel(world, login):
    body = login(world.people.staff).get(reverse("task_detail", args=[world.civil_task.pk])).content.decode()
    assert "Theo dõi thực hiện" in body and "Gửi báo cáo tiến độ" in body and 'id="update-form"' in body
    body = login(world.people.viewer).get(reverse("task_detail", args=[world.civil_task.pk])).content.decode()
    assert "Theo dõi thực hiện" in body and 'id="update-form"' not in body and "Xác nhận" not in body


def test_staff_post_an_update_with_a_pdf_and_the_office_confirms(world, login, client):
    task = world.civil_task
    response = login(world.people.staff).post(reverse("tracking_post_update", args=[task.pk]),
                                              {**post_form(), "files": [pdf()]})
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence.count() == 2
    evidence = update.evidence.exclude(file="").get()
    download = client.get(reverse("tracking_evidence", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF
    client.force_login(world.people.office)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "bao-cao.pdf" in page and 'data-testid="confirm"' in page
    panel = client.post(reverse("tracking_confirm", args=[update.pk]), {"comment": "Đạt"}, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and "Đã xác nhận" in panel.content.decode()
    assert "60%" in panel.content.decode()


def test_a_disguised_file_is_refused_with_a_message_and_nothing_saved(world, login):
    fake = pdf("hop-dong.pdf", b"PK\x03\x04not really a zip")
    response = login(world.people.staff).post(reverse("tracking_post_update", args=[world.civil_task.pk]),
                                              {**post_form(), "files": [pdf(), fake]})
    assert response.status_code == 400
    assert "không phải PDF" in response.content.decode()
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()


def test_bad_numbers_and_dates_are_refused(world, login):
    client = login(world.people.staff)
    url = reverse("tracking_post_update", args=[world.civil_task.pk])
    assert client.post(url, post_form(percent="150")).status_code == 400
    future = (date.today() + timedelta(days=5)).isoformat()
    body = client.post(url, post_form(proposed_status="done", done_on=future)).content.decode()
    assert "không được sau ngày hôm nay" in body
    long = client.post(url, post_form(narrative="a" * 10_001))
    assert long.status_code == 400 and "quá giới hạn 10.000 ký tự" in long.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_revise_and_return_pages(world, login):
    p = world.people
    update = actions.do_post_update(p.staff, world.civil_task, report(30, cause="c", remedy="r"))
    client = login(p.office)
    client.post(reverse("tracking_return", args=[update.pk]), {"comment": "Thiếu văn bản"})
    update.refresh_from_db()
    assert update.review == "returned"
    client = login(p.staff)
    assert client.get(reverse("tracking_revise", args=[update.pk])).status_code == 200
    response = client.post(reverse("tracking_revise", args=[update.pk]), post_form(percent="40"))
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(supersedes=update, revision=2).exists()


def test_my_tasks_are_sorted_by_urgency_and_export(world, login):
    p = world.people
    today = date.today()
    for ref, offset in (("a", 20), ("b", -3), ("c", 2)):
        plan_actions.do_save_task(p.office, Task(plan=world.plan, ref=ref, title=f"Mục thử {ref}",
                                                 due=today + timedelta(days=offset)), [world.civil], [])
    client = login(p.staff)
    body = client.get(reverse("my_tasks")).content.decode()
    assert body.index("Giải quyết hồ sơ") < body.index("Mục thử b") < body.index("Mục thử c") < body.index("Mục thử a")
    assert "Rà soát văn bản" not in body  # laws task: another unit
    xlsx = client.get(reverse("my_tasks") + "?xuat=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles[1] == "Mục thử b" and len(titles) == 4


def test_the_agency_dashboard_counts_and_exports(world, login, django_assert_max_num_queries):
    p = world.people
    update = actions.do_post_update(p.staff, world.civil_task, report(100, "done", date(2026, 6, 1)),
                                    today=date(2026, 6, 2))
    actions.do_confirm_update(p.office, update, today=date(2026, 6, 2))
    client = login(p.leader)
    url = reverse("agency_dashboard", args=[world.home.code])
    # a fixed number: counts grouped in SQL, the short lists cut in SQL (test_scale pins it at two sizes)
    with django_assert_max_num_queries(16):
        body = client.get(url).content.decode()
    assert 'data-testid="count-done">1<' in body and 'data-testid="count-total">2<' in body
    assert "Phòng Hành chính tư pháp" in body and "100,0%" in body or "100.0%" in body
    for kind in ("nhiem-vu", "qua-han", "sap-den-han", "don-vi", "linh-vuc"):
        response = client.get(url + f"?xuat={kind}")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        load_workbook(io.BytesIO(response.content))
    units = load_workbook(io.BytesIO(client.get(url + "?xuat=don-vi").content)).active
    rows = list(units.iter_rows(min_row=2, values_only=True))
    assert ("Phòng Hành chính tư pháp", 1, 1, 0, 0, 0, 0, 100.0) in rows


def test_the_province_view_and_its_export(world, login):
    client = login(world.people.coordinator)
    assert client.get(reverse("dashboard")).url == reverse("province_dashboard")
    body = client.get(reverse("province_dashboard")).content.decode()
    assert "Sở Tư pháp" in body and "Sở Xây dựng" in body
    sheet = load_workbook(io.BytesIO(client.get(reverse("province_dashboard") + "?xuat=xlsx").content)).active
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} >= {"Sở Tư pháp", "Sở Xây dựng"}
    assert login(world.people.staff).get(reverse("dashboard")).url == reverse("agency_dashboard",
                                                                               args=[world.home.code])


def test_the_bell_the_list_and_mark_read(world, login, django_assert_num_queries):
    p = world.people
    actions.do_post_update(p.staff, world.civil_task, report(10, cause="c", remedy="r"))
    client = login(p.office)
    body = client.get(reverse("notification_list")).content.decode()
    assert 'class="bell-count">1<' in body and "chờ xác nhận" in body
    n = Notification.objects.get(user=p.office)
    client.post(reverse("notification_read"), {"id": n.pk, "next": "/theo-doi/thong-bao/"})
    n.refresh_from_db()
    assert n.read_at is not None
    body = client.get(reverse("notification_list")).content.decode()
    assert "bell-count" not in body
    xlsx = client.get(reverse("notification_list") + "?xuat=xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 2


def test_the_office_closes_the_periods_of_its_agency(world, login):
    p, task = world.people, world.laws_task
    task.recurrence = "quarterly"
    task.save()
    url = reverse("agency_close_periods", args=[world.home.code])
    assert login(p.staff).post(url, {"until": "2026-06-30"}).status_code == 403
    assert login(p.outsider).post(url, {"until": "2026-06-30"}).status_code == 403
    asked = login(p.office).post(url, {"until": "2026-06-30"})  # irreversible: a confirmation page first
    assert asked.status_code == 200 and not task.periods.filter(closed_at__isnull=False).exists()
    assert "Khóa 3 kỳ báo cáo của 2 nhiệm vụ kết thúc đến ngày 30/06/2026." in asked.content.decode()
    assert login(p.office).post(url, {"until": "30/06/2026", "confirmed": "1"}).status_code == 302
    closed = {period.label for period in task.periods.filter(closed_at__isnull=False)}
    assert closed == {"Quý I/2026", "Quý II/2026"}
    q2 = task.periods.get(label="Quý II/2026")
    response = login(p.laws_staff).post(reverse("tracking_post_update", args=[task.pk]),
                                        post_form(period=str(q2.pk)))
    assert response.status_code == 400  # a closed period is not offered, nor accepted
    assert not ProgressUpdate.objects.filter(period=q2).exists()


def test_following_a_notification_marks_it_read(world, login):
    p = world.people
    actions.do_post_update(p.staff, world.civil_task, report(10, cause="c", remedy="r"))
    n = Notification.objects.get(user=p.office)
    assert login(p.staff).post(reverse("notification_open", args=[n.pk])).status_code == 404  # not theirs
    assert login(p.office).get(reverse("notification_open", args=[n.pk])).status_code == 405  # GET never writes
    n.refresh_from_db()
    assert n.read_at is None
    response = login(p.office).post(reverse("notification_open", args=[n.pk]))
    assert response.url == reverse("task_detail", args=[world.civil_task.pk])
    n.refresh_from_db()
    assert n.read_at is not None


def test_htmx_review_shows_its_feedback_in_the_panel(world, login):
    p = world.people
    update = actions.do_post_update(p.staff, world.civil_task, report(30, cause="c", remedy="r"))
    client = login(p.office)
    panel = client.post(reverse("tracking_return", args=[update.pk]), {"comment": ""}, HTTP_HX_REQUEST="true")
    body = panel.content.decode()
    assert panel.status_code == 200 and "Hãy nêu lý do trả lại" in body and 'id="theo-doi"' in body
    update.refresh_from_db()
    assert update.review == "submitted"
    assert "Hãy nêu lý do" not in client.get(reverse("home")).content.decode()  # not left for the next page


def test_admin_edits_the_calendar_and_the_reminder_policy(world, client):
    client.force_login(world.people.admin)
    world.people.admin.is_staff = world.people.admin.is_superuser = True
    world.people.admin.save()
    for name in ("periods_holiday", "tracking_reminderpolicy", "tracking_progressupdate", "tracking_reminder",
                 "notifications_notification", "tracking_period"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    response = client.post(reverse("admin:tracking_reminderpolicy_add"), {
        "agency": world.home.pk, "days_before": "7, x", "overdue_every": 2, "escalate_head_after": 3,
        "escalate_leader_after": 7, "period_lead_days": 3})
    assert response.status_code == 200 and "số nguyên dương" in response.content.decode()
    client.post(reverse("admin:tracking_reminderpolicy_add"), {
        "agency": world.home.pk, "days_before": "10,5,2", "overdue_every": 2, "escalate_head_after": 3,
        "escalate_leader_after": 7, "period_lead_days": 3})
    assert world.home.reminder_policy.thresholds() == [10, 5, 2]


def test_the_task_page_queries_do_not_grow_with_updates(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p, task = world.people, world.civil_task
    client = login(p.office)
    url = reverse("task_detail", args=[task.pk])

    def queries():
        client.get(url)  # periods created on first view
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = actions.do_post_update(p.staff, task, report(10, files=[pdf()], documents=[], cause="c", remedy="r"))
    actions.do_comment(p.leader, task, "Ý kiến", update=first)
    one = queries()
    for n in range(4):
        u = actions.do_post_update(p.staff, task, report(20 + n, files=[pdf(f"f{n}.pdf")], cause="c", remedy="r"))
        actions.do_comment(p.leader, task, f"Ý kiến {n}", update=u)
    assert queries() == one


def test_the_leader_comments_on_an_update(world, login):
    p = world.people
    update = actions.do_post_update(p.staff, world.civil_task, report(30, cause="c", remedy="r"))
    client = login(p.leader)
    panel = client.post(reverse("tracking_comment", args=[world.civil_task.pk]),
                        {"text": "Cần số liệu cụ thể", "update": update.pk}, HTTP_HX_REQUEST="true")
    assert "Cần số liệu cụ thể" in panel.content.decode()
    assert update.comments.get().author == p.leader
    other = actions.do_post_update(p.laws_staff, world.laws_task, report(30, cause="c", remedy="r"))
    wrong = client.post(reverse("tracking_comment", args=[world.civil_task.pk]), {"text": "x", "update": other.pk})
    assert wrong.status_code == 404


def test_the_dashboard_lists_updates_waiting_and_the_panel_each_period(world, login):
    p, task = world.people, world.laws_task
    task.recurrence = "quarterly"
    task.save()
    update = actions.do_post_update(p.laws_staff, task, report(30, cause="c", remedy="r"),
                                    period=actions.ensure_periods(task)[0], today=date(2026, 5, 1))
    body = login(p.office).get(reverse("agency_dashboard", args=[world.home.code])).content.decode()
    assert 'id="waiting"' in body and f"#bao-cao-{update.pk}" in body
    panel = login(p.office).get(reverse("tracking_panel", args=[task.pk])).content.decode()
    late = sum(1 for period in task.periods.all()[1:] if period.due < date.today())
    assert "Chờ xác nhận" in panel and panel.count("Chưa báo cáo, quá hạn") == late
