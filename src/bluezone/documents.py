"""Documents and pictures: printable PDFs (reports, posters) in a font with every Vietnamese letter (DejaVu
Sans, which matplotlib ships), and matplotlib figures as inline SVG."""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path

import matplotlib
from fpdf import FPDF
from matplotlib.figure import Figure

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
FONT_ITALIC = FONT.with_name("DejaVuSans-Oblique.ttf")
FONT_BOLD_ITALIC = FONT.with_name("DejaVuSans-BoldOblique.ttf")
FAMILY = "DejaVu"
matplotlib.rcParams["svg.hashsalt"] = "bluezone"  # the same figures give the same picture, byte for byte
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: readable by screen readers, searchable
matplotlib.rcParams["font.family"] = ["DejaVu Sans"]


def svg_of(figure: Figure, label: str = "") -> str:
    """The figure as an <svg> element to put inline in a page (nothing loaded from elsewhere): as wide as
    its place on the page at most, and named for screen readers when given a label."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    named = f' role="img" aria-label="{escape(label)}"' if label else ""
    return re.sub(
        r'<svg([^>]*?) width="([\d.]+)pt" height="[\d.]+pt"',
        rf'<svg\1 style="width:100%;max-width:\2pt;height:auto"{named}',
        svg,
        count=1,
    )


def new_pdf(title: str) -> FPDF:
    """An A4 document with its title set, the font loaded (regular, bold, italic) and a first page."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_font(FAMILY, "", str(FONT))
    pdf.add_font(FAMILY, "B", str(FONT_BOLD))
    pdf.add_font(FAMILY, "I", str(FONT_ITALIC))
    pdf.add_font(FAMILY, "BI", str(FONT_BOLD_ITALIC))
    pdf.add_page()
    return pdf
