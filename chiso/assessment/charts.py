"""Charts drawn on the server as small SVG, served by the app with the page (no JavaScript library, no CDN).
The numbers are always in a table beside the chart; the SVG carries them too, in <title>s."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

from chiso.lib.numbers import format_vn_decimal


def field_bars(rows: list[tuple[str, Decimal | None, Decimal | None, Decimal | None, Decimal | None]],
               label: str = "", width: int = 640) -> str:
    """Per field: the score (bar) against the target (tick) and last year (dot), each as a share of the maximum.
    rows: (field label, score, target, last year, maximum)."""
    bar_h, gap, pad_l, pad_r = 16, 10, 190, 60
    height = max(1, len(rows)) * (bar_h + gap) + gap + 16
    w = width - pad_l - pad_r

    def x(value, maximum):
        if value is None or not maximum:
            return None
        return round(pad_l + w * min(float(value) / float(maximum), 1.0), 1)

    items = []
    for i, (name, score, target, last, maximum) in enumerate(rows):
        top = gap + i * (bar_h + gap)
        end = x(score, maximum) or pad_l
        items.append(format_html(
            '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {} / {}</title></rect>'
            '<text x="{}" y="{}" class="axis">{}</text>',
            pad_l - 6, top + 12, name[:30], pad_l, top, max(0.5, end - pad_l), bar_h, name,
            format_vn_decimal(score) or "—", format_vn_decimal(maximum), end + 4, top + 12,
            format_vn_decimal(score) or "—"))
        tx = x(target, maximum)
        if tx is not None:
            items.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="target"><title>Mục tiêu {}'
                                     '</title></line>', tx, tx, top - 3, top + bar_h + 3, format_vn_decimal(target)))
        lx = x(last, maximum)
        if lx is not None:
            items.append(format_html('<circle cx="{}" cy="{}" r="4" class="dot"><title>Năm trước {}</title>'
                                     '</circle>', lx, top + bar_h / 2, format_vn_decimal(last)))
    legend_y = height - 4
    legend = format_html('<text x="{}" y="{}" class="axis">▮ điểm · | mục tiêu · ● năm trước (theo % điểm tối đa)'
                         '</text>', pad_l, legend_y)
    return format_html('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}</svg>', width,
                       height, label, format_html_join("", "{}", ((i,) for i in items)), legend)


def ranking_bars(rows: list[tuple[str, Decimal | None, bool]], label: str = "", width: int = 640) -> str:
    """One bar per agency in rank order, the highlighted agency in another colour. rows: (name, score, mine)."""
    bar_h, gap, pad_l, pad_r = 16, 6, 220, 60
    height = max(1, len(rows)) * (bar_h + gap) + gap
    top_value = max((float(s) for _n, s, _m in rows if s is not None), default=0.0) or 1.0
    w = width - pad_l - pad_r
    items = []
    for i, (name, score, mine) in enumerate(rows):
        top = gap + i * (bar_h + gap)
        length = w * (float(score) / top_value) if score is not None else 0
        items.append((pad_l - 6, top + 12, f"{i + 1}. {name}"[:36], pad_l, top, f"{max(0.5, length):.1f}", bar_h,
                      "bar mine" if mine else "bar", name, format_vn_decimal(score) or "—",
                      f"{pad_l + length + 4:.1f}", top + 12, format_vn_decimal(score) or "—"))
    body = format_html_join("", '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>'
                            '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}: {}</title></rect>'
                            '<text x="{}" y="{}" class="axis">{}</text>', items)
    return format_html('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>', width,
                       height, label, body)
