"""The QR poster of a counter (A4 PDF): the QR code holds the survey's absolute address (CHISO_BASE_URL),
drawn offline by segno as SVG and laid out by WeasyPrint. `chiso survey poster` and the counters page use it."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from .models import Counter


def survey_url(agency, counter: Counter | None) -> str:
    path = (reverse("survey_counter", args=[agency.code, counter.slug]) if counter
            else reverse("survey_agency", args=[agency.code]))
    return settings.CHISO_BASE_URL.rstrip("/") + path


def qr_svg(url: str) -> str:
    """The QR code as an inline SVG (error correction M: a poster survives some wear)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=10, border=2, dark="#000")


def poster_pdf(agency, counters: list[Counter] | None = None) -> bytes:
    """One A4 page per counter (every active counter when `counters` is None; the agency's own link when it
    has none)."""
    if counters is None:
        counters = list(Counter.objects.filter(agency=agency, is_active=True).order_by("name")) or [None]
    pages = [{"counter": c, "url": survey_url(agency, c), "svg": mark_safe(qr_svg(survey_url(agency, c)))}  # noqa: S308
             for c in counters]
    html = render_to_string("survey/poster.html", {"agency": agency, "pages": pages})
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is asked for

    return HTML(string=html).write_pdf()
