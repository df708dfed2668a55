"""Demo tracking data: confirmed, late, returned and waiting reports with evidence, a leader's comment.
Called at the end of chiso.demo.load.load_demo, through the same actions the pages use."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.accounts.models import Role, RoleGrant
from chiso.plans.models import Plan, Task

from . import actions
from .actions import DocumentRef, UpdateData

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _reporter(task, grants):
    units = {u.pk for u in task.lead_units.all()}
    return next((g.user for g in grants if g.agency_id == task.plan.agency_id and g.user.unit_id in units
                 and g.role in (Role.UNIT_STAFF, Role.UNIT_HEAD)), None)


def load_tracking_demo(today: date) -> int:
    """Reports on a few tasks of every plan in force; returns how many were written."""
    grants = list(RoleGrant.objects.select_related("user").filter(
        role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD, Role.OFFICE, Role.LEADER]))
    offices = {g.agency_id: g.user for g in grants if g.role == Role.OFFICE}
    leaders = {g.agency_id: g.user for g in grants if g.role == Role.LEADER}
    written = 0
    for plan in Plan.objects.filter(status=Plan.Status.IN_FORCE):
        tasks = list(Task.objects.filter(plan=plan, due__isnull=False, recurrence="once")
                     .prefetch_related("lead_units").order_by("due"))
        office = offices.get(plan.agency_id)
        past = [t for t in tasks if t.due < today and _reporter(t, grants)]
        future = [t for t in tasks if t.due >= today and _reporter(t, grants)]
        # Done on time, confirmed.
        for task in past[:2]:
            u = actions.do_post_update(_reporter(task, grants), task, UpdateData(
                narrative="Đã hoàn thành, kết quả đạt chỉ tiêu đề ra.", percent=100, proposed_status="done",
                done_on=task.due - timedelta(days=2),
                files=[SimpleUploadedFile("bao-cao-ket-qua.pdf", DEMO_PDF)],
                documents=[DocumentRef(number=f"{20 + written}/BC-{plan.agency.code}",
                                       date=task.due - timedelta(days=2),
                                       summary="Báo cáo kết quả thực hiện nhiệm vụ")]), today=today)
            if office:
                actions.do_confirm_update(office, u, "Đạt yêu cầu.", today=today)
            written += 1
        # Done late, confirmed, with cause and remedy.
        for task in past[2:3]:
            u = actions.do_post_update(_reporter(task, grants), task, UpdateData(
                narrative="Đã hoàn thành sau thời hạn.", percent=100, proposed_status="done",
                done_on=min(today, task.due + timedelta(days=3)), cause="Chờ ý kiến góp ý của các đơn vị.",
                remedy="Gửi văn bản đôn đốc sớm hơn ở các kỳ sau."), today=today)
            if office:
                actions.do_confirm_update(office, u, today=today)
            written += 1
        # Near due: one waiting for the office, one returned.
        for n, task in enumerate(future[:2]):
            u = actions.do_post_update(_reporter(task, grants), task, UpdateData(
                narrative="Đang triển khai, đã hoàn thành dự thảo.", percent=60,
                documents=[DocumentRef(number="", summary="Dự thảo báo cáo", link="https://example.org/du-thao")]),
                today=today)
            if n == 1 and office:
                actions.do_return_update(office, u, "Đề nghị bổ sung tài liệu kiểm chứng.", today=today)
            written += 1
        leader = leaders.get(plan.agency_id)
        if leader and past[3:4]:
            actions.do_comment(leader, past[3], "Đề nghị đơn vị khẩn trương hoàn thành, báo cáo trước ngày 25.")
    return written
