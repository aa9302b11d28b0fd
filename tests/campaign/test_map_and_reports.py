"""The map's outlines and the printable quick report."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from importlib import resources

import pytest
from pypdf import PdfReader

from bluezone.campaign import geo, imports, quick_report
from bluezone.errors import InvalidInput, NotFound
from bluezone.geography.areas import Level, Structure, census_2019, registry
from tests.conftest import TESTDATA, Authority

COUNTS = (
    "as_of,area_code,installs,smartphones\n"
    "2020-08-10,01,2000000,6000000\n2020-08-10,79,2100000,8000000\n"
    "2020-08-20,001,120000,200000\n2020-08-20,002,90000,160000\n2020-08-20,79,2500000,8000000\n"
)


def test_the_bundled_outlines_are_the_reference_files_and_cover_every_province() -> None:
    bundled = resources.files("bluezone.campaign") / "data" / "vn_adm1_63_geoboundaries_simplified.geojson"
    assert json.loads(bundled.read_text("utf-8")) == json.loads(
        (TESTDATA / "vn_adm1_63_geoboundaries_simplified.geojson").read_text("utf-8")
    )
    shapes = geo.provinces_63()
    assert set(shapes) == set(census_2019())  # 64 features, 63 provinces: Côn Đảo joined VN-43
    assert len(shapes["77"]) >= 2  # Bà Rịa–Vũng Tàu with Côn Đảo


def test_old_provinces_map_onto_the_34_new_ones() -> None:
    mapping = geo.old_to_new()
    assert len(mapping) == 63
    assert set(mapping.values()) == {a.code for a in registry(Structure.NEW).at_level(Level.PROVINCE)}
    assert mapping["77"] == mapping["74"] == mapping["79"] == "79"  # Bà Rịa–Vũng Tàu, Bình Dương → TP HCM
    assert mapping["49"] == "48"  # Quảng Nam → Đà Nẵng
    assert mapping["01"] == "01"


def test_the_map_colours_and_links_each_province() -> None:
    svg = geo.svg_map({"01": 55.0}, {"01": "Hà Nội"}, Structure.OLD)
    assert svg.count("<path") == 63 + 2 and 'href="/campaign/area/01"' in svg  # and the two archipelagos
    assert f'fill="{geo.colour(55.0)}"' in svg and "Hà Nội: 55.0%" in svg
    merged = geo.svg_map({"79": 12.0}, {"79": "TP HCM"}, Structure.NEW)
    assert merged.count('data-code="79"') == 3  # three old provinces drawn as the new one
    assert (
        geo.colour(None) == geo.NO_DATA
        and geo.colour(0) == geo.COLOURS[0]
        and geo.colour(99) == geo.COLOURS[-1]
    )


@pytest.mark.parametrize("structure", list(Structure))
def test_the_map_shows_hoang_sa_and_truong_sa_with_their_provinces(structure: Structure) -> None:
    da_nang, khanh_hoa = "48", "56"  # the same codes in both structures
    names = {a.code: a.name for a in registry(structure).at_level(Level.PROVINCE)}
    svg = geo.svg_map({da_nang: 31.0, khanh_hoa: 52.0}, names, structure, lang="vi")
    islands = re.findall(
        r'<g class="archipelago"><a href="/campaign/area/(\d+)"[^>]*><path d="([^"]+)" fill="([^"]+)"', svg
    )
    assert [(code, fill) for code, _, fill in islands] == [
        (da_nang, geo.colour(31.0)),
        (khanh_hoa, geo.colour(52.0)),
    ]
    assert all(path.count("M") >= 5 for _, path, _ in islands)  # every island drawn, not a marker
    assert "Quần đảo Hoàng Sa" in svg and "Quần đảo Trường Sa" in svg
    assert f"({names[da_nang]})" in svg and f"({names[khanh_hoa]})" in svg
    english = geo.svg_map({}, names, structure, lang="en")
    assert "Hoang Sa archipelago" in english and "Truong Sa archipelago" in english
    # Both archipelagos lie inside the drawing, east of the mainland.
    width = float(re.search(r'viewBox="\S+ \S+ (\S+)', svg)[1])  # type: ignore[index]
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert len(xs) == 2 and all(300 < x < width for x in xs)


def test_the_quick_report_has_rank_movement_and_districts(authority: Authority) -> None:
    with authority.services.db.session() as session:
        imports.store_counts(session, imports.parse_counts(COUNTS).rows)
        report = quick_report.gather(session, "01")
        assert report.national is not None
        assert (report.national.rank, report.national.rank_change) == (2, -1)
        assert [row.area_code for row in report.below] == ["001", "002"]
        day = date(2026, 12, 6)
        pdf = quick_report.render_pdf(report, "vi", issued_on=day)
        english = quick_report.render_pdf(report, "en", issued_on=day)
        assert pdf.startswith(b"%PDF-") and english.startswith(b"%PDF-") and pdf != english
        # Laid out as an administrative document: issuing body, number, national motto, place and date.
        words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        for expected in (
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
            "SỞ Y TẾ",
            "Số:",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Nội, ngày 06 tháng 12 năm 2026",
            "BÁO CÁO NHANH",
            "Nơi nhận:",
            "GIÁM ĐỐC",
        ):
            assert expected in words, expected
        assert ("Quận Ba Đình" in words and "tăng" in words) or "giảm" in words
        pictures = sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
        assert pictures == 1  # the chart of the districts' rates
        english_words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(english)).pages)
        assert (
            "SOCIALIST REPUBLIC OF VIET NAM" in english_words and "Hà Nội, 6 December 2026" in english_words
        )
        with pytest.raises(InvalidInput):
            quick_report.gather(session, "001")  # a district, not a province
        with pytest.raises(InvalidInput):
            quick_report.render_pdf(report, "fr", issued_on=date(2026, 12, 6))
        empty = quick_report.gather(session, "48")
        with pytest.raises(NotFound):
            quick_report.render_pdf(empty, "vi", issued_on=date(2026, 12, 6))
