"""Rankings, rates and movements on hand-computed cases."""

from __future__ import annotations

from bluezone.campaign.ranking import Entry, rank


def test_rates_ties_and_areas_without_a_denominator() -> None:
    rows = rank(
        [
            Entry("01", "A", 50, 100),
            Entry("02", "B", 30, 100),
            Entry("03", "C", 60, 200),
            Entry("04", "D", 10, 10),
            Entry("05", "E", 7, None),
        ]
    )
    assert [(r.area_code, r.rank, r.rate_percent) for r in rows] == [
        ("04", 1, 100.0),
        ("01", 2, 50.0),
        ("02", 3, 30.0),
        ("03", 3, 30.0),
        ("05", None, None),
    ]
    assert all(r.rank_change is None for r in rows)  # no previous snapshot


def test_movement_against_the_previous_snapshot() -> None:
    previous = {"01": 3, "02": 1, "03": 2}
    rows = rank(
        [
            Entry("01", "A", 90, 100),
            Entry("02", "B", 10, 100),
            Entry("03", "C", 50, 100),
            Entry("04", "D", 40, 100),
        ],
        previous,
    )
    assert {r.area_code: r.rank_change for r in rows} == {"01": 2, "03": 0, "04": None, "02": -3}
