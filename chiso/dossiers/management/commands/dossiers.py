"""`chiso dossiers import FILE [--agency CODE] [--source NAME] [--kind dossier|pakn] [--map HEADER=FIELD ...]`
and `chiso dossiers recompute [--agency CODE]`.

import reads a CSV, XLSX or JSON export (all or nothing), prints what changed (one JSON object with
--json), and on refusal prints one Vietnamese line on stderr (the first bad rows with their line
numbers; --errors FILE writes every one of them as CSV) and exits with status 1."""

import csv
import json
from datetime import date
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse


class Command(one_line_command_base()):
    help = _("Nhập dữ liệu hồ sơ TTHC, phản ánh kiến nghị (CSV, XLSX, JSON); tính lại chỉ số.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                    metavar="{import,recompute,work,alerts}")
        imp = sub.add_parser("import", help=_("Nhập một tệp hồ sơ hoặc phản ánh, kiến nghị."))
        imp.add_argument("file", help=_("tệp .csv, .xlsx hoặc .json"))
        imp.add_argument("--agency", help=_("mã cơ quan khi tệp không có cột cơ quan"))
        imp.add_argument("--source", help=_("tên nguồn dữ liệu; cách ghép cột được ghi nhớ theo nguồn"))
        imp.add_argument("--kind", choices=["dossier", "pakn"], help=_("loại dữ liệu (mặc định: tự nhận)"))
        imp.add_argument("--map", action="append", default=[], metavar="COT=TRUONG",
                         help=_("ghép cột của tệp với trường (để trống trường để bỏ qua cột)"))
        imp.add_argument("--errors", help=_("ghi mọi dòng lỗi ra tệp CSV này"))
        imp.add_argument("--as-of", help=_("ngày coi là hôm nay khi tính chỉ số (YYYY-MM-DD)"))
        imp.add_argument("--json", action="store_true", help=_("in kết quả dạng JSON"))
        rec = sub.add_parser("recompute", help=_("Tính lại chỉ số từ dữ liệu đã nhập."))
        rec.add_argument("--agency", help=_("mã cơ quan (mặc định: mọi cơ quan)"))
        rec.add_argument("--as-of", help=_("ngày coi là hôm nay (YYYY-MM-DD)"))
        work = sub.add_parser("work", help=_("Nhập các tệp đã tải lên đang chờ (trang Nhập dữ liệu)."))
        work.add_argument("--run", type=int, help=_("chỉ lượt nhập này"))
        alert = sub.add_parser("alerts", help=_("Cảnh báo hồ sơ sắp đến hạn, quá hạn (mỗi hồ sơ một lần)."))
        alert.add_argument("--now", help=_("thời điểm coi là hiện tại, ISO 8601"))
        alert.add_argument("--loop", action="store_true", help=_("chạy liên tục, mỗi --interval giây một lần"))
        alert.add_argument("--interval", type=int, default=300, help=_("số giây giữa hai lần khi --loop (300)"))

    def handle(self, *args, **options):
        with translation.override("vi"):
            as_of = None
            if options.get("as_of"):
                try:
                    as_of = date.fromisoformat(options["as_of"])
                except ValueError:
                    refuse(_("--as-of không hợp lệ: “%(v)s” (cần dạng 2025-12-31).") % {"v": options["as_of"]})
            if options["action"] == "import":
                self.do_import(options, as_of)
            elif options["action"] == "work":
                from chiso.dossiers.actions import work

                self.stdout.write(_("Đã xử lý %(n)s lượt nhập.") % {"n": work(options.get("run"))})
            elif options["action"] == "alerts":
                self.alerts(options.get("now"), options.get("loop"), options.get("interval") or 300)
            else:
                self.recompute(options.get("agency"), as_of)

    def alerts(self, now, loop=False, interval=300):
        import signal
        import time
        from datetime import datetime

        from django.utils import timezone

        from chiso.dossiers import alerts

        moment = None
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                refuse(_("--now không hợp lệ: “%(v)s” (cần dạng 2026-06-27T08:00).") % {"v": now})
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        stop = {"now": False}
        if loop:
            signal.signal(signal.SIGTERM, lambda *_a: stop.update(now=True))
        while True:
            r = alerts.run(moment)
            self.stdout.write(_("cảnh báo hồ sơ: %(o)s hồ sơ đang giải quyết, %(c)s cảnh báo mới, %(n)s thông báo")
                              % {"o": r.open_dossiers, "c": r.claimed, "n": r.notifications})
            if not loop:
                return
            try:
                for _i in range(max(1, interval)):
                    if stop["now"]:
                        return
                    time.sleep(1)
            except KeyboardInterrupt:
                return

    def _agency(self, code):
        from chiso.org.models import Agency

        agency = Agency.objects.filter(code__iexact=code.strip()).first()
        if agency is None:
            refuse(_("Không có cơ quan mã “%(code)s” (xem: chiso agencies).") % {"code": code})
        return agency

    def do_import(self, options, as_of):
        from chiso.dossiers import actions, importer

        path = Path(options["file"])
        if not path.is_file():
            refuse(_("Không tìm thấy tệp “%(path)s”.") % {"path": path})
        agency = self._agency(options["agency"]) if options.get("agency") else None
        mapping = {}
        for item in options["map"]:
            if "=" not in item:
                refuse(_("--map cần dạng “Tên cột=trường”, không phải “%(v)s”.") % {"v": item})
            header, _sep, field = item.partition("=")
            mapping[header.strip()] = field.strip()
        source = actions.source_named(options["source"], agency) if options.get("source") else None
        try:
            run = actions.do_import_dossiers(None, path, agency=agency, source=source, kind=options.get("kind"),
                                             mapping=mapping, as_of=as_of)
        except importer.ImportRejected as exc:
            if options.get("errors"):
                self._write_errors(options["errors"], exc.errors)
            refuse(exc.one_line())
        out = {"file": path.name, "kind": run.kind, "rows": run.rows, "created": run.created,
               "updated": run.updated, "run": run.pk}
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            self.stdout.write(_("Đã nhập %(rows)s dòng từ %(file)s: %(created)s mới, %(updated)s cập nhật.") % out)

    def _write_errors(self, target, errors):
        tmp = Path(target).with_name(Path(target).name + ".part")
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["dong", "loi"])
            for line, msg in errors:
                writer.writerow([line or "", msg])
        tmp.replace(target)

    def recompute(self, code, as_of):
        from chiso.dossiers import compute, store

        agency_ids = [self._agency(code).pk] if code else sorted(
            {int(k.split("/")[0]) for kind in store.KINDS for k in store.manifest().get(kind, {})})
        con = store.connect()
        try:
            with store.writing() as tx:
                count = compute.refresh(con, tx, agency_ids, as_of=as_of)
                tx.commit()
        finally:
            con.close()
        self.stdout.write(_("Đã tính lại %(n)s giá trị chỉ số của %(a)s cơ quan.") % {"n": count, "a": len(agency_ids)})
