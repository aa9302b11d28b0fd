"""The published bands the report checks against: the figure taken from data is recomputed from it, and each
verdict is what its band says."""

from __future__ import annotations

import csv

import pytest

from bluezone.sim.validation import HORBY_LONG_CONTACTS_PER_DAY, Check, Verdict
from tests.conftest import TESTDATA

LONG = 3  # duration_multi: 1 < 5 min, 2 5–15 min, 3 15 min–1 h, 4 1–4 h, 5 > 4 h


def test_the_contact_band_is_the_viet_nam_diary_survey_s_own_figure() -> None:
    folder = TESTDATA / "contacts"
    with (folder / "horby2011_VNM_participants.csv").open() as participants:
        diaries = sum(1 for _ in csv.DictReader(participants))
    with (folder / "horby2011_VNM_contacts.csv").open() as contacts:
        long = sum(
            1
            for row in csv.DictReader(contacts)
            if row["duration_multi"] and int(row["duration_multi"]) >= LONG
        )
    assert diaries == 865 and long == 4934
    assert pytest.approx(long / diaries, abs=0.005) == HORBY_LONG_CONTACTS_PER_DAY


@pytest.mark.parametrize(
    ("value", "applies", "verdict"),
    [
        (2.5, True, Verdict.IN),
        (2.0, True, Verdict.IN),
        (3.4, True, Verdict.OUT),
        (None, True, Verdict.NOT_APPLICABLE),
        (2.5, False, Verdict.NOT_APPLICABLE),
    ],
)
def test_a_verdict_follows_its_band(value: float | None, applies: bool, verdict: Verdict) -> None:
    assert Check("r0", value, 2.0, 3.0, applies=applies).verdict is verdict
