"""Queue, claim and run background jobs. Apps register a handler per kind; `chiso jobs --loop` runs them.

    # in the owning app's AppConfig.ready():
    from chiso.jobs.api import register
    register("plan_import", "chiso.plans.import_jobs.read_upload")

    # in a view or an action:
    job = enqueue("plan_import", {"path": ...}, user=request.user, agency_id=agency.pk, message="Đang chờ")

    # the handler, called by the runner with the job and a progress callback:
    def read_upload(job, progress):
        for n, page in enumerate(pages, 1):
            ...
            progress(n, len(pages), f"Đang đọc trang {n}/{len(pages)}")
        return {"url": "/ke-hoach/nhap/12/"}   # stored as job.result; "url" is where the fragment sends the person

A handler raises JobFailed("câu tiếng Việt") for a failure the person should read; any other exception
fails the job with a generic sentence (the traceback goes to the log). Handlers are registered by dotted
path, so this module never imports the apps above it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Job

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)  # a running job whose heartbeat is older was left by a dead runner
MAX_ATTEMPTS = 3  # a job found stale this many times fails instead of being queued again
PROGRESS_EVERY = 0.5  # seconds between two progress writes (the last one is always written)

_handlers: dict[str, str | Callable] = {}


class JobFailed(Exception):
    """A failure the person who asked should read; str() is one Vietnamese sentence."""


def register(kind: str, handler: str | Callable) -> None:
    """Run `handler(job, progress)` for jobs of this kind (a dotted path, imported when first needed)."""
    _handlers[kind] = handler


def handler_for(kind: str) -> Callable | None:
    handler = _handlers.get(kind)
    if isinstance(handler, str):
        handler = _handlers[kind] = import_string(handler)
    return handler


def enqueue(kind: str, arguments: dict | None = None, *, user=None, agency_id: int | None = None,
            total: int = 0, message: str = "") -> Job:
    """Queue a job; it starts when a runner claims it (after the current transaction commits)."""
    if kind not in _handlers:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    return Job.objects.create(kind=kind, arguments=arguments or {}, created_by=user if user and user.pk else None,
                              agency_id=agency_id, total=total, message=message or _("Đang chờ xử lý"))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(worker: str | None = None) -> Job | None:
    """Take the oldest queued job for this runner, or None. Safe with several runners at once: on
    PostgreSQL the row is locked and skipped by the others; elsewhere a conditional UPDATE decides."""
    worker = worker or worker_name()
    now = timezone.now()
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(state=Job.State.QUEUED).order_by("id").first()
            if job is None:
                return None
            Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=worker, started_at=now,
                                                 heartbeat=now, attempts=job.attempts + 1)
    else:
        # One statement picks and takes the job, so a runner either owns it or never touched it (a
        # "locked" error from a lost race leaves nothing half-claimed).
        table = connection.ops.quote_name(Job._meta.db_table)
        with connection.cursor() as cursor:
            sql = (f"UPDATE {table} SET state = %s, worker = %s, started_at = %s, heartbeat = %s, "  # noqa: S608 - model's table
                   f"attempts = attempts + 1 WHERE id = (SELECT id FROM {table} WHERE state = %s ORDER BY id LIMIT 1) "
                   "AND state = %s RETURNING id")
            cursor.execute(
                sql,
                [Job.State.RUNNING, worker, now, now, Job.State.QUEUED, Job.State.QUEUED])
            row = cursor.fetchone()
        if row is None:
            return None
        return _read_claimed(row[0])
    return Job.objects.get(pk=job.pk)


def _read_claimed(pk: int) -> Job:
    """Read back a job this runner has just taken. SQLite's shared-cache test database answers a read
    with "table is locked" while another connection writes; the job is ours already, so wait, not fail."""
    for attempt in range(200):
        try:
            return Job.objects.get(pk=pk)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.01)
    raise AssertionError("unreachable")


class Progress:
    """The callback handed to a handler: records done/total and a message, and keeps the heartbeat."""

    def __init__(self, job: Job):
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        job = self.job
        job.done = max(0, int(done))
        if total is not None:
            job.total = max(0, int(total))
        if message:
            job.message = message[:200]
        now = time.monotonic()
        if now - self._last < PROGRESS_EVERY and job.done < job.total:
            return
        self._last = now
        Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            done=job.done, total=job.total, message=job.message, heartbeat=timezone.now())


def run(job: Job) -> Job:
    """Run one claimed job to its end and store the outcome."""
    handler = handler_for(job.kind)
    fields: dict
    if handler is None:
        fields = {"state": Job.State.FAILED, "error": _("Không có bộ xử lý cho loại việc này.")}
    else:
        try:
            result = handler(job, Progress(job))
        except JobFailed as exc:
            fields = {"state": Job.State.FAILED, "error": str(exc)}
        except Exception:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            fields = {"state": Job.State.FAILED, "error": _("Xử lý gặp lỗi không mong đợi; hãy thử lại hoặc báo "
                                                            "quản trị hệ thống.")}
        else:
            fields = {"state": Job.State.DONE, "result": result if isinstance(result, dict) else {},
                      "done": max(job.done, job.total)}
    fields["finished_at"] = timezone.now()
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def recover_stale(now=None) -> int:
    """Jobs left running by a runner that died: queued again, or failed after MAX_ATTEMPTS tries."""
    now = now or timezone.now()
    stale = Job.objects.filter(state=Job.State.RUNNING, heartbeat__lt=now - STALE_AFTER)
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=Job.State.FAILED, finished_at=now,
        error=_("Bộ chạy nền dừng đột ngột nhiều lần khi làm việc này; hãy thử lại."))
    requeued = Job.objects.filter(state=Job.State.RUNNING, heartbeat__lt=now - STALE_AFTER).update(
        state=Job.State.QUEUED, worker="", message=_("Đang chờ chạy lại"))
    return failed + requeued


def run_once(worker: str | None = None) -> int:
    """Recover stale jobs, then run queued jobs until none is left; return how many ran."""
    recover_stale()
    ran = 0
    while (job := claim(worker)) is not None:
        run(job)
        ran += 1
    return ran


def run_pending() -> list[Job]:
    """For tests: run every queued job now, in this thread, and return them in their final state."""
    done = []
    while (job := claim("test")) is not None:
        done.append(run(job))
    return done
