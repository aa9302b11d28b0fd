"""The printable quick report a provincial department sends upward, as PDF:
"Báo cáo nhanh kết quả cài đặt Bluezone": as-of time, counts, rate, national rank and movement, the table
of the province's districts (or communes, in the 2025 structure) and a chart of their rates."""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.figure import Figure
from sqlalchemy.orm import Session

from bluezone.campaign import service
from bluezone.campaign.ranking import RankRow
from bluezone.documents import FAMILY, new_pdf
from bluezone.errors import InvalidInput, NotFound
from bluezone.geography.areas import Level, Structure, registry

TEXT = {
    "vi": {
        "title": "BÁO CÁO NHANH KẾT QUẢ CÀI ĐẶT BLUEZONE",
        "as_of": "Số liệu tính đến",
        "installs": "Số lượt cài đặt",
        "population": "Dân số",
        "smartphones": "Thuê bao điện thoại thông minh",
        "rate": "Tỷ lệ cài đặt",
        "national": "Xếp hạng toàn quốc",
        "up": "tăng {n} bậc",
        "down": "giảm {n} bậc",
        "same": "giữ nguyên",
        "first": "lần xếp hạng đầu tiên",
        "district": "Quận/huyện",
        "commune": "Xã/phường",
        "rank": "Hạng",
        "change": "Thay đổi",
        "chart": "Tỷ lệ cài đặt theo {what} (%)",
        "none": "chưa có số liệu",
    },
    "en": {
        "title": "BLUEZONE INSTALLATION: QUICK REPORT",
        "as_of": "Figures as of",
        "installs": "Installs",
        "population": "Population",
        "smartphones": "Smartphone subscribers",
        "rate": "Install rate",
        "national": "National rank",
        "up": "up {n}",
        "down": "down {n}",
        "same": "unchanged",
        "first": "first ranking",
        "district": "District",
        "commune": "Commune",
        "rank": "Rank",
        "change": "Change",
        "chart": "Install rate by {what} (%)",
        "none": "no figures yet",
    },
}


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


def _movement(change: int | None, t: dict[str, str]) -> str:
    if change is None:
        return t["first"]
    if change == 0:
        return t["same"]
    return (t["up"] if change > 0 else t["down"]).format(n=abs(change))


def _chart(report: QuickReport, t: dict[str, str]) -> bytes:
    rows = [r for r in report.below if r.rate_percent is not None][:25]
    figure = Figure(figsize=(7.5, 0.28 * max(len(rows), 4) + 0.8))
    axis = figure.subplots()
    axis.barh([r.name for r in rows][::-1], [r.rate_percent or 0 for r in rows][::-1], color="#0b5cad")
    what = t["district"] if report.below_level is Level.DISTRICT else t["commune"]
    axis.set_title(t["chart"].format(what=what.lower()), fontsize=10)
    axis.tick_params(labelsize=7)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return out.getvalue()


def render_pdf(report: QuickReport, language: str = "vi") -> bytes:
    if language not in TEXT:
        raise InvalidInput("language is vi or en", code="bad_language")
    if report.national is None:
        raise NotFound(f"no figures for province {report.province_code}", code="no_counts")
    t = TEXT[language]
    pdf = new_pdf(f"{t['title']}: {report.province_name}")
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 8, t["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(0, 8, report.province_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 6, f"{t['as_of']} {report.as_of}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    n = report.national
    rate = "–" if n.rate_percent is None else f"{n.rate_percent:.2f}%"
    rank = "–" if n.rank is None else f"{n.rank} ({_movement(n.rank_change, t)})"
    for label, value in (
        (t["installs"], f"{n.installs:,}".replace(",", ".")),
        (t[report.by], "–" if n.denominator is None else f"{n.denominator:,}".replace(",", ".")),
        (t["rate"], rate),
        (t["national"], rank),
    ):
        pdf.set_font(FAMILY, "", 11)
        pdf.cell(70, 7, label)
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    what = t["district"] if report.below_level is Level.DISTRICT else t["commune"]
    widths = (16, 78, 30, 30, 26)
    pdf.set_font(FAMILY, "B", 9)
    for width, head in zip(widths, (t["rank"], what, t["installs"], t["rate"], t["change"]), strict=True):
        pdf.cell(width, 7, head, border=1)
    pdf.ln()
    pdf.set_font(FAMILY, "", 9)
    if not report.below:
        pdf.cell(0, 7, t["none"], new_x="LMARGIN", new_y="NEXT")
    for row in report.below:
        cells = (
            "–" if row.rank is None else str(row.rank),
            row.name,
            f"{row.installs:,}".replace(",", "."),
            "–" if row.rate_percent is None else f"{row.rate_percent:.2f}%",
            "" if not row.rank_change else ("▲" if row.rank_change > 0 else "▼") + str(abs(row.rank_change)),
        )
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 6, cell, border=1)
        pdf.ln()
    if any(r.rate_percent is not None for r in report.below):
        pdf.ln(4)
        pdf.image(io.BytesIO(_chart(report, t)), w=180)
    return bytes(pdf.output())
