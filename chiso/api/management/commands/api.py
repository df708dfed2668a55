"""`chiso api token create --user LOGIN --name NAME [--scope SCOPE ...] [--days N]` prints a new token once;
`chiso api token revoke NAME`; `chiso api token list`. A refusal is one Vietnamese line on stderr, exit 1."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse


class Command(one_line_command_base()):
    help = _("Mã kết nối API cho các hệ thống khác: tạo, thu hồi, liệt kê.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, parser_class=self.subparser_class,
                                    metavar="{token,webhooks}")
        hooks = sub.add_parser("webhooks", help=_("gửi các sự kiện webhook đang chờ"))
        hooks.add_argument("--loop", action="store_true", help=_("chạy liên tục"))
        hooks.add_argument("--interval", type=int, default=5, help=_("số giây nghỉ giữa hai lượt khi --loop (5)"))
        token = sub.add_parser("token", help=_("mã kết nối"))
        actions = token.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                       metavar="{create,revoke,list}")
        create = actions.add_parser("create", help=_("tạo mã (in ra một lần duy nhất)"))
        create.add_argument("--user", required=True, help=_("tên đăng nhập của người tạo (quyền của mã)"))
        create.add_argument("--name", required=True, help=_("tên kết nối, ví dụ iOffice"))
        create.add_argument("--scope", action="append", default=[], metavar="SCOPE",
                            help=_("tasks:read, updates:write, *:read, agency:MÃ ... (mặc định *:read)"))
        create.add_argument("--days", type=int, help=_("số ngày hiệu lực (mặc định: không hết hạn)"))
        create.add_argument("--rate", type=int, help=_("số lượt gọi tối đa mỗi phút (mặc định 600)"))
        revoke = actions.add_parser("revoke", help=_("thu hồi mã"))
        revoke.add_argument("name", help=_("tên kết nối"))
        actions.add_parser("list", help=_("liệt kê các mã"))

    def handle(self, *args, **options):
        from chiso.accounts.models import User
        from chiso.api.models import ApiToken
        from chiso.api.tokens import Refused, do_create_token, do_revoke_token

        with translation.override("vi"):
            if options["what"] == "webhooks":
                return self.webhooks(options)
            action = options["action"]
            if action == "create":
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    refuse(_("Không có người dùng “%(u)s”.") % {"u": options["user"]})
                if options.get("rate") is not None and not 1 <= options["rate"] <= 100_000:
                    refuse(_("--rate phải từ 1 đến 100000."))
                try:
                    made = do_create_token(user, options["name"], options["scope"] or ["*:read"],
                                           days=options.get("days"), rate_per_minute=options.get("rate"))
                except Refused as exc:
                    refuse(str(exc))
                self.stdout.write(made.raw)
                self.stderr.write(_("Đã tạo mã kết nối “%(n)s” (%(s)s). Mã chỉ hiện một lần: hãy lưu lại ngay.")
                                  % {"n": made.token.name, "s": ", ".join(made.token.scopes)})
            elif action == "revoke":
                token = ApiToken.objects.filter(name=options["name"]).first()
                if token is None:
                    refuse(_("Không có mã kết nối tên “%(n)s”.") % {"n": options["name"]})
                do_revoke_token(None, token)
                self.stdout.write(_("Đã thu hồi mã kết nối “%(n)s”.") % {"n": token.name})
            else:
                now = timezone.now()
                for t in ApiToken.objects.select_related("user").prefetch_related("agencies"):
                    state = _("đã thu hồi") if t.revoked_at else _("hết hạn") if t.expires_at and \
                        t.expires_at <= now else _("còn hiệu lực")
                    agencies = ",".join(a.code for a in t.agencies.all()) or "*"
                    used = timezone.localtime(t.last_used_at).strftime("%d/%m/%Y %H:%M") if t.last_used_at else "-"
                    self.stdout.write(f"{t.name}\t{t.user.username}\t{' '.join(t.scopes)}\t{agencies}\t{state}"
                                      f"\t{used}")

    def webhooks(self, options):
        import time

        from django.db import close_old_connections

        from chiso.api.webhooks import run_once

        while True:
            sent, failed = run_once()
            if sent or failed or not options["loop"]:
                self.stdout.write(_("Webhook: %(s)s lượt gửi được, %(f)s lượt chưa được (sẽ gửi lại).")
                                  % {"s": sent, "f": failed})
                self.stdout.flush()
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(max(1, options["interval"]))
