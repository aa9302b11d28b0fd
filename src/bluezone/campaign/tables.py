"""Tables in and out: uploaded CSV or XLSX read as CSV text, and any table written as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from bluezone.errors import FormatError, InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
Cell = str | int | float | None
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


def read_upload(stream: BinaryIO) -> str:
    """An uploaded table (CSV or XLSX, at most MAX_UPLOAD_BYTES) as CSV text."""
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"the file is over {MAX_UPLOAD_BYTES // 2**20} MiB", code="too_large")
    return as_csv_text(data)


def as_csv_text(data: bytes) -> str:
    """The uploaded file as CSV text: an XLSX's first sheet, or UTF-8 CSV as it is."""
    if data.startswith(XLSX_MAGIC):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FormatError(f"not a readable XLSX workbook: {error}", code="bad_xlsx") from None
        out = io.StringIO()
        writer = csv.writer(out)
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else _cell_text(v) for v in row])
        return out.getvalue()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("the file is neither UTF-8 CSV nor XLSX", code="bad_encoding") from None


def _cell_text(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()  # dates and times as ISO-8601, as the CSV columns expect
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: Cell) -> Cell:
    """Text a spreadsheet would run as a formula (a unit named `=HYPERLINK(…)`) gets a leading apostrophe,
    as OWASP advises for CSV injection; numbers stay numbers."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_inert(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes spreadsheet programs read UTF-8


def to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([_inert(cell) for cell in row])
    for index, column in enumerate(sheet.columns, start=1):
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 48)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
