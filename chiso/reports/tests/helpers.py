"""Report test data built through the same actions the pages use."""

from datetime import date, datetime, time

from django.utils import timezone

from chiso.tracking import actions as tracking
from chiso.tracking.actions import DocumentRef, UpdateData
from chiso.tracking.models import ProgressUpdate


def backdate(update, day: date) -> None:
    """Updates are stamped with the clock; a test puts them on the day it pretends to be."""
    ProgressUpdate.objects.filter(pk=update.pk).update(
        created_at=timezone.make_aware(datetime.combine(day, time(9, 0))))


def confirmed_done(world, task, done_on=date(2026, 3, 10), number="15/BC-PHCTP", who=None):
    """A lead unit reports the task done with a document, the office confirms it."""
    update = tracking.do_post_update(who or world.people.staff, task, UpdateData(
        narrative="Đã giải quyết đúng hạn 99% hồ sơ trong quý.", percent=100, proposed_status="done",
        done_on=done_on, documents=[DocumentRef(number=number, date=done_on, summary="Báo cáo kết quả")]),
        today=done_on)
    tracking.do_confirm_update(world.people.office, update, today=done_on)
    backdate(update, done_on)
    return update


def late_with_cause(world, task, day=date(2026, 3, 12), who=None):
    update = tracking.do_post_update(who or world.people.laws_staff, task, UpdateData(
        narrative="Đang rà soát.", percent=40, cause="Thiếu cán bộ chuyên trách", remedy="Bổ sung nhân lực"),
        today=day)
    tracking.do_confirm_update(world.people.office, update, today=day)
    backdate(update, day)
    return update


SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
        b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def scan(name="bao-cao-da-ky.pdf", content=SCAN):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def approved(world, report, day):
    """The office submits the agency report, the leader approves it (issue 10's sign-off)."""
    from chiso.reports import actions

    report = actions.do_submit_agency_report(world.people.office, report, day)
    return actions.do_approve_agency_report(world.people.leader, report, now=day)


def issued(world, report, day):
    """Signed off and numbered."""
    from chiso.reports import actions

    return actions.do_issue_agency_report(world.people.office, approved(world, report, day), day)


def sent(world, report, day):
    """Signed off, numbered, the signed scan attached and sent on `day`."""
    from chiso.reports import actions

    report = actions.do_attach_signed_copy(world.people.office, issued(world, report, day), scan())
    return actions.do_send_agency_report(world.people.office, report, day)
