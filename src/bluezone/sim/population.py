"""A synthetic Vietnamese town: people with ages in households, pupils in classes, workers in teams,
smartphones by age, and who runs the app.

Figures: age structure of the 2019 census (rounded to 10-year bands), households of 3.5 people on average,
smartphone ownership by age as OpenABM uses it (shared/reference/simulation.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.errors import InvalidInput
from bluezone.sim.devices import Handsets, hand_out
from bluezone.sim.scenario import PopulationSettings

AGE_BANDS = np.array([0.16, 0.14, 0.16, 0.16, 0.14, 0.11, 0.08, 0.035, 0.015])  # 0–9 … 80+
SMARTPHONE_BY_BAND = np.array([0.09, 0.80, 0.97, 0.96, 0.94, 0.86, 0.70, 0.48, 0.32])
HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5, 6])
HOUSEHOLD_SHARES = np.array([0.10, 0.18, 0.22, 0.27, 0.14, 0.09])
CLASS_SIZE = 35
EMPLOYED_BY_BAND = np.array([0.0, 0.15, 0.80, 0.88, 0.88, 0.78, 0.35, 0.08, 0.0])
TEAM_MEDIAN, TEAM_SIGMA, TEAM_MAX = 6.0, 0.5, 20
NO_GROUP = -1

I32 = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Population:
    age: npt.NDArray[np.int16]
    household: I32
    school_class: I32  # −1 when not at school
    team: I32  # workplace team, −1 when not working
    handsets: Handsets
    has_app: Bools

    def __len__(self) -> int:
        return len(self.age)

    @property
    def has_phone(self) -> Bools:
        return self.handsets.model >= 0

    @property
    def app_users(self) -> npt.NDArray[np.intp]:
        return np.flatnonzero(self.has_app)


def build_population(settings: PopulationSettings, rng: np.random.Generator) -> Population:
    n = settings.people
    household = _households(n, rng)
    age = _ages(household, rng)
    band = np.minimum(age // 10, len(AGE_BANDS) - 1)
    has_phone = rng.random(n) < SMARTPHONE_BY_BAND[band]
    handsets = hand_out(has_phone, rng)
    return Population(
        age=age,
        household=household,
        school_class=_classes(age, rng),
        team=_teams(band, rng),
        handsets=handsets,
        has_app=_adopters(has_phone, household, settings, rng),
    )


def _households(n: int, rng: np.random.Generator) -> I32:
    sizes = rng.choice(HOUSEHOLD_SIZES, size=n, p=HOUSEHOLD_SHARES / HOUSEHOLD_SHARES.sum())
    ends = np.cumsum(sizes)
    sizes = sizes[: np.searchsorted(ends, n) + 1]
    return np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)[:n]


def _ages(household: I32, rng: np.random.Generator) -> npt.NDArray[np.int16]:
    """Each household is headed by an adult (20–69); everyone else follows the census age bands."""
    n = len(household)
    band = rng.choice(len(AGE_BANDS), size=n, p=AGE_BANDS / AGE_BANDS.sum())
    head = np.r_[True, household[1:] != household[:-1]]
    band[head] = rng.integers(2, 7, size=int(head.sum()))
    return (band * 10 + rng.integers(0, 10, size=n)).astype(np.int16)


def _classes(age: npt.NDArray[np.int16], rng: np.random.Generator) -> I32:
    """Pupils aged 6–17 in classes of about 35, by year of age."""
    school_class = np.full(len(age), NO_GROUP, dtype=np.int32)
    next_id = 0
    for year in range(6, 18):
        pupils = rng.permutation(np.flatnonzero(age == year))
        classes = max(1, round(len(pupils) / CLASS_SIZE))
        school_class[pupils] = next_id + np.arange(len(pupils)) % classes
        next_id += classes
    return school_class


def _teams(band: npt.NDArray[np.int64], rng: np.random.Generator) -> I32:
    """Workers in teams sharing a room (log-normal sizes, median 6, at most 20)."""
    workers = rng.permutation(np.flatnonzero(rng.random(len(band)) < EMPLOYED_BY_BAND[band]))
    team = np.full(len(band), NO_GROUP, dtype=np.int32)
    sizes = np.clip(np.round(rng.lognormal(np.log(TEAM_MEDIAN), TEAM_SIGMA, len(workers))), 2, TEAM_MAX)
    ends = np.cumsum(sizes.astype(np.int64))
    count = int(np.searchsorted(ends, len(workers))) + 1
    team[workers] = np.repeat(np.arange(count, dtype=np.int32), sizes[:count].astype(np.int64))[
        : len(workers)
    ]
    return team


def _adopters(
    has_phone: Bools, household: I32, settings: PopulationSettings, rng: np.random.Generator
) -> Bools:
    """Adoption is a share of everyone, drawn from smartphone owners; clustering makes households adopt
    together (a household-level propensity mixed with individual chance)."""
    owners = int(has_phone.sum())
    wanted = round(settings.adoption * len(has_phone))
    if wanted > owners:
        raise InvalidInput(
            f"population.adoption {settings.adoption} exceeds the smartphone share "
            f"({owners / len(has_phone):.2f}) of this population",
            code="bad_scenario",
        )
    c = settings.household_clustering
    propensity = c * rng.random(int(household.max()) + 1)[household] + (1 - c) * rng.random(len(household))
    propensity[~has_phone] = -np.inf
    has_app = np.zeros(len(household), dtype=bool)
    has_app[np.argsort(-propensity, kind="stable")[:wanted]] = True
    return has_app
