"""Every parser that takes input from outside answers anything with a value or a BluezoneError naming the
problem, never another exception: count and report uploads (CSV, XLSX), scenario files, venue QR codes,
declaration forms. (Export files: tests/protocol/test_export.py; the HTTP API: tests/web.)"""

from __future__ import annotations

import contextlib
import io
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bluezone.campaign import imports, tables, units
from bluezone.declarations.forms import EntryDeclaration, VoluntaryDeclaration, parse
from bluezone.errors import BluezoneError
from bluezone.sim.scenario import load_scenario
from bluezone.venues import qr
from bluezone.web.pages.rendering import error_text

TODAY = date(2026, 3, 2)
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "01", "00004", "2026-03-01", "2020-08-15T10:00:00+07:00", "1.234", "-5", "1e99"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
SHEET_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)  # what a sheet can hold
COUNT_HEADERS = st.sampled_from(
    [
        "as_of,area_code,installs,smartphones",
        "as_of,area_code,installs,smartphones,active,population",
        "unit_id,as_of,staff,smartphone_holders,installed",
        "as_of,installs",
        "",
    ]
)


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=7), max_size=6))
    return draw(COUNT_HEADERS) + "\n" + "\n".join(",".join(row) for row in rows)


@settings(max_examples=300, deadline=None)
@given(st.one_of(csv_files(), st.text(max_size=300)))
def test_count_and_report_files_never_crash(text: str) -> None:
    with contextlib.suppress(BluezoneError):
        counted = imports.parse_counts(text)
        for _, problem in counted.errors:  # every problem can be said in both languages
            assert error_text(problem, "vi") and error_text(problem, "en")
    rows, errors = units.parse_reports(text, today=(TODAY - date(1970, 1, 1)).days)
    assert all(isinstance(line, int) and isinstance(problem, BluezoneError) for line, problem in errors)
    assert not (rows and errors) or errors  # a file with a bad line is refused whole by the caller


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.one_of(SHEET_TEXT, st.integers(), st.floats(), st.dates()), max_size=5), max_size=5)
)
def test_uploaded_workbooks_read_as_csv_or_are_refused(rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    for upload in (data.getvalue(), data.getvalue()[:200], b"PK\x03\x04" + bytes(50)):
        with contextlib.suppress(BluezoneError):
            imports.parse_counts(tables.as_csv_text(upload))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_scenario_files_load_or_say_what_is_wrong(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    directory = tmp_path_factory.mktemp("scenario")
    path = directory / "scenario.toml"
    for content in (text, f"[run]\n{text}\n[population]\n[epidemic]\n[response]\n"):
        path.write_text(content, encoding="utf-8")
        with contextlib.suppress(BluezoneError):
            load_scenario(path)


KEY = ec.generate_private_key(ec.SECP256R1())
VALID = qr.make_payload(qr.Venue("ABCDEFGHJKMN", "Chợ Đồng Xuân", "", "00004", "market", 60), KEY, "k1")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.text(max_size=200).map(lambda t: qr.PREFIX + t),
        st.integers(min_value=0, max_value=len(VALID) - 1).map(lambda i: VALID[:i] + "x" + VALID[i + 1 :]),
    )
)
def test_scanned_codes_are_venues_or_refused(payload: str) -> None:
    with contextlib.suppress(BluezoneError):
        qr.read_payload(payload, {"k1": KEY.public_key()})


FIELDS = [
    "full_name", "phone", "commune_code", "address", "symptoms", "exposure", "travel_provinces",
    "document_type", "document_number", "nationality", "departure_date", "arrival_date", "flight", "gate",
    "countries_visited", "fullName", "communeCode",
]  # fmt: skip
VALUES = st.one_of(
    CELLS,
    st.lists(CELLS, max_size=3),
    st.none(),
    st.integers(),
    st.booleans(),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), VALUES, max_size=12))
def test_declaration_forms_are_checked_or_refused(form: dict[str, object]) -> None:
    for model in (VoluntaryDeclaration, EntryDeclaration):
        with contextlib.suppress(BluezoneError):
            parse(model, form, today=TODAY)
