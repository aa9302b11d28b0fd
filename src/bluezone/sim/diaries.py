"""Contact diaries: how many close contacts each person in the simulated town has a day, by place and age,
beside what Viet Nam's contact diaries record (Horby et al. 2011), and the typical distances that make the
two agree.

The diaries (865 people in northern Viet Nam, one day each) count contacts of a conversation or a touch; the
town counts people within 2 m for 15 minutes or more. A diary contact of 15 minutes or more is taken as a
close contact: conversation is held within about 1.2 m (Hall's "personal distance", The Hidden Dimension,
1966) and the touches are closer still.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.errors import InvalidInput
from bluezone.sim.contacts import STEP_SECONDS, Draw, Setting, day_encounters, expand
from bluezone.sim.population import Population
from bluezone.sim.survey import BANDS, PLACES, Diaries, Place, band_of

CLOSE_M = 2.0
CLOSE_STEPS = 15 * 60 // STEP_SECONDS  # 15 minutes
PLACE_OF = {
    Setting.HOME: Place.HOME,
    Setting.HOME_NIGHT: Place.HOME,
    Setting.SCHOOL: Place.SCHOOL,
    Setting.WORK: Place.WORK,
    Setting.BUS: Place.TRANSPORT,
    Setting.CAFE: Place.LEISURE,
    Setting.MARKET: Place.OTHER,
}
# Where the typical distance is fitted to the diaries (home is not: the town has no visitors, so its
# household members are all the close contacts it can give at home).
FITTED = {Setting.SCHOOL, Setting.WORK, Setting.BUS, Setting.CAFE, Setting.MARKET}
_PLACE_INDEX = np.array([PLACES.index(PLACE_OF[s]) for s in Setting])


@dataclass(frozen=True)
class TownDiaries:
    """The town's own diaries over one week, weighted by the survey's days: close contacts a person has a
    day by band and place, and each fitted setting's distances."""

    diaries: Diaries
    # Per setting: every (pair, day)'s third-nearest 5-minute distance (the pair is close when it is 2 m or
    # less) with the pair-day's weight in contacts per person-day.
    third_nearest: dict[Setting, tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]]
    age_shares: npt.NDArray[np.float64]


def keep_town_diaries(
    population: Population,
    *,
    seed: int,
    weekdays: npt.NDArray[np.float64],
    progress: Callable[[int, int], None] | None = None,
) -> TownDiaries:
    """Everyone's close contacts (≤ 2 m for ≥ 15 minutes at one place) on each day of a week, Monday first,
    weighted as the survey's diaries fall on the days of the week."""
    n = len(population)
    band = band_of(population.age)
    people = np.bincount(band, minlength=len(BANDS))
    long = np.zeros((len(BANDS), len(PLACES)))
    met = np.zeros((len(BANDS), len(PLACES)))
    distances: dict[Setting, list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]]] = {
        s: [] for s in FITTED
    }
    nobody = np.zeros(n, bool)
    for weekday, weight in enumerate(weekdays):
        encounters = day_encounters(
            population, weekday=weekday, away=nobody, home_only=nobody, seed=seed, day=weekday
        )
        steps = expand(encounters, Draw(seed, weekday))
        place = _PLACE_INDEX[encounters.setting[steps.encounter]]
        a = encounters.a[steps.encounter].astype(np.int64)
        b = encounters.b[steps.encounter].astype(np.int64)
        key = (a * n + b) * len(PLACES) + place
        order = np.lexsort((steps.distance_m, key))
        key, distance = key[order], steps.distance_m[order]
        first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        length = np.diff(np.append(first, len(key)))
        enough = first[length >= CLOSE_STEPS]
        third = distance[enough + CLOSE_STEPS - 1]
        pair, where = key[enough] // len(PLACES), key[enough] % len(PLACES)
        close = third <= CLOSE_M
        for side in (pair // n, pair % n):
            np.add.at(long, (band[side[close]], where[close]), weight)
            np.add.at(met, (band[side], where), weight)
        setting_of = encounters.setting[steps.encounter[order[enough]]]
        for setting in FITTED:
            mine = setting_of == setting
            # Each close pair is a contact of both its people: 2 per person-day of the town.
            distances[setting].append((third[mine], np.full(int(mine.sum()), 2 * weight / n)))
        if progress:
            progress(weekday + 1, len(weekdays))
    per_person = np.maximum(people, 1)[:, None]
    diaries = Diaries(people, long / per_person, met / per_person, weekdays)
    return TownDiaries(
        diaries,
        {
            s: (np.concatenate([d for d, _ in v]), np.concatenate([w for _, w in v]))
            for s, v in distances.items()
        },
        people / n,
    )


def fitted_medians(town: TownDiaries, survey: Diaries, medians: dict[Setting, float]) -> dict[Setting, float]:
    """Each fitted setting's median distance rescaled so that its close contacts a person has a day (the
    survey's, standardised to the town's ages) come out as in the diaries. Scaling every distance of a
    setting by k makes a pair close when its third-nearest distance is 2/k m or less: k is read off the
    sorted third-nearest distances, without rerunning the town."""
    wanted = survey.standardised(town.age_shares)
    fitted = {}
    for setting in FITTED:
        third, weight = town.third_nearest[setting]
        target = wanted[PLACES.index(PLACE_OF[setting])]
        order = np.argsort(third)
        reached = np.cumsum(weight[order])
        at = int(np.searchsorted(reached, target))
        if at >= len(order):
            raise InvalidInput(
                f"the town gives too few {setting.name.lower()} contacts to reach the diaries' {target:.2f}",
                code="bad_fit",
            )
        fitted[setting] = medians[setting] * CLOSE_M / float(third[order[at]])
    return fitted
