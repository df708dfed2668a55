"""`chiso remind [--now ISO_DATETIME] [--loop]`: the background loop. Each round: the check-in periods of
new tasks (chiso.tracking.actions.ensure_new_task_periods), the task reminders due now (chiso.tracking.
reminders), the report drafts and notices due now (chiso.reports.schedule), the near-due and overdue
dossier alerts (chiso.dossiers.alerts), then the day's mail with all of them (chiso.notifications.digest).
It lives in the web shell because it drives apps of every floor.

Safe to run from cron, by hand and in a loop at the same time: each reminder, draft and mail is claimed by a
unique row before it is delivered."""

import signal
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chiso.dossiers import alerts as dossier_alerts
from chiso.notifications import digest
from chiso.reports.schedule import run as schedule_reports
from chiso.tracking import reminders
from chiso.tracking.actions import ensure_new_task_periods


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
            if not 2000 <= moment.year <= 2100:  # beyond, the periods, deadlines and mail dates overflow
                raise CommandError(f"--now không hợp lệ: {now!r} (năm phải trong khoảng 2000–2100).")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        stop = {"now": False}
        if loop:
            signal.signal(signal.SIGTERM, lambda *_a: stop.update(now=True))
        while True:
            ensure_new_task_periods()
            result = reminders.run(moment, send_email=False)
            drafted = schedule_reports(moment)  # report drafts due soon, notified under the same bell (issue 5)
            dossiers = dossier_alerts.run(moment)  # near-due and overdue dossiers, each once (issue 12)
            if not no_email:  # after both, so a person's reminders and report notices share one mail
                result.emails, result.email_errors = digest.mail(moment)
            self.stdout.write(f"nhắc việc: {result.wanted} cần nhắc, {result.notified} thông báo mới, "
                              f"{result.emails} thư đã gửi" + (f", {result.email_errors} thư lỗi"
                                                                if result.email_errors else ""))
            self.stdout.write(f"báo cáo: {drafted.unit_drafts + drafted.agency_drafts} dự thảo mới, "
                              f"{drafted.notified} thông báo")
            self.stdout.write(f"hồ sơ: {dossiers.claimed} cảnh báo mới, {dossiers.notifications} thông báo")
            if not loop:
                return
            try:
                for _i in range(max(1, interval)):
                    if stop["now"]:
                        return
                    time.sleep(1)
            except KeyboardInterrupt:
                return
