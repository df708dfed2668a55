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
