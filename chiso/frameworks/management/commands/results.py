"""`chiso results import FILE.xlsx`: published results (score and rank per agency, field, year), all or nothing.

A refused file prints one Vietnamese line on stderr (every bad row with its line number) and exits with
status 1; nothing is written."""

from pathlib import Path

from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse
from chiso.frameworks.results import ResultsRejected, do_import_results


class Command(one_line_command_base()):
    help = _("Nhập kết quả chỉ số đã công bố từ tệp XLSX.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                        metavar="{import}")
        load = actions.add_parser("import", help=_("Nhập tệp XLSX kết quả công bố (tất cả hoặc không gì)."))
        load.add_argument("file", help=_("tệp XLSX"))

    def handle(self, *args, **options):
        file = options["file"]
        try:
            data = Path(file).read_bytes()
        except FileNotFoundError:
            refuse(_("Không có tệp “%(path)s”.") % {"path": file})
        except OSError:
            refuse(_("Không đọc được tệp “%(path)s”.") % {"path": file})
        try:
            result = do_import_results(data)
        except ResultsRejected as rejected:
            refuse(_("Tệp bị từ chối, không ghi gì: %(errors)s") % {"errors": " | ".join(rejected.errors)})
        self.stdout.write(_("Đã nhập kết quả công bố: thêm %(created)d, cập nhật %(updated)d dòng.")
                          % {"created": result.created, "updated": result.updated})
