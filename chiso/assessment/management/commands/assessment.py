"""`chiso assessment export --agency CODE --round YEAR --out FILE.zip`: an agency's evidence pack for
administrators. A refusal is one Vietnamese line on stderr and exit status 1; the ZIP appears whole or not
at all."""

from pathlib import Path

from django.utils.translation import gettext as _

from chiso.assessment.models import Submission
from chiso.assessment.pack import write_pack
from chiso.cli import one_line_command_base, refuse
from chiso.org.models import Agency


class Command(one_line_command_base()):
    help = _("Xuất hồ sơ kê khai (ZIP) của một cơ quan trong một đợt đánh giá.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                        metavar="{export}")
        export = actions.add_parser("export", help=_("Xuất hồ sơ kê khai ra tệp ZIP."))
        export.add_argument("--agency", required=True, help=_("mã cơ quan, ví dụ STP"))
        export.add_argument("--round", required=True, help=_("năm của đợt đánh giá"))
        export.add_argument("--out", required=True, help=_("tệp ZIP sẽ ghi"))

    def handle(self, *args, **options):
        code, year, out = options["agency"].strip(), options["round"].strip(), Path(options["out"])
        agency = Agency.objects.filter(code__iexact=code).first()
        if agency is None:
            refuse(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
        if not year.isdigit():
            refuse(_("Năm “%(year)s” không hợp lệ.") % {"year": year})
        submission = (Submission.objects.filter(agency=agency, round__year=int(year))
                      .select_related("agency__province", "round").order_by("-round__pk").first())
        if submission is None:
            refuse(_("%(agency)s không có hồ sơ tự đánh giá trong đợt năm %(year)s.")
                   % {"agency": agency.name, "year": year})
        if not out.parent.is_dir():
            refuse(_("Thư mục “%(dir)s” không tồn tại.") % {"dir": out.parent})
        if out.suffix.lower() != ".zip":
            refuse(_("Tệp ra phải có đuôi .zip."))
        try:
            counts = write_pack(submission, out)
        except OSError:
            refuse(_("Không ghi được tệp “%(path)s”.") % {"path": out})
        self.stdout.write(_("Đã xuất hồ sơ kê khai của %(agency)s: %(rows)d tiêu chí, %(files)d tệp, ra %(path)s.")
                          % {"agency": agency.name, "rows": counts["rows"], "files": counts["files"], "path": out})
        if counts["missing"]:
            self.stdout.write(_("Cảnh báo: %(n)d tệp không còn trên máy chủ.") % {"n": counts["missing"]})
