"""The agency report as PDF: the same outline drawn by an HTML template and WeasyPrint, in Liberation
Serif (Times New Roman's metrics, with every Vietnamese glyph)."""

from django.template.loader import render_to_string

from .common import column_widths, outline


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is asked for

    return HTML(string=html).write_pdf()


def document_html(o) -> str:
    annexes = [{"title": title, "header": header, "rows": rows, "widths": column_widths(header, 100.0)}
               for title, header, rows in o.annexes]
    return render_to_string("reports/document.html", {"o": o, "annexes": annexes})


def agency_pdf(report) -> bytes:
    return html_to_pdf(document_html(outline(report)))
