"""Charts drawn on the server as small SVG (no JavaScript library): the numbers are always in a table beside."""

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join


def trend_svg(points: list[tuple[str, float | None]], target: float | None = None, width: int = 640,
              height: int = 200, label: str = "") -> str:
    """A line chart of percentages (0–100) by period; None values leave a gap. `target` draws a dashed line."""
    pad_l, pad_r, pad_t, pad_b = 36, 10, 10, 28
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    n = max(len(points), 1)

    def x(i):
        return round(pad_l + (w * (i + 0.5) / n), 1)

    def y(v):
        return round(pad_t + h * (1 - max(0.0, min(100.0, float(v))) / 100), 1)

    grid = format_html_join("", '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/><text x="{}" y="{}" '
                            'class="axis" text-anchor="end">{}</text>',
                            ((pad_l, width - pad_r, y(v), y(v), pad_l - 4, y(v) + 4, v) for v in (0, 25, 50, 75, 100)))
    labels = format_html_join("", '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                              ((x(i), height - 8, name) for i, (name, _v) in enumerate(points)))
    segments, current = [], []
    for i, (_name, v) in enumerate(points):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((x(i), y(float(v))))
    if current:
        segments.append(current)
    lines = format_html_join("", '<polyline points="{}" class="line"/>',
                             ((" ".join(f"{a:.1f},{b:.1f}" for a, b in seg),) for seg in segments))
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="3" class="dot"><title>{}: {}%</title></circle>',
                            ((x(i), y(v), name, v) for i, (name, v) in enumerate(points)
                             if v is not None))
    goal = format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="target"/>', pad_l, width - pad_r,
                       y(target), y(target)) if target is not None else ""
    return format_html('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}{}{}{}{}</svg>',
                       width, height, label, grid, goal, lines, dots, labels, "")


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


def bars_svg(rows: list[tuple[str, float | None]], width: int = 640, label: str = "", suffix: str = "%") -> str:
    """Horizontal bars of values on 0–100 (percentages, or a score with suffix ""), one per row; numbers
    written as the tables write them (91,82%); a long name is cut with "…" and whole in its tooltip."""
    bar_h, gap, pad_l = 18, 6, 200
    height = max(1, len(rows)) * (bar_h + gap) + gap
    w = width - pad_l - 50
    items = []
    for i, (name, v) in enumerate(rows):
        top = gap + i * (bar_h + gap)
        val = max(0.0, min(100.0, float(v))) if v is not None else 0.0
        shown = "N/A" if v is None else number_format(v, decimal_pos=2, use_l10n=True) + suffix
        items.append((pad_l - 6, top + 13, name, _short(name), pad_l, top, f"{max(0.5, w * val / 100):.1f}", bar_h,
                      name, shown, f"{pad_l + w * val / 100 + 4:.1f}", top + 13, shown))
    body = format_html_join("", '<text x="{}" y="{}" class="axis" text-anchor="end"><title>{}</title>{}</text>'
                            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>'
                            '<text x="{}" y="{}" class="axis">{}</text>', items)
    return format_html('<svg class="chart bars" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
                       width, height, label, body)
