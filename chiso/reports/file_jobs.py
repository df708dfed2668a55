"""The background job that renders a report file (kind "report_file"): a PDF always, a DOCX or XLSX when the
report is long. `chiso jobs` runs it, so no request waits for a long layout; the file is kept
(documents.store_file) and the download serves it from storage."""

from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.jobs.api import JobFailed

from .documents import store_file, stored_file
from .models import AgencyReport

KIND = "report_file"
LONG_REPORT = 1000  # overdue tasks listed in Phụ lục II past which a DOCX or XLSX is rendered in a job too


def in_background(report, fmt: str) -> bool:
    """Whether this file is rendered by a job rather than in the request: a PDF (0.2 s of CPU at 500 tasks,
    1.6 s at 5,000, more on a busy machine) or the file of a long report."""
    return fmt == "pdf" or len((report.figures or {}).get("overdue", [])) > LONG_REPORT


def arguments(report, fmt: str) -> dict:
    """What a job is asked to render: the report as it is now (its last change names the file)."""
    return {"report": report.pk, "fmt": fmt, "stamp": report.updated_at.isoformat() if report.updated_at else ""}


def build_file(job, progress) -> dict:
    args = job.arguments or {}
    report = AgencyReport.objects.select_related("agency").filter(pk=args.get("report")).first()
    if report is None:
        raise JobFailed(_("Báo cáo không còn tồn tại."))
    fmt = args.get("fmt", "")
    progress(0, 1, _("Đang tạo tệp %(fmt)s…") % {"fmt": fmt.upper()})
    if stored_file(report, fmt) is None:
        store_file(report, fmt)
    progress(1, 1, _("Đã tạo tệp."))
    return {"url": reverse("reports:download", args=[report.pk, fmt])}


# --- the province roll-up's DOCX and XLSX (kind "rollup_file") -------------------------------------------
# Built from the whole roll-up (every overdue task of every agency): seconds at a province's size, so never in
# the request. Each job keeps its own file, named by the job: the roll-up is a snapshot of the moment it ran.

ROLLUP_KIND = "rollup_file"
ROLLUP_FORMATS = ("docx", "xlsx")


def rollup_arguments(coordinator, period: str, fmt: str) -> dict:
    return {"coordinator": coordinator.pk, "period": period, "fmt": fmt}


def rollup_path(coordinator_code: str, period: str, fmt: str, job_pk: int):
    """MEDIA_ROOT/reports/rollup/<coordinator>/<period>-<job id>.<fmt>: one file per job."""
    from pathlib import Path

    from django.conf import settings

    if fmt not in ROLLUP_FORMATS:
        raise ValueError(fmt)
    return Path(settings.MEDIA_ROOT) / "reports" / "rollup" / coordinator_code / f"{period}-{job_pk}.{fmt}"


def rollup_filename(period: str, fmt: str) -> str:
    return f"BC-tong-hop-{period}.{fmt}"


def render_rollup(coordinator, period: str, fmt: str, now=None) -> bytes:
    """The roll-up file as the page's download used to make it in the request: every overdue task listed."""
    from chiso.language import in_vietnamese

    from . import actions, queries
    from .documents.docx import province_docx
    from .documents.xlsx import province_xlsx

    @in_vietnamese
    def build() -> bytes:
        data = queries.province_rollup(coordinator.province, period, now or queries.today(), overdue_limit=None)
        if fmt == "docx":
            return province_docx(data, coordinator, actions.default_place(coordinator))
        return province_xlsx(data)

    return build()


def build_rollup_file(job, progress) -> dict:
    from chiso.files.storage import write_atomically
    from chiso.jobs.models import Job
    from chiso.org.models import Agency
    from chiso.periods.codes import PeriodError

    args = job.arguments or {}
    coordinator = Agency.objects.select_related("province").filter(pk=args.get("coordinator")).first()
    period, fmt = str(args.get("period", "")), args.get("fmt", "")
    if coordinator is None or fmt not in ROLLUP_FORMATS:
        raise JobFailed(_("Không còn cơ quan tổng hợp hoặc định dạng không hợp lệ."))
    progress(0, 1, _("Đang tạo tệp %(fmt)s…") % {"fmt": fmt.upper()})
    try:
        body = render_rollup(coordinator, period, fmt)
    except PeriodError as exc:
        raise JobFailed(str(exc)) from exc
    path = rollup_path(coordinator.code, period, fmt, job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, body)
    # this person's older files of the same roll-up are superseded by this one
    older = Job.objects.filter(kind=ROLLUP_KIND, created_by_id=job.created_by_id, pk__lt=job.pk,
                               arguments__coordinator=coordinator.pk, arguments__period=period, arguments__fmt=fmt)
    for pk in older.values_list("pk", flat=True):
        rollup_path(coordinator.code, period, fmt, pk).unlink(missing_ok=True)
    progress(1, 1, _("Đã tạo tệp."))
    return {"url": reverse("reports:rollup_download", args=[period, fmt, job.pk])}
