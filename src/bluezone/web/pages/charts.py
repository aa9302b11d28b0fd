"""Small SVG charts rendered on the server, so the console needs nothing from the internet."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bluezone.authority.stats import DayFigures
from bluezone.clock import local_time


def daily_bars(days: Sequence[DayFigures], issued_label: str, claimed_label: str, withheld_label: str) -> str:
    """Codes issued and used per day, side by side; withheld days drawn as grey placeholders."""
    width, height, left, bottom = 640, 220, 36, 28
    step = (width - left) / max(len(days), 1)
    top = max([d.codes_issued or 0 for d in days] + [1])
    scale = (height - bottom - 16) / top
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(issued_label)}" '
        f'xmlns="http://www.w3.org/2000/svg" style="width:100%;max-width:{width}px">'
    ]
    parts.append(
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#99a" />'
    )
    parts.append(f'<text x="{left - 6}" y="20" font-size="11" text-anchor="end">{top}</text>')
    for i, day in enumerate(days):
        x = left + i * step + step * 0.15
        bar = step * 0.33
        if day.withheld:
            parts.append(
                f'<rect x="{x:.1f}" y="{height - bottom - 14}" width="{2 * bar:.1f}" height="14" '
                f'fill="#e3e7ec"><title>{escape(withheld_label)}</title></rect>'
            )
        else:
            for j, (value, colour) in enumerate(
                ((day.codes_issued or 0, "#0b5cad"), (day.codes_claimed or 0, "#59a14f"))
            ):
                h = value * scale
                parts.append(
                    f'<rect x="{x + j * bar:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{value}</title></rect>'
                )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
            f"{day.day.strftime('%d/%m')}</text>"
        )
    legend = ((issued_label, "#0b5cad"), (claimed_label, "#59a14f"))
    for k, (label, colour) in enumerate(legend):
        parts.append(
            f'<rect x="{left + 10 + k * 150}" y="6" width="10" height="10" fill="{colour}" />'
            f'<text x="{left + 26 + k * 150}" y="15" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def rate_line(points: Sequence[tuple[int, float | None, int]], label: str) -> str:
    """An area's install rate (or, without a denominator, its installs) over its snapshots."""
    if not points:
        return ""
    use_rate = all(rate is not None for _, rate, _ in points)
    values = [float(rate if use_rate and rate is not None else installs) for _, rate, installs in points]
    width, height, left, bottom = 640, 200, 48, 26
    top = max(values) * 1.1 or 1.0
    step = (width - left - 10) / max(len(values) - 1, 1)
    xy = [(left + i * step, height - bottom - v / top * (height - bottom - 12)) for i, v in enumerate(values)]
    unit = "%" if use_rate else ""
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" style="width:100%;max-width:{width}px" class="trend">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#99a" />',
        f'<text x="{left - 6}" y="16" font-size="11" text-anchor="end">{top:.0f}{unit}</text>',
        '<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        + '" />',
    ]
    for (x, y), point, value in zip(xy, points, values, strict=True):
        day = local_time(point[0]).strftime("%d/%m")
        shown = f"{value:.2f}%" if use_rate else f"{value:,.0f}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#0b5cad"><title>{day}: {shown}</title></circle>'
        )
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{day}</text>')
    parts.append("</svg>")
    return "".join(parts)
