"""`chiso frameworks list | export ID --out FILE.xlsx | import FILE.xlsx [--into ID]`.

Refused input (unknown id, unreadable or invalid file, bad arguments) prints one Vietnamese line on
stderr and exits with status 1, never a traceback.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse
from chiso.frameworks.exchange import CatalogRejected, do_import_framework, export_to_path
from chiso.frameworks.models import Framework
from chiso.frameworks.queries import frameworks_with_counts


class Command(one_line_command_base()):
    help = _("Danh sách, xuất và nhập bộ chỉ số (tệp XLSX).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                        metavar="{list,export,import}")
        actions.add_parser("list", help=_("Liệt kê các bộ chỉ số."))
        export = actions.add_parser("export", help=_("Xuất một bộ chỉ số ra tệp XLSX."))
        export.add_argument("id", help=_("số của bộ chỉ số (xem: chiso frameworks list)"))
        export.add_argument("--out", required=True, help=_("tệp XLSX sẽ ghi"))
        load = actions.add_parser("import", help=_("Nhập tệp XLSX thành bộ chỉ số mới hoặc cập nhật một bộ."))
        load.add_argument("file", help=_("tệp XLSX"))
        load.add_argument("--into", help=_("số của bộ chỉ số cần cập nhật"))

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            self.list()
        elif action == "export":
            self.export(options["id"], options["out"])
        else:
            self.load(options["file"], options["into"])

    def list(self):
        frameworks = frameworks_with_counts()
        if not frameworks:
            self.stdout.write(_("Chưa có bộ chỉ số nào."))
            return
        for f in frameworks:
            province = f.province.name if f.province_id else "—"
            self.stdout.write(f"{f.pk:>4}  {f.get_index_display():<10} {f.year}  {f.get_level_display():<9} "
                              f"{province:<12} {f.node_count:>4}  {f.name}")

    def export(self, framework_id: str, out: str):
        framework = _framework(framework_id)
        path = Path(out)
        if not path.parent.is_dir():
            refuse(_("Thư mục “%(dir)s” không tồn tại.") % {"dir": path.parent})
        try:
            export_to_path(framework, path)
        except OSError:
            refuse(_("Không ghi được tệp “%(path)s”.") % {"path": path})
        self.stdout.write(_("Đã xuất “%(framework)s” (%(count)d dòng) ra %(path)s.")
                          % {"framework": framework, "count": framework.nodes.count(), "path": path})

    def load(self, file: str, into_id: str | None):
        into = _framework(into_id) if into_id is not None else None
        try:
            data = Path(file).read_bytes()
        except FileNotFoundError:
            refuse(_("Không có tệp “%(path)s”.") % {"path": file})
        except OSError:
            refuse(_("Không đọc được tệp “%(path)s”.") % {"path": file})
        try:
            result = do_import_framework(data, into=into)
        except CatalogRejected as rejected:
            refuse(_("Tệp bị từ chối, không ghi gì: %(errors)s") % {"errors": " | ".join(rejected.errors)})
        verb = _("Đã tạo") if result.created else _("Đã cập nhật")
        self.stdout.write(_("%(verb)s “%(framework)s” (số %(pk)d): thêm %(created)d, sửa %(updated)d, "
                            "xóa %(deleted)d dòng.")
                          % {"verb": verb, "framework": result.framework, "pk": result.framework.pk,
                             "created": result.nodes_created, "updated": result.nodes_updated,
                             "deleted": result.nodes_deleted})


def _framework(framework_id: str) -> Framework:
    if not str(framework_id).isdigit():
        refuse(_("Số bộ chỉ số “%(id)s” không hợp lệ.") % {"id": framework_id})
    framework = Framework.objects.select_related("province").filter(pk=int(framework_id)).first()
    if framework is None:
        refuse(_("Không có bộ chỉ số số %(id)s (xem: chiso frameworks list).") % {"id": framework_id})
    return framework
