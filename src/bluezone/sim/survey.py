"""Viet Nam's contact diaries (Horby et al. 2011): how many people of each age met a day, where, and for how
long. The package ships their summary, `data/horby2011_vnm_contacts.csv` (CC BY 4.0: Horby P, Thai PQ, Hens N
et al., PLoS ONE 6(2): e16965; data set doi:10.5281/zenodo.3874802); `summarise_horby` makes it from the
survey's records, and a test checks that the two agree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bluezone.errors import InvalidInput

SHIPPED = "horby2011_vnm_contacts.csv"
# The survey's own age bands (years, inclusive).
BANDS = ((0, 5), (6, 15), (16, 25), (26, 34), (35, 49), (50, 64), (65, 200))
BAND_LABELS = ("0-5", "6-15", "16-25", "26-34", "35-49", "50-64", "65+")
LONG_DURATIONS = {"3", "4", "5"}  # 15 min–1 h, 1–4 h, over 4 h


class Place(StrEnum):
    """Where a diary's contact happened."""

    HOME = "home"
    SCHOOL = "school"
    WORK = "work"
    TRANSPORT = "transport"
    LEISURE = "leisure"
    OTHER = "otherplace"


PLACES = list(Place)
COMMUNITY = (Place.TRANSPORT, Place.LEISURE, Place.OTHER)  # the town's buses, cafés and markets


@dataclass(frozen=True)
class Diaries:
    """Mean contacts a person has a day, by age band (rows, `BAND_LABELS`) and place (columns, `PLACES`):
    of 15 minutes or more (`long`), and of any length (`any`); `people` per band; `weekdays` the share of
    diaries kept on each day, Monday first."""

    people: npt.NDArray[np.int64]
    long: npt.NDArray[np.float64]
    any: npt.NDArray[np.float64]
    weekdays: npt.NDArray[np.float64]

    def standardised(
        self, age_shares: npt.NDArray[np.float64], which: str = "long"
    ) -> npt.NDArray[np.float64]:
        """Per place, the mean over a population with these shares in each band."""
        return np.asarray(age_shares @ getattr(self, which), np.float64)


def band_of(age: npt.ArrayLike) -> npt.NDArray[np.intp]:
    return np.searchsorted([low for low, _ in BANDS[1:]], np.asarray(age), side="right").astype(np.intp)


def summarise_horby(folder: Path) -> Diaries:
    """The diaries' means from the survey's participant and contact records (unweighted, as recorded)."""
    try:
        with (folder / "horby2011_VNM_participants.csv").open(encoding="utf-8") as f:
            participants = list(csv.DictReader(f))
        with (folder / "horby2011_VNM_contacts.csv").open(encoding="utf-8") as f:
            contacts = list(csv.DictReader(f))
    except OSError as error:
        raise InvalidInput(f"cannot read the Horby survey in {folder}: {error}", code="unreadable") from None
    band = {p["part_id"]: int(band_of(float(p["part_age"]))) for p in participants}
    people = np.bincount(list(band.values()), minlength=len(BANDS))
    long, every = np.zeros((len(BANDS), len(PLACES))), np.zeros((len(BANDS), len(PLACES)))
    for contact in contacts:
        row = band[contact["part_id"]]
        for column, place in enumerate(PLACES):
            if contact[f"cnt_{place}"] == "TRUE":  # a contact at two places counts at both, as in the paper
                every[row, column] += 1
                long[row, column] += contact["duration_multi"] in LONG_DURATIONS
    days = [int(p["dayofweek"]) for p in participants if p["dayofweek"]]
    sunday_first = np.bincount(days, minlength=7).astype(np.float64)
    return Diaries(
        people,
        long / people[:, None],
        every / people[:, None],
        np.roll(sunday_first / sunday_first.sum(), -1),
    )


def diaries_csv(diaries: Diaries) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["age_band", "participants", *(f"{p}_15min" for p in PLACES), *(f"{p}_any" for p in PLACES)]
    )
    for label, n, long, every in zip(BAND_LABELS, diaries.people, diaries.long, diaries.any, strict=True):
        writer.writerow([label, n, *(f"{v:.4f}" for v in long), *(f"{v:.4f}" for v in every)])
    writer.writerow(["weekday_shares_monday_first", "", *(f"{v:.4f}" for v in diaries.weekdays)])
    return out.getvalue()


@cache
def shipped() -> Diaries:
    text = resources.files("bluezone.sim").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    bands, weekdays = rows[:-1], rows[-1]
    n = len(PLACES)
    table = np.array([[float(v) for v in row[2:]] for row in bands])
    return Diaries(
        np.array([int(row[1]) for row in bands]),
        table[:, :n],
        table[:, n:],
        np.array([float(v) for v in weekdays[2:9]]),
    )
