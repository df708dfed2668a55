"""`chiso report build --agency CODE --period PERIOD --out FILE` and `chiso report schedule [--now ISO]`.

build writes the agency's report for the period (the latest version when the office has compiled one,
else a draft compiled now and not saved) as .docx, .xlsx or .pdf, chosen by the file's extension.
Refused input (unknown agency, period or extension, a missing folder) prints one Vietnamese line on
stderr and exits with status 1; nothing is written. The file appears whole or not at all."""

from datetime import date, datetime
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse


class Command(one_line_command_base()):
    help = _("Lập báo cáo định kỳ của cơ quan ra tệp DOCX, XLSX hoặc PDF; tự lập dự thảo báo cáo sắp đến hạn.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                    metavar="{build,schedule}")
        build = sub.add_parser("build", help=_("Ghi báo cáo của cơ quan cho một kỳ ra tệp."))
        build.add_argument("--agency", required=True, help=_("mã cơ quan, ví dụ STP"))
        build.add_argument("--period", required=True, help=_("kỳ: 2025-Q1, 2025-H1, 2025-Q3, 2025-Y, 2025-11"))
        build.add_argument("--out", required=True, help=_("tệp .docx, .xlsx hoặc .pdf sẽ ghi"))
        schedule = sub.add_parser("schedule", help=_("Tự lập dự thảo các báo cáo sắp đến hạn và báo Văn phòng."))
        schedule.add_argument("--now", help=_("thời điểm coi là hiện tại, ISO 8601"))

    def handle(self, *args, **options):
        with translation.override("vi"):
            if options["action"] == "build":
                self.build(options["agency"], options["period"], options["out"])
            else:
                self.schedule(options.get("now"))

    def build(self, code: str, period_code: str, out: str):
        from chiso.files.storage import write_atomically
        from chiso.org.models import Agency
        from chiso.periods.calendar import resolve
        from chiso.periods.codes import PeriodError
        from chiso.reports import actions, queries
        from chiso.reports.documents import FORMATS, render
        from chiso.reports.models import AgencyReport

        path = Path(out)
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            refuse(_("Không ghi được định dạng “%(ext)s”: tệp ra phải là .docx, .xlsx hoặc .pdf.")
                   % {"ext": path.suffix or path.name})
        agency = Agency.objects.select_related("province").filter(code__iexact=code.strip()).first()
        if agency is None:
            refuse(_("Không có cơ quan mã “%(code)s” (xem: chiso agencies).") % {"code": code})
        try:
            period = resolve(agency, period_code)
        except PeriodError as exc:
            refuse(str(exc))
        if not path.parent.is_dir():
            refuse(_("Thư mục “%(dir)s” không tồn tại.") % {"dir": path.parent})
        report = AgencyReport.objects.filter(agency=agency, period_code=period.code).order_by("-version").first()
        if report is None:  # compiled now, not saved: the command only reads the database
            fig = queries.agency_figures(agency, period, timezone.localdate())
            report = AgencyReport(agency=agency, period_code=period.code, period_label=period.label,
                                  start=period.start, end=period.end, due=period.agency_due, figures=fig,
                                  place=actions.default_place(agency), recipient=actions.default_recipient(agency),
                                  signer_name=actions.default_signer(agency),
                                  recipients=f"- {actions.default_recipient(agency)} (b/c);\n- Lãnh đạo cơ quan;",
                                  **queries.draft_agency_text(fig))
        try:
            write_atomically(path, render(fmt, report))
        except OSError as exc:
            refuse(_("Không ghi được tệp “%(path)s” (%(error)s).") % {"path": path, "error": exc.strerror or exc})
        note = _(" (kỳ không có số liệu)") if report.figures.get("empty") else ""
        self.stdout.write(_("Đã ghi báo cáo %(label)s của %(agency)s ra %(path)s%(note)s.")
                          % {"label": period.label, "agency": agency.code, "path": path, "note": note})

    def schedule(self, now: str | None):
        from chiso.reports import schedule

        moment: datetime | date | None = None
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                refuse(_("--now không hợp lệ: “%(now)s” (cần dạng 2026-06-27T08:00).") % {"now": now})
        result = schedule.run(moment)
        self.stdout.write(_("báo cáo: %(u)s dự thảo của đơn vị, %(a)s dự thảo của cơ quan, %(r)s lượt nhắc hạn, "
                            "%(n)s thông báo") % {"u": result.unit_drafts, "a": result.agency_drafts,
                                                  "r": result.reminded, "n": result.notified})
