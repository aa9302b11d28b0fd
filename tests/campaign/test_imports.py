"""Count imports and rankings from stored counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from bluezone.campaign import imports, service
from bluezone.errors import InvalidInput, NotFound
from bluezone.geography.areas import Level, Structure, census_2019, registry
from bluezone.texts import text
from tests.conftest import TESTDATA, Authority

HEADER = "as_of,area_code,installs,smartphones,active\n"


def _import(a: Authority, text: str) -> int:
    report = imports.parse_counts(text)
    assert report.errors == []
    with a.services.db.session() as session:
        return imports.store_counts(session, report.rows)


def test_the_registry_matches_the_shipped_census() -> None:
    old, new = registry(Structure.OLD), registry(Structure.NEW)
    assert len(old.at_level(Level.PROVINCE)) == 63 and len(new.at_level(Level.PROVINCE)) == 34
    assert len(old.at_level(Level.DISTRICT)) > 690 and len(old.at_level(Level.COMMUNE)) > 10_000
    assert set(census_2019()) == {a.code for a in old.at_level(Level.PROVINCE)}
    shared = (TESTDATA / "vn_provinces_63_2020.csv").read_text().splitlines()
    assert len(shared) == 64 and sum(census_2019().values()) == 96_211_684


def test_bad_rows_are_reported_by_line_and_nothing_is_kept() -> None:
    report = imports.parse_counts(
        HEADER + "2020-08-15,01,10,5,\n2020-08-15,999,1,,\n2020-08-15,02,5,,9\n"
        "2020-08-15,04,x,,\n2020-08-15,06\n2020-08-16,08,1,2,1\n2020-08-16,08,1,2,1\n"
    )
    assert [(line, error.message) for line, error in report.errors] == [
        (2, "installs exceed smartphone subscribers"),
        (3, "no area 999 in the 2008 structure"),
        (4, "active phones exceed installs"),
        (5, "installs 'x' is not a whole number"),
        (6, "the row has fewer fields than the header"),
        (8, "the same area and time as line 7"),
    ]
    assert imports.parse_counts("time,code,n\n1,2,3\n").errors[0][0] == 1
    # Each problem has its code and values, for the import page to say it in the reader's language.
    codes = [(error.code, error.values) for _, error in report.errors]
    assert codes[1] == ("unknown_area", {"code": "999"}) and codes[5] == ("repeated_row", {"line": 7})
    said = [text(f"error.{code}", "vi", **values) for code, values in codes]
    assert said[0] == "Số lượt cài đặt lớn hơn số thuê bao điện thoại thông minh."
    assert said[3] == "Cột installs có giá trị 'x' không phải số nguyên."


def test_dates_pick_the_structure_in_force() -> None:
    rows = imports.parse_counts(
        HEADER + "2025-06-30T23:00:00,01,1,,\n2025-07-01,01,2,,\n2025-07-01,00004,3,,\n"
    ).rows
    assert [(r.structure, r.level) for r in rows] == [
        (Structure.OLD, Level.PROVINCE),
        (Structure.NEW, Level.PROVINCE),
        (Structure.NEW, Level.COMMUNE),
    ]
    assert imports.parse_counts(HEADER + "2025-07-01,001,1,,\n").errors  # no districts any more


def test_rankings_move_and_reimports_replace(authority: Authority) -> None:
    _import(
        authority,
        HEADER + "2020-08-15T17:00,01,1200000,5000000,\n2020-08-15T17:00,79,900000,6000000,\n"
        "2020-08-15T17:00,48,600000,800000,\n",
    )
    _import(
        authority,
        HEADER + "2020-08-22T17:00,01,1500000,5000000,\n2020-08-22T17:00,79,2500000,6000000,\n"
        "2020-08-22T17:00,48,700000,800000,\n",
    )
    with authority.services.db.session() as session:
        _, rows = service.ranking(session, as_of=None)
        first, earlier = service.ranking(session, as_of=imports.parse_time("2020-08-20"))
    assert [(r.area_code, r.rank, r.rank_change) for r in rows] == [("48", 1, 0), ("79", 2, 1), ("01", 3, -1)]
    assert rows[1].rate_percent == pytest.approx(100 * 2_500_000 / census_2019()["79"])
    assert [r.rank_change for r in earlier] == [None, None, None] and first == imports.parse_time(
        "2020-08-15T17:00"
    )
    assert _import(authority, HEADER + "2020-08-22T17:00,01,4000000,5000000,\n") == 1
    with authority.services.db.session() as session:
        _, rows = service.ranking(session, as_of=None, by="smartphones")
    assert [(r.area_code, r.rank) for r in rows] == [("48", 1), ("01", 2), ("79", 3)]


def test_communes_roll_up_to_their_district_and_province(authority: Authority) -> None:
    old = registry(Structure.OLD)
    communes = old.at_level(Level.COMMUNE, "001")[:3]  # three communes of Ba Đình, Hà Nội
    _import(
        authority,
        HEADER
        + "".join(f"2020-08-15,{c.code},{n},{2 * n},\n" for c, n in zip(communes, (10, 20, 30), strict=True)),
    )
    with authority.services.db.session() as session:
        _, districts = service.ranking(session, as_of=None, level="district", parent="01", by="smartphones")
        _, provinces = service.ranking(session, as_of=None)
    assert [(r.area_code, r.installs, r.denominator, r.rate_percent) for r in districts] == [
        ("001", 60, 120, 50.0)
    ]
    assert [(r.area_code, r.installs) for r in provinces] == [("01", 60)]


def test_bad_ranking_requests(authority: Authority) -> None:
    with authority.services.db.session() as session, pytest.raises(NotFound):
        service.ranking(session, as_of=None)
    _import(authority, HEADER + "2020-08-15,01,10,20,\n")
    with authority.services.db.session() as session:
        with pytest.raises(InvalidInput):
            service.ranking(session, as_of=None, level="country")
        with pytest.raises(InvalidInput):
            service.ranking(session, as_of=None, parent="99999")


RANKING_FIELDS = {"rank", "areaCode", "name", "installs", "denominator", "ratePercent", "rankChange"}


def test_ranking_over_http_and_the_command_line(
    server: object, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from tests.cli.test_cli import run
    from tests.conftest import RunningServer

    assert isinstance(server, RunningServer) and isinstance(tmp_path, Path)
    with server.services.db.session() as session:
        imports.store_counts(
            session, imports.parse_counts(HEADER + "2020-08-15,01,10,20,\n2020-08-15,79,5,20,\n").rows
        )
    with server.client() as http:
        body = http.get("/api/campaign/ranking", params={"by": "smartphones"}).json()
        bad = http.get("/api/campaign/ranking", params={"level": "country"})
    assert [set(row) for row in body] == [RANKING_FIELDS] * 2 and body[0]["areaCode"] == "01"
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_ranking")
    csv = tmp_path / "counts.csv"
    csv.write_text(HEADER + "2020-08-15,48,7,10,\n")
    data = str(tmp_path / "cli-data")
    assert run(capsys, "campaign", "import-counts", str(csv), "--data-dir", data)[0] == 0
    code, out, _ = run(capsys, "campaign", "ranking", "--by", "smartphones", "--json", "--data-dir", data)
    assert code == 0 and json.loads(out)[0]["rate_percent"] == 70.0


def test_imported_population_and_the_2025_view_of_old_figures(authority: Authority) -> None:
    header = "as_of,area_code,installs,smartphones,population\n"
    _import(authority, header + "2020-08-15,001,50,100,1000\n2020-08-15,79,30,60,\n2020-08-15,74,10,20,\n"
            "2020-08-15,77,5,10,\n2020-08-15,48,40,,\n")  # fmt: skip
    with authority.services.db.session() as session:
        _, districts = service.ranking(session, as_of=None, level="district", parent="01")
        assert [(r.area_code, r.denominator, r.rate_percent) for r in districts] == [("001", 1000, 5.0)]
        _, old = service.ranking(session, as_of=None, by="smartphones")
        _, new = service.ranking(session, as_of=None, by="smartphones", structure="2025")
        _, new_population = service.ranking(session, as_of=None, structure="2025")
        with pytest.raises(InvalidInput):
            service.ranking(session, as_of=None, level="commune", structure="2025")
        with pytest.raises(InvalidInput):
            service.ranking(session, as_of=None, structure="1975")
    assert {r.area_code for r in old} == {"01", "79", "74", "77", "48"}
    by_code = {r.area_code: r for r in new}
    # Bình Dương (74) and Bà Rịa–Vũng Tàu (77) are part of Hồ Chí Minh City (79) in the 2025 structure.
    assert (by_code["79"].installs, by_code["79"].denominator) == (45, 90)
    assert by_code["48"].denominator is None  # Đà Nẵng sent no smartphone figure
    census = census_2019()
    population = {r.area_code: r.denominator for r in new_population}
    assert population["79"] == census["79"] + census["74"] + census["77"]
    assert population["48"] == census["48"]  # Quảng Nam (49) sent nothing, so it adds nothing


def test_top_and_bottom_of_a_ranking_over_http(server: object) -> None:
    from tests.conftest import RunningServer

    assert isinstance(server, RunningServer)
    rows = "".join(
        f"2020-08-15,{code},{n},100,\n" for n, code in enumerate(["01", "79", "48", "31", "92"], 1)
    )
    with server.services.db.session() as session:
        imports.store_counts(session, imports.parse_counts(HEADER + rows).rows)
    with server.client() as http:
        ends = http.get("/api/campaign/ranking", params={"by": "smartphones", "top": 2, "bottom": 1}).json()
    assert [r["areaCode"] for r in ends] == ["92", "31", "01"]
