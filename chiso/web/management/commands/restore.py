"""`chiso restore FILE [--force]`: bring back a backup into an empty installation (chiso.web.backup)."""

from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse
from chiso.web.backup import BackupError, restore


class Command(one_line_command_base()):
    help = _("Khôi phục bản sao lưu (cơ sở dữ liệu và tệp tải lên) vào một bản cài đặt trống.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp .tar.gz do chiso backup tạo"))
        parser.add_argument("--force", action="store_true",
                            help=_("xóa dữ liệu và tệp đang có rồi khôi phục (không hỏi lại)"))

    def handle(self, *args, file, force=False, **options):
        try:
            manifest = restore(file, force=force)
        except BackupError as exc:
            refuse(str(exc))
        self.stdout.write(_("Đã khôi phục %(rows)s bản ghi và %(media)s tệp tải lên (bản sao lưu lúc %(at)s, từ "
                            "%(engine)s).") % {"rows": manifest["rows"], "media": manifest["files"]["media"],
                                               "at": manifest["made_at"], "engine": manifest["engine"]})
