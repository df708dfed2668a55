"""`chiso survey poster --agency CODE [--counter NAME] --out FILE.pdf`: the QR poster of a counter (or of every
active counter of the agency), the QR holding the survey's absolute address from CHISO_BASE_URL."""

from pathlib import Path

from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse
from chiso.files.storage import write_atomically
from chiso.lib.text import fold
from chiso.org.models import Agency
from chiso.survey.models import Counter
from chiso.survey.poster import poster_pdf


class Command(one_line_command_base()):
    help = "Khảo sát sự hài lòng: in áp phích mã QR của quầy (chiso survey poster --agency MÃ --out tệp.pdf)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class)
        p = sub.add_parser("poster", help="Áp phích mã QR (PDF) của một quầy hoặc mọi quầy đang dùng.")
        p.add_argument("--agency", required=True, help="Mã cơ quan, ví dụ STP.")
        p.add_argument("--counter", default="", help="Tên (hoặc mã đường dẫn) của quầy; bỏ trống: mọi quầy.")
        p.add_argument("--out", required=True, help="Tệp PDF sẽ ghi.")

    def handle(self, *args, action=None, agency="", counter="", out="", **options):
        found = Agency.objects.filter(code__iexact=agency.strip()).first()
        if found is None:
            refuse(_("Không có cơ quan mã “%(c)s”; xem danh sách: chiso agencies.") % {"c": agency})
        counters = None
        if counter.strip():
            wanted = fold(counter)
            match = [c for c in Counter.objects.filter(agency=found)
                     if fold(c.name) == wanted or c.slug == counter.strip().lower()]
            if not match:
                refuse(_("Cơ quan %(a)s không có quầy “%(c)s”.") % {"a": found.code, "c": counter})
            counters = match[:1]
        target = Path(out)
        if not target.parent.exists():
            refuse(_("Thư mục “%(d)s” không tồn tại.") % {"d": target.parent})
        write_atomically(target, poster_pdf(found, counters))
        self.stdout.write(_("Đã ghi %(f)s.") % {"f": target})
