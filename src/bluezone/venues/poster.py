"""The poster a venue prints: its name and address, the signed QR code, and how to check in (vi/en), as PDF
(A4, to print) or PNG (to show on a screen)."""

from __future__ import annotations

import io

import segno

from bluezone.documents import FAMILY, new_pdf
from bluezone.venues import qr

CALL = {
    "vi": "Quét mã bằng ứng dụng Bluezone khi đến và khi rời đi. Nếu có ca bệnh ở đây cùng lúc với bạn, "
    "điện thoại sẽ báo cho bạn; không ai khác biết bạn đã đến.",
    "en": "Scan with the Bluezone app when you arrive and when you leave. If a confirmed case was here at "
    "the same time, your phone will tell you; nobody else learns that you came.",
}
TITLE = {"vi": "KHAI BÁO ĐIỂM ĐẾN", "en": "CHECK IN HERE"}


def qr_png(payload: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def poster_pdf(venue: qr.Venue, payload: str, language: str = "vi") -> bytes:
    pdf = new_pdf(f"Bluezone: {venue.name}")
    pdf.set_font(FAMILY, "B", 26)
    pdf.multi_cell(0, 14, TITLE[language], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 18)
    pdf.multi_cell(0, 10, venue.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 12)
    pdf.multi_cell(0, 7, venue.address, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.image(io.BytesIO(qr_png(payload)), x=45, w=120)
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 13)
    pdf.multi_cell(0, 7, CALL[language], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(0, 6, f"Bluezone · {venue.venue_id}", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
