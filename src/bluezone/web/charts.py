"""Small SVG charts rendered on the server, so the console needs nothing from the internet."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bluezone.authority.stats import DayFigures


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
