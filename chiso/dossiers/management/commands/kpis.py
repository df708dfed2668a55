"""`chiso kpis show --agency CODE --period PERIOD [--unit ID] [--procedure CODE] [--json]`: every indicator
of Decision 766 for an agency (or one of its units, or one procedure) and a period (2025-11, 2025-Q3,
2025-H1, 2025-Y), computed now from the imported dossiers. --json prints one JSON object."""

import json
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from chiso.cli import one_line_command_base, refuse


class Command(one_line_command_base()):
    help = _("Xem các chỉ số phục vụ (Quyết định 766) của một cơ quan trong một kỳ.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=self.subparser_class,
                                    metavar="{show}")
        show = sub.add_parser("show", help=_("In các chỉ số của cơ quan trong kỳ."))
        show.add_argument("--agency", required=True, help=_("mã cơ quan, ví dụ STP"))
        show.add_argument("--period", required=True, help=_("kỳ: 2025-11, 2025-Q3, 2025-H1, 2025-Y"))
        show.add_argument("--unit", help=_("số hiệu (id) hoặc tên đơn vị"))
        show.add_argument("--procedure", help=_("mã thủ tục hành chính"))
        show.add_argument("--as-of", help=_("ngày coi là hôm nay (YYYY-MM-DD)"))
        show.add_argument("--json", action="store_true", help=_("in một đối tượng JSON"))

    def handle(self, *args, **options):
        with translation.override("vi"):
            self.show(options)

    def show(self, options):
        from chiso.dossiers import compute
        from chiso.dossiers.models import RatingBand
        from chiso.lib.text import search_key
        from chiso.org.models import Agency, Unit
        from chiso.periods import windows

        agency = Agency.objects.filter(code__iexact=options["agency"].strip()).first()
        if agency is None:
            refuse(_("Không có cơ quan mã “%(code)s” (xem: chiso agencies).") % {"code": options["agency"]})
        try:
            period = windows.parse(options["period"])
        except windows.PeriodError as exc:
            refuse(str(exc))
        as_of = None
        if options.get("as_of"):
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError:
                refuse(_("--as-of không hợp lệ: “%(v)s” (cần dạng 2025-12-31).") % {"v": options["as_of"]})
        unit = None
        if options.get("unit"):
            raw = options["unit"].strip()
            units = Unit.objects.filter(agency=agency)
            unit = units.filter(pk=int(raw)).first() if raw.isdigit() else next(
                (u for u in units if search_key(u.name) == search_key(raw) or
                 (u.short_name and search_key(u.short_name) == search_key(raw))), None)
            if unit is None:
                refuse(_("Cơ quan %(a)s không có đơn vị “%(u)s”.") % {"a": agency.code, "u": raw})
        procedure = (options.get("procedure") or "").strip() or None
        counts = compute.compute_period([agency.pk], period, unit.pk if unit else None, procedure, as_of=as_of)
        figs = compute.figures(counts)
        points, available, score, band = compute.total(figs, list(RatingBand.objects.all()))
        out = {
            "agency": agency.code, "agency_name": agency.name, "period": period.code,
            "from": period.start.isoformat(), "to": period.end.isoformat(),
            "unit": ({"id": unit.pk, "name": unit.name} if unit else None), "procedure": procedure,
            "indicators": [f.as_json() for f in figs],
            "points": float(points) if points is not None else None,
            "max_points": float(available) if available is not None else None,
            "score": float(score) if score is not None else None, "band": band or None,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"{agency.name} — {period.label} ({period.window})"
                          + (f" — {unit.name}" if unit else "") + (f" — {procedure}" if procedure else ""))
        for f in figs:
            rate = "N/A" if f.rate is None else (f"{f.rate} " + (_("ngày") if f.average else "%"))
            pts = "" if f.points is None else f"  {f.points}/{f.max_points} " + _("điểm")
            self.stdout.write(f"{f.code:>4}  {f.name[:60]:<60} {f.numerator}/{f.denominator}  {rate}{pts}")
        if score is not None:
            self.stdout.write(_("Tổng: %(p)s/%(m)s điểm (quy ra %(s)s/100) — %(b)s")
                              % {"p": points, "m": available, "s": score, "b": band})
