"""Printable PDF documents (reports, posters) in a font with every Vietnamese letter: DejaVu Sans, which
matplotlib ships."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from fpdf import FPDF

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
FAMILY = "DejaVu"


def new_pdf(title: str) -> FPDF:
    """An A4 document with its title set, the font loaded (regular and bold) and a first page."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_font(FAMILY, "", str(FONT))
    pdf.add_font(FAMILY, "B", str(FONT_BOLD))
    pdf.add_page()
    return pdf
