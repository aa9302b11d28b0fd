"""The run's self-contained HTML report: plots inlined as SVG, nothing fetched, written atomically (an
interrupted run leaves the previous report or none, never half of one)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import jinja2
import numpy as np
from matplotlib.figure import Figure

from bluezone import texts
from bluezone.documents import svg_of
from bluezone.sim.devices import hand_out
from bluezone.sim.radio import Channel, measured_profile, out_of_sample, simulated_profile
from bluezone.sim.study import ADOPTION, Summary, spread, sweep_rows
from bluezone.sim.validation import checks
from bluezone.texts import Language, text

BLUE, RED, GREEN, GREY, ORANGE = "#0b5cad", "#c23b22", "#59a14f", "#8c8c8c", "#e8a33d"
SHADE_OF_DIRECTIVE = {"16": 0.3, "15": 0.2, "19": 0.08}
NORWAY_BLUETOOTH_RECALL = 0.8  # Smittestopp: technical tracing efficacy (simulation.md §1)


def _days_axis(summary: Summary) -> list[str]:
    return [d[5:] for d in summary.with_app.days]


def epidemic_plot(summary: Summary, lang: Language) -> str:
    figure = Figure(figsize=(10, 3.4))
    daily, total = figure.subplots(1, 2)
    x = np.arange(summary.days)
    labels = _days_axis(summary)
    curves = [(text("sim.with_app", lang), summary.with_app.infections, BLUE)]
    if summary.without_app is not None:
        curves.append((text("sim.without_app", lang), summary.without_app.infections, RED))
    for label, values, colour in curves:
        daily.plot(x, values, label=label, color=colour)
        total.plot(x, np.cumsum(values), label=label, color=colour)
    daily.set_title(text("sim.plot.new_infections", lang))
    total.set_title(text("sim.plot.all_infections", lang))
    for first, last, directive in summary.interventions:
        label = (
            text("sim.plot.directive", lang, number=directive)
            if directive
            else text("sim.plot.restrictions", lang)
        )
        shade = SHADE_OF_DIRECTIVE.get(directive or "", 0.12)  # the stricter, the darker
        for axis in (daily, total):
            axis.axvspan(
                first - 1.5, last - 0.5, color=GREY, alpha=shade, label=label if axis is daily else None
            )
    for axis in (daily, total):
        axis.set_xticks(x[:: max(1, len(x) // 7)], labels[:: max(1, len(x) // 7)])
        axis.legend(frameon=False)
        axis.grid(alpha=0.3)
    return svg_of(figure)


def timeline_plot(summary: Summary, lang: Language) -> str:
    figure = Figure(figsize=(10, 3.4))
    axis = figure.subplots()
    x = np.arange(summary.days)
    curve = summary.with_app
    width = 0.14
    for k, (label, values, colour) in enumerate(
        [
            (text("sim.plot.confirmed", lang), curve.confirmed, RED),
            (text("sim.plot.uploads", lang), curve.uploads, GREY),
            (text("sim.plot.f1_alerts", lang), curve.alerts_f1, BLUE),
            (text("sim.plot.f2_alerts", lang), curve.alerts_f2, ORANGE),
            (text("sim.plot.venue_alerts", lang), curve.alerts_venue, GREEN),
            (text("sim.plot.traced_f1", lang), curve.traced_f1, "#6b4c9a"),
        ]
    ):
        axis.bar(x + (k - 2.5) * width, values, width, label=label, color=colour)
    axis.set_yscale("symlog")
    axis.set_title(text("sim.plot.each_day", lang))
    labels = _days_axis(summary)
    axis.set_xticks(x[:: max(1, len(x) // 7)], labels[:: max(1, len(x) // 7)])
    axis.legend(frameon=False, ncol=3)
    axis.grid(alpha=0.3, axis="y")
    return svg_of(figure)


def signal_plot(seed: int, lang: Language) -> str:
    rng = np.random.default_rng(seed)
    handsets = hand_out(np.ones(5000, bool), rng)
    simulated = simulated_profile(Channel(), handsets.tx_error_db, handsets.rssi_error_db, rng)
    measured = measured_profile()
    figure = Figure(figsize=(6, 3.4))
    axis = figure.subplots()
    shown = (
        (measured, text("sim.plot.measured", lang), RED),
        (simulated, text("sim.plot.simulated", lang), BLUE),
    )
    for rows, label, colour in shown:
        mids = [(low + high) / 2 for low, high, med in rows if med is not None]
        meds = [med for _, _, med in rows if med is not None]
        axis.plot(mids, meds, "o-", label=label, color=colour)
    axis.axvline(2.0, color=GREY, linestyle=":")
    axis.set_xscale("log")
    axis.set_xticks([0.5, 1, 2, 3, 4, 6, 10], ["0.5", "1", "2", "3", "4", "6", "10"])
    axis.minorticks_off()
    axis.set_xlabel(text("sim.plot.distance", lang))
    axis.set_ylabel(text("sim.plot.attenuation", lang))
    axis.set_title(text("sim.plot.signal", lang))
    axis.legend(frameon=False)
    axis.grid(alpha=0.3)
    return svg_of(figure)


def quality_plot(summary: Summary, lang: Language) -> str:
    q = summary.quality
    names = [
        text(f"sim.quality.{k}", lang) for k in ("precision", "recall", "app_pairs", "uploaded_pairs", "f1")
    ]
    values = [q.precision, q.recall, q.recall_app_pairs, q.recall_uploaded_pairs, q.f1]
    figure = Figure(figsize=(6, 3.4))
    axis = figure.subplots()
    axis.bar(names, [v or 0 for v in values], color=[BLUE, BLUE, GREEN, GREEN, GREY])
    for k, v in enumerate(values):
        axis.text(k, (v or 0) + 0.02, "–" if v is None else f"{v:.2f}", ha="center")
    axis.set_ylim(0, 1.1)
    axis.tick_params(axis="x", labelsize=8)  # five two-line names side by side
    axis.set_title(text("sim.plot.quality", lang))
    return svg_of(figure)


def adoption_plot(points: Sequence[Summary], lang: Language) -> str:
    """Recall against adoption, beside adoption² × the Bluetooth layer's recall."""
    figure = Figure(figsize=(6, 3.4))
    axis = figure.subplots()
    u = np.linspace(0, 1, 50)
    layer = [p.quality.recall_uploaded_pairs for p in points if p.quality.recall_uploaded_pairs is not None]
    r_ble = float(np.mean(layer)) if layer else NORWAY_BLUETOOTH_RECALL
    shares = [p.upload_share for p in points if p.upload_share is not None]
    consent = float(np.mean(shares)) if shares else 1.0
    label = text("sim.plot.expected", lang, bluetooth=f"{r_ble:.2f}", uploads=f"{consent:.2f}")
    axis.plot(u, u**2 * r_ble * consent, color=GREY, linestyle="--", label=label)
    rows = sweep_rows(points)
    adoption = [p.adoption for p in points]
    for name, marker, colour in (("recall", "o-", BLUE), ("precision", "s-", GREEN)):
        shown = text(f"sim.quality.{name}", lang)
        axis.plot(adoption, [r[name] or 0.0 for r in rows], marker, color=colour, label=shown)
    axis.set_xlabel(text("sim.plot.adoption", lang))
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.set_title(text("sim.plot.against_adoption", lang))
    axis.legend(frameon=False)
    axis.grid(alpha=0.3)
    return svg_of(figure)


def routes_plot(points: Sequence[Summary], setting: str, values: Sequence[float], lang: Language) -> str:
    """Uploads by how they were authorised, and F1 alerts, against the setting a sweep varied."""
    figure = Figure(figsize=(6, 3.4))
    axis = figure.subplots()
    bottom = np.zeros(len(points))
    width = 0.6 * (min(np.diff(sorted(values))) if len(values) > 1 else 0.5)
    for route, colour in (("case_worker", GREY), ("lab", BLUE), ("self_report", ORANGE)):
        counts = np.array([p.uploads_by_route.get(route, 0) for p in points], dtype=float)
        axis.bar(values, counts, width, bottom=bottom, color=colour, label=text(f"sim.route.{route}", lang))
        bottom += counts
    axis.set_ylabel(text("sim.plot.uploads", lang))
    alerts = axis.twinx()
    alerts.plot(
        values, [p.alerts_f1 for p in points], "o-", color=RED, label=text("sim.plot.f1_alerts", lang)
    )
    alerts.set_ylabel(text("sim.plot.f1_alerts", lang))
    axis.set_xlabel(text(f"sim.setting.{setting.rpartition('.')[2]}", lang))
    axis.set_title(text("sim.plot.against_setting", lang))
    handles = axis.get_legend_handles_labels()
    more = alerts.get_legend_handles_labels()
    axis.legend(handles[0] + more[0], handles[1] + more[1], frameon=False, fontsize=8, loc="upper left")
    axis.grid(alpha=0.3)
    return svg_of(figure)


def _fmt(value: float | None, lang: Language, percent: bool = False) -> str:
    if value is None:
        return "–"
    return texts.percent(100 * value, lang, decimals=0) if percent else texts.number(value, lang, decimals=2)


def validation_rows(summary: Summary, lang: Language) -> list[tuple[str, str, str, str, str, str]]:
    """(figure, published band and source, this run, verdict, its mark, why it may differ) for each check."""
    rows = []
    for check in checks(summary):
        ends = [100 * check.low, 100 * check.high] if check.share else [check.low, check.high]
        shown = [
            texts.percent(v, lang, decimals=0) if check.share else texts.number(v, lang, decimals=1)
            for v in ends
        ]
        band = "–".join(shown)
        rows.append(
            (
                text(f"sim.check.{check.key}", lang),
                f"{band} · {text(f'sim.check.{check.key}.published', lang)}",
                _fmt(check.value, lang, percent=check.share),
                check.verdict.value,
                text(f"sim.verdict.{check.verdict.name.lower()}", lang),
                text(f"sim.check.{check.key}.why", lang),
            )
        )
    return rows


_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bluezone.sim", "templates"),
    autoescape=True,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
texts.install_into(_templates)


SPREAD = (
    ("infections_averted", False), ("infections_with_app", False), ("infections_without_app", False),
    ("precision", True), ("recall", True), ("alerts_per_uploading_case", False), ("R0", False),
    ("doubling_days", False),
)  # fmt: skip


def spread_rows(across: Sequence[Summary], lang: Language) -> list[tuple[str, str, str]]:
    """(figure, median, 90 % interval) over several seeds' runs, as `study.spread` reads them."""
    whole = spread([{**r.as_json(None), **r.epidemic.as_json()} for r in across])
    assert isinstance(whole, dict)
    rows = []
    for name, share in SPREAD:
        found = whole.get(name)
        if not isinstance(found, dict):  # no figure in the runs, or one alone
            continue
        decimals = 0 if name.startswith("infections") else 2  # counts of people
        shown = [
            _fmt(found[end], lang, percent=share)
            if share
            else texts.number(found[end], lang, decimals=decimals)
            for end in ("median", "low", "high")
        ]
        rows.append((text(f"sim.figure.{name}", lang), shown[0], f"{shown[1]}–{shown[2]}"))
    return rows


def render(
    summary: Summary,
    sweep_points: Sequence[Summary] = (),
    lang: Language = "vi",
    across: Sequence[Summary] = (),
    *,
    setting: str = ADOPTION,
    values: Sequence[float] | None = None,
) -> str:
    """The report of one run, in Vietnamese or English; with sweep points, also the curve through them
    (recall against adoption, or uploads and alerts against another setting swept) and their table; with
    several seeds' runs (`across`), each figure's median and 90 % interval."""
    by_setting = setting != ADOPTION and values is not None and bool(sweep_points)
    plots = {
        "epidemic": epidemic_plot(summary, lang),
        "timeline": timeline_plot(summary, lang),
        "quality": quality_plot(summary, lang),
        "adoption": routes_plot(sweep_points, setting, values or [], lang)
        if by_setting
        else adoption_plot(sweep_points or [summary], lang),
        "signal": signal_plot(summary.seed, lang),
    }
    reading = texts.current_language.set(lang)
    try:
        return _templates.get_template("report.html").render(
            s=summary,
            lang=lang,
            plots=plots,
            pct=lambda v: _fmt(v, lang, percent=True),
            validation=validation_rows(summary, lang),
            sweep=sweep_rows(sweep_points, setting, values),
            by_setting=by_setting,
            radio_checks=[
                (
                    name,
                    texts.number(rms_in, lang, decimals=2),
                    texts.number(rms_out, lang, decimals=2),
                    texts.number(bias, lang, decimals=2),
                )
                for name, rms_in, rms_out, bias in out_of_sample()
            ],
            spread=spread_rows(across, lang) if len(across) > 1 else [],
            seeds=len(across),
            figures={k: v for k, v in summary.as_json(None).items() if k != "report"},
        )
    finally:
        texts.current_language.reset(reading)


def write_report(path: Path, html: str) -> Path:
    """Write next to the target, then rename over it: readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
        os.chmod(temporary, 0o644)  # a report to share, not a secret (mkstemp makes files private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path.resolve()
