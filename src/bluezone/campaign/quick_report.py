"""The printable quick report a provincial department of health sends upward, as PDF, laid out as Viet Nam's
administrative documents are (Decree 30/2020/NĐ-CP): the issuing body and the national motto side by side, the
document number and the place and date, the title, the figures (as-of time, installs, rate, national rank and
movement), the table of the province's districts (or communes, in the 2025 structure) with a chart of their
rates, then the recipients and the signature block. Texts come from the catalogues, numbers and dates are
written as the report's language writes them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from sqlalchemy.orm import Session

from bluezone import texts
from bluezone.campaign import service
from bluezone.campaign.ranking import RankRow
from bluezone.documents import FAMILY, new_pdf
from bluezone.errors import InvalidInput, NotFound
from bluezone.geography.areas import Level, Structure, registry, short_name
from bluezone.texts import LANGUAGES, Language, text

CHART_ROWS = 25  # the chart's bars: the first areas of the table (the table has them all)


@dataclass(frozen=True)
class QuickReport:
    province_code: str
    province_name: str
    as_of: str
    by: str
    national: RankRow | None
    below: list[RankRow]
    below_level: Level


def gather(
    session: Session, province: str, *, by: str = "population", as_of: int | None = None
) -> QuickReport:
    moment, nation = service.ranking(session, as_of=as_of, level="province", by=by)
    found = service.latest(session, moment)
    assert found is not None  # the ranking just used it
    structure = found[1]
    areas = registry(structure)
    area = areas.get(province)
    if area.level is not Level.PROVINCE:
        raise InvalidInput(f"{province} is not a province", code="bad_area_code")
    below_level = Level.COMMUNE if structure is Structure.NEW else Level.DISTRICT
    _, below = service.ranking(
        session, as_of=moment, level=below_level.value, parent=province, by="smartphones"
    )
    if all(row.rank is None for row in below):  # districts have no population figures: rank by installs
        below = sorted(below, key=lambda r: -r.installs)
    return QuickReport(
        province_code=province,
        province_name=area.name,
        as_of=service.describe(moment),
        by=by,
        national=next((row for row in nation if row.area_code == province), None),
        below=below,
        below_level=below_level,
    )


def _movement(change: int | None, lang: Language) -> str:
    if change is None:
        return text("report.first", lang)
    if change == 0:
        return text("report.same", lang)
    return text("campaign.up" if change > 0 else "campaign.down", lang, n=abs(change))


def _chart(report: QuickReport, lang: Language) -> bytes:
    rows = [r for r in report.below if r.rate_percent is not None][:CHART_ROWS]
    figure = Figure(figsize=(7.5, 0.28 * max(len(rows), 4) + 1.0))
    axis = figure.subplots()
    axis.barh([r.name for r in rows][::-1], [r.rate_percent or 0 for r in rows][::-1], color="#0b5cad")
    axis.set_title(text(f"report.chart.{report.below_level}", lang), fontsize=10, loc="left")
    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: texts.percent(v, lang, decimals=0)))
    axis.spines[["top", "right"]].set_visible(False)
    axis.grid(axis="x", alpha=0.3)
    axis.tick_params(labelsize=7)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return out.getvalue()


def _heading(pdf: FPDF, report: QuickReport, lang: Language, issued_on: date) -> None:
    """Two columns: the issuing body over its number, the national motto over the place and date."""
    left, right, top = 80.0, 110.0, pdf.get_y()

    def line(x: float, width: float, style: str, words: str, *, underline: float = 0) -> None:
        pdf.set_x(x)
        pdf.set_font(FAMILY, style, 10)
        pdf.multi_cell(width, 5, words, align="C", new_x="LMARGIN", new_y="NEXT")
        if underline:  # the short rule under the issuing body and under the motto
            middle, y = x + width / 2, pdf.get_y() + 0.5
            pdf.line(middle - underline / 2, y, middle + underline / 2, y)
            pdf.ln(3)

    line(pdf.l_margin, left, "", text("report.superior", lang, province=report.province_name).upper())
    line(pdf.l_margin, left, "B", text("report.issuer", lang), underline=24)
    line(pdf.l_margin, left, "", text("report.number", lang))
    bottom_left = pdf.get_y()
    pdf.set_y(top)
    line(pdf.l_margin + left, right, "B", text("report.nation", lang))
    line(pdf.l_margin + left, right, "B", text("report.motto", lang), underline=56)
    place = short_name(report.province_name)
    when = text("report.place_date", lang, place=place, date=texts.long_day(issued_on, lang))
    line(pdf.l_margin + left, right, "I", when)
    pdf.set_y(max(pdf.get_y(), bottom_left) + 8)


def _figures(pdf: FPDF, report: QuickReport, national: RankRow, lang: Language) -> None:
    rank = "–" if national.rank is None else f"{national.rank} ({_movement(national.rank_change, lang)})"
    for label, value in (
        (text("report.installs", lang), texts.number(national.installs, lang)),
        (text(f"report.{report.by}", lang), texts.number(national.denominator, lang)),
        (text("report.rate", lang), texts.percent(national.rate_percent, lang)),
        (text("report.national", lang), rank),
    ):
        pdf.set_font(FAMILY, "", 11)
        pdf.cell(70, 7, label)
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, report: QuickReport, lang: Language) -> None:
    widths = (16, 78, 30, 30, 26)
    heads = (
        "campaign.rank",
        f"report.{report.below_level}",
        "report.installs",
        "report.rate",
        "report.change",
    )
    pdf.set_font(FAMILY, "B", 9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 7, text(head, lang), border=1)
    pdf.ln()
    pdf.set_font(FAMILY, "", 9)
    if not report.below:
        pdf.cell(0, 7, text("report.none", lang), new_x="LMARGIN", new_y="NEXT")
    for row in report.below:
        cells = (
            "–" if row.rank is None else str(row.rank),
            row.name,
            texts.number(row.installs, lang),
            texts.percent(row.rate_percent, lang),
            "" if not row.rank_change else ("▲" if row.rank_change > 0 else "▼") + str(abs(row.rank_change)),
        )
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 6, cell, border=1)
        pdf.ln()


def _closing(pdf: FPDF, lang: Language) -> None:
    """The recipients on the left, the signature block on the right."""
    pdf.ln(8)
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(FAMILY, "BI", 9)
    pdf.cell(90, 5, text("report.recipients", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    for line in text("report.recipient_list", lang).split("\n"):
        pdf.cell(90, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + 100, top)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(90, 5, text("report.signer", lang), align="C")


def render_pdf(report: QuickReport, language: str = "vi", *, issued_on: date) -> bytes:
    if language not in LANGUAGES:
        raise InvalidInput("language is vi or en", code="bad_language")
    lang: Language = "en" if language == "en" else "vi"
    if report.national is None:
        raise NotFound(f"no figures for province {report.province_code}", code="no_counts")
    title = text("report.title", lang)
    pdf = new_pdf(f"{title}: {report.province_name}")
    _heading(pdf, report, lang, issued_on)
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(
        0,
        6,
        text("report.subject", lang, province=report.province_name),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FAMILY, "I", 10)
    pdf.multi_cell(
        0, 6, text("report.as_of", lang, moment=report.as_of), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    _figures(pdf, report, report.national, lang)
    pdf.ln(3)
    _table(pdf, report, lang)
    if any(r.rate_percent is not None for r in report.below):
        pdf.ln(4)
        pdf.image(io.BytesIO(_chart(report, lang)), w=180)
    _closing(pdf, lang)
    return bytes(pdf.output())
