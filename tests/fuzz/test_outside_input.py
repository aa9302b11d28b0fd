"""Every parser that takes input from outside answers anything with a value or a BluezoneError naming the
problem, never another exception: count and report uploads (CSV, XLSX), scenario files, venue QR codes,
declaration forms, labs' result tables, case lists for codes, sample ids, signed texts, the signed
configuration and levels.
(Export files: tests/protocol/test_export.py; the HTTP API: tests/web.)"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, date, datetime

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


# ------------------------------------------------------------------ lab results, texts, signed documents

LAB_HEADERS = st.sampled_from(
    ["sample_id,result,sample_date", "result,sample_id", "sample_date,sample_id,result,x", ""]
)
LAB_CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["positive", "Dương tính", "âm tính", "invalid", "2026-03-01", "2020-01-01", "0000-0000-0000-0000"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(LAB_HEADERS, st.lists(st.lists(LAB_CELLS, max_size=4), max_size=5))
def test_lab_result_tables_are_checked_or_refused(header: str, rows: list[list[str]]) -> None:
    from bluezone.authority.labs import parse_results_table

    text = header + "\n" + "\n".join(",".join(r) for r in rows)
    now = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp())
    with contextlib.suppress(BluezoneError):
        report = parse_results_table(text, now)
        for _, problem in report.errors:
            assert error_text(problem, "vi") and error_text(problem, "en")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=40), st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ-ilo ", max_size=24))
)
def test_sample_ids_and_test_form_codes_are_read_or_refused(text: str) -> None:
    from bluezone.protocol.samples import normalise_sample_id, sample_id_from_qr

    for read in (normalise_sample_id, sample_id_from_qr):
        with contextlib.suppress(BluezoneError):
            assert len(read(text)) == 16


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_texts_verify_or_are_refused(text: str) -> None:
    from bluezone.protocol.sms import verify_text

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    for body in (text, text + "\nBZ-SIG:20260302:abc:" + "A" * 86):
        with contextlib.suppress(BluezoneError):
            verify_text(body, "0912345678", {"abc": key}, date(2026, 3, 2))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.integers() | st.text(max_size=5),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=4),
            max_leaves=10,
        ).map(lambda v: json.dumps({"config": v, "levels": v, "keyId": "k", "signature": "A" * 88}).encode()),
    )
)
def test_signed_documents_are_read_or_refused(data: bytes) -> None:
    from bluezone.protocol.app_config import read_config
    from bluezone.protocol.area_levels import read_levels

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    for read in (read_config, read_levels):
        with contextlib.suppress(BluezoneError):
            read(data, {"k": key})


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["phone,test_type,symptom_date,test_date", "phone", "test_type,phone,x", "", "phone,phone"]
    ),
    st.lists(
        st.lists(st.one_of(LAB_CELLS, st.sampled_from(["0912345678", "likely", '"a,b"'])), max_size=6),
        max_size=5,
    ),
)
def test_case_lists_for_codes_are_read_or_refused(header: str, rows: list[list[str]]) -> None:
    from bluezone.authority.codes import parse_code_table

    with contextlib.suppress(BluezoneError):
        for request in parse_code_table(header + "\n" + "\n".join(",".join(r) for r in rows)):
            assert request.test_type
