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
