"""The agency report as PDF: the same outline drawn by an HTML template and WeasyPrint, in Liberation
Serif (Times New Roman's metrics, with every Vietnamese glyph)."""

from django.template.loader import render_to_string

from .common import outline


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is asked for

    return HTML(string=html).write_pdf()


def agency_pdf(report) -> bytes:
    return html_to_pdf(render_to_string("reports/document.html", {"o": outline(report)}))
