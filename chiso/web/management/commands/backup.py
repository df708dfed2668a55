"""`chiso backup --out FILE`: the database and the uploaded files in one archive (chiso.web.backup)."""

from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse
from chiso.web.backup import BackupError, backup


class Command(one_line_command_base()):
    help = _("Sao lưu cơ sở dữ liệu và các tệp tải lên vào một tệp .tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help=_("tệp sao lưu sẽ ghi, ví dụ chiso-2026-12-01.tar.gz"))

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out)
        except BackupError as exc:
            refuse(str(exc))
        self.stdout.write(_("Đã sao lưu %(rows)s bản ghi, %(media)s tệp tải lên, %(dossiers)s tệp hồ sơ vào %(out)s.")
                          % {"rows": manifest["rows"], "media": manifest["files"]["media"],
                             "dossiers": manifest["files"]["dossiers"], "out": out})
