"""`chiso jobs [--once | --loop]`: run the queued background jobs (OCR of scanned plans, ...).

Several runners may run at once (each job is claimed atomically); a job left running by a runner that
died is queued again once its heartbeat is stale (chiso.jobs.api.recover_stale)."""

import signal
import time

from django.core.management.base import BaseCommand

from chiso.jobs import api


class Command(BaseCommand):
    help = "Chạy các việc nền đang chờ (đọc bản quét, ...)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Chạy hết các việc đang chờ rồi dừng (mặc định).")
        mode.add_argument("--loop", action="store_true", help="Chạy liên tục, chờ việc mới.")
        parser.add_argument("--interval", type=float, default=1.0, help="Số giây giữa hai lần tìm việc (1).")

    def handle(self, *args, once=False, loop=False, interval=1.0, **options):
        worker = api.worker_name()
        stop = {"now": False}
        if loop:
            signal.signal(signal.SIGTERM, lambda *_a: stop.update(now=True))
        last_recovery = 0.0
        while True:
            if time.monotonic() - last_recovery > 60:
                api.recover_stale()
                last_recovery = time.monotonic()
            ran = 0
            while not stop["now"] and (job := api.claim(worker)) is not None:
                job = api.run(job)
                ran += 1
                self.stdout.write(f"việc nền #{job.pk} ({job.kind}): {job.get_state_display()}")
            if not loop:
                self.stdout.write(f"việc nền: {ran} việc đã chạy")
                return
            try:
                slept = 0.0
                while slept < max(0.1, interval):
                    if stop["now"]:
                        return
                    time.sleep(0.1)
                    slept += 0.1
            except KeyboardInterrupt:
                return
