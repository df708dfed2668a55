"""`chiso remind [--now ISO_DATETIME] [--loop]`: send the reminders due now (in-app and one daily email),
make the report drafts and notices due now (chiso.reports.schedule), then mail both in the day's digest.

Safe to run from cron, by hand and in a loop at the same time: each reminder is claimed by a unique
row before it is delivered (see chiso/tracking/reminders.py)."""

import signal
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chiso.reports.schedule import run as schedule_reports
from chiso.tracking import reminders


class Command(BaseCommand):
    help = "Gửi nhắc việc đến hạn (thông báo trong ứng dụng và một thư mỗi ngày cho mỗi người)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Thời điểm coi là hiện tại, ISO 8601 (ví dụ 2026-06-27T08:00).")
        parser.add_argument("--loop", action="store_true", help="Chạy liên tục, mỗi --interval giây một lần.")
        parser.add_argument("--interval", type=int, default=60, help="Số giây giữa hai lần khi --loop (60).")
        parser.add_argument("--no-email", action="store_true", help="Chỉ tạo thông báo trong ứng dụng.")

    def handle(self, *args, now=None, loop=False, interval=60, no_email=False, **options):
        moment = None
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now không hợp lệ: {now!r} (cần dạng 2026-06-27T08:00).") from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        stop = {"now": False}
        if loop:
            signal.signal(signal.SIGTERM, lambda *_a: stop.update(now=True))
        while True:
            result = reminders.run(moment, send_email=False)
            drafted = schedule_reports(moment)  # report drafts due soon, notified under the same bell (issue 5)
            if not no_email:  # after both, so a person's reminders and report notices share one mail
                result.emails, result.email_errors = reminders.mail(moment)
            self.stdout.write(f"nhắc việc: {result.wanted} cần nhắc, {result.notified} thông báo mới, "
                              f"{result.emails} thư đã gửi" + (f", {result.email_errors} thư lỗi"
                                                                if result.email_errors else ""))
            self.stdout.write(f"báo cáo: {drafted.unit_drafts + drafted.agency_drafts} dự thảo mới, "
                              f"{drafted.notified} thông báo")
            if not loop:
                return
            try:
                for _i in range(max(1, interval)):
                    if stop["now"]:
                        return
                    time.sleep(1)
            except KeyboardInterrupt:
                return
