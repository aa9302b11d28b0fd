"""The console's charts, drawn with matplotlib on the server as inline SVG (nothing loaded from the
internet): real axes and ticks, dates and numbers written as the reader's language writes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bluezone import texts
from bluezone.authority.stats import DayFigures
from bluezone.clock import local_date
from bluezone.documents import svg_of

BLUE, GREEN, GREY, INK = "#0b5cad", "#2e7d32", "#b8c0c8", "#1d2733"


def _short_day(day: date) -> str:
    return day.strftime("%d/%m")


def _figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(7.2, height))
    axis: Axes = figure.subplots()
    axis.spines[["top", "right"]].set_visible(False)
    axis.grid(axis="y", alpha=0.3)
    axis.tick_params(labelsize=9, colors=INK)
    return figure, axis


def daily_bars(days: Sequence[DayFigures], issued_label: str, claimed_label: str, small_label: str) -> str:
    """Codes issued and used per day, side by side; days below the publication minimum hatched."""
    figure, axis = _figure(2.8)
    x = np.arange(len(days))
    issued = [d.codes_issued or 0 for d in days]
    claimed = [d.codes_claimed or 0 for d in days]
    hatch = ["//" if d.small else "" for d in days]
    axis.bar(x - 0.2, issued, 0.4, color=BLUE, hatch=hatch, edgecolor="white")
    axis.bar(x + 0.2, claimed, 0.4, color=GREEN, hatch=hatch, edgecolor="white")
    legend = [Patch(color=BLUE, label=issued_label), Patch(color=GREEN, label=claimed_label)]
    if any(d.small for d in days):
        legend.append(Patch(facecolor=GREY, hatch="//", edgecolor="white", label=small_label))
    step = max(1, len(days) // 7)
    axis.set_xticks(x[::step], [_short_day(d.day) for d in days][::step])
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: texts.number(v)))
    axis.legend(handles=legend, frameon=False, fontsize=9, loc="upper left", ncols=3)
    axis.set_ylim(0, max([*issued, *claimed, 1]) * 1.25)
    return svg_of(figure, f"{issued_label}, {claimed_label}")


def rate_line(
    points: Sequence[tuple[int, float | None, int]], label: str, rate_label: str, installs_label: str
) -> str:
    """An area's install rate (or, without a denominator, its installs) at each snapshot, over time."""
    if not points:
        return ""
    use_rate = all(rate is not None for _, rate, _ in points)
    days = [local_date(moment) for moment, _, _ in points]
    x = np.array(days, dtype="datetime64[D]")
    values = [float(rate if use_rate and rate is not None else installs) for _, rate, installs in points]
    figure, axis = _figure(2.6)
    axis.plot(x, values, color=BLUE, marker="o", linewidth=2)
    axis.set_title(label, fontsize=10, loc="left", color=INK)
    axis.set_ylabel(rate_label if use_rate else installs_label, fontsize=9)
    shown = (lambda v, _: texts.percent(v, decimals=0)) if use_rate else (lambda v, _: texts.number(v))
    axis.yaxis.set_major_formatter(FuncFormatter(shown))
    axis.set_ylim(0, max(values) * 1.15 or 1)
    step = max(1, len(days) // 6)
    axis.set_xticks(x[::step], [_short_day(d) for d in days][::step])
    return svg_of(figure, label)
