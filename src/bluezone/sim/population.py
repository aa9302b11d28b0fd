"""A synthetic Vietnamese town: people with ages in households, pupils in classes, workers in teams,
smartphones by age, and who runs the app.

Figures: age structure of the 2019 census (rounded to 10-year bands), households of 3.5 people on average,
smartphone ownership by age as OpenABM uses it (shared/reference/simulation.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from bluezone.campaign.imports import parse_counts
from bluezone.errors import InvalidInput
from bluezone.geography.areas import census_2019
from bluezone.sim.devices import Handsets, hand_out
from bluezone.sim.scenario import PopulationSettings
from bluezone.sim.survey import COMMUNITY, PLACES, band_of, shipped

AGE_BANDS = np.array([0.16, 0.14, 0.16, 0.16, 0.14, 0.11, 0.08, 0.035, 0.015])  # 0–9 … 80+
SMARTPHONE_BY_BAND = np.array([0.09, 0.80, 0.97, 0.96, 0.94, 0.86, 0.70, 0.48, 0.32])
HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5, 6])
HOUSEHOLD_SHARES = np.array([0.10, 0.18, 0.22, 0.27, 0.14, 0.09])
CLASS_SIZE = 35
KINDERGARTEN_SIZE = 25
SCHOOL_AGE = 6
EMPLOYED_BY_BAND = np.array([0.0, 0.15, 0.80, 0.88, 0.88, 0.78, 0.35, 0.08, 0.0])
TEAM_MEDIAN, TEAM_SIGMA, TEAM_MAX = 6.0, 0.5, 20
NO_GROUP = -1

I32 = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Pairs:
    """Every pair of members (a < b) of each group."""

    a: I32
    b: I32
    group: I32


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

    @cached_property
    def outings(self) -> npt.NDArray[np.float64]:
        """How often each person visits markets, cafés and buses, relative to the town's mean: by age, as
        the diaries record contacts at those places (0–5-year-olds a quarter as often as adults)."""
        survey = shipped()
        by_band = survey.any[:, [PLACES.index(p) for p in COMMUNITY]].sum(axis=1)
        rate = by_band[band_of(self.age)]
        return np.asarray(rate / rate.mean(), np.float64)

    # Households, classes and teams keep their members: their pairs are formed once, then filtered daily.
    @cached_property
    def household_pairs(self) -> Pairs:
        return pairs_within(np.arange(len(self)), self.household)

    @cached_property
    def class_pairs(self) -> Pairs:
        return pairs_within(np.arange(len(self)), self.school_class)

    @cached_property
    def team_pairs(self) -> Pairs:
        return pairs_within(np.arange(len(self)), self.team)


def pairs_within(people: npt.NDArray[np.intp], group: npt.NDArray[np.integer]) -> Pairs:
    """Every pair of people in each group (NO_GROUP is none), one size of group at a time; a person listed
    twice in one group is there once."""
    member = group != NO_GROUP
    people, group = people[member], group[member]
    if len(people) == 0:
        return Pairs(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32))
    order = np.lexsort((people, group))
    people, group = people[order], group[order]
    once = np.r_[True, (people[1:] != people[:-1]) | (group[1:] != group[:-1])]
    people, group = people[once], group[once]
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.append(first, len(people)))
    a_parts, b_parts, g_parts = [np.zeros(0, np.int32)], [np.zeros(0, np.int32)], [np.zeros(0, np.int32)]
    for size in np.unique(sizes[sizes > 1]):
        groups = first[sizes == size]
        members = people[groups[:, None] + np.arange(size)]
        i, j = np.triu_indices(size, k=1)
        a_parts.append(members[:, i].ravel().astype(np.int32))
        b_parts.append(members[:, j].ravel().astype(np.int32))
        g_parts.append(np.repeat(group[groups], len(i)).astype(np.int32))
    return Pairs(np.concatenate(a_parts), np.concatenate(b_parts), np.concatenate(g_parts))


def build_population(settings: PopulationSettings, rng: np.random.Generator) -> Population:
    n = settings.people
    household = _households(n, rng)
    age = _ages(household, rng)
    band = np.minimum(age // 10, len(AGE_BANDS) - 1)
    has_phone = rng.random(n) < SMARTPHONE_BY_BAND[band]
    handsets = hand_out(has_phone, rng)
    school_class = _classes(age, rng)
    team = _teams(band, rng)
    return Population(
        age=age,
        household=household,
        school_class=school_class,
        team=team,
        handsets=handsets,
        has_app=_adopters(has_phone, household, team, settings, rng),
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
    """Children aged 3–5 in kindergarten groups of about 25, pupils aged 6–17 in classes of about 35, by
    year of age."""
    school_class = np.full(len(age), NO_GROUP, dtype=np.int32)
    next_id = 0
    for year in range(3, 18):
        pupils = rng.permutation(np.flatnonzero(age == year))
        classes = max(1, round(len(pupils) / (CLASS_SIZE if year >= SCHOOL_AGE else KINDERGARTEN_SIZE)))
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
    has_phone: Bools, household: I32, team: I32, settings: PopulationSettings, rng: np.random.Generator
) -> Bools:
    """Adoption is a share of everyone (or a province's install rate from campaign counts), drawn from
    smartphone owners; clustering makes households and workplace teams adopt together (a shared propensity,
    half the household's and half the team's, mixed with individual chance)."""
    adoption = settings.adoption if settings.adoption_province is None else campaign_adoption(settings)
    owners = int(has_phone.sum())
    wanted = round(adoption * len(has_phone))
    if wanted > owners:
        raise InvalidInput(
            f"population.adoption {adoption:.2f} exceeds the smartphone share "
            f"({owners / len(has_phone):.2f}) of this population",
            code="bad_scenario",
        )
    c = settings.household_clustering
    at_home = rng.random(int(household.max()) + 1)[household]
    shared = at_home
    if c > 0:
        team_draw = rng.random(int(team.max(initial=0)) + 1)[np.maximum(team, 0)]
        shared = (at_home + np.where(team == NO_GROUP, at_home, team_draw)) / 2
    propensity = c * shared + (1 - c) * rng.random(len(household))
    propensity[~has_phone] = -np.inf
    has_app = np.zeros(len(household), dtype=bool)
    has_app[np.argsort(-propensity, kind="stable")[:wanted]] = True
    return has_app


def campaign_adoption(settings: PopulationSettings) -> float:
    """A province's install rate of population, from the newest moment of a campaign counts file."""
    if settings.campaign_counts is None or settings.adoption_province is None:
        raise InvalidInput(
            "population.adoption_province needs population.campaign_counts (and the other way round)",
            code="bad_scenario",
        )
    try:
        text = settings.campaign_counts.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(
            f"population.campaign_counts: cannot read it: {error}", code="bad_scenario"
        ) from None
    report = parse_counts(text)
    if report.errors:
        line, problem = report.errors[0]
        raise InvalidInput(f"population.campaign_counts: line {line}: {problem}", code="bad_scenario")
    code = settings.adoption_province
    rows = [r for r in report.rows if r.area_code == code]
    if not rows:
        raise InvalidInput(
            f"population.campaign_counts has no counts for province {code}", code="bad_scenario"
        )
    newest = max(rows, key=lambda r: r.as_of)
    population = newest.population or census_2019().get(code)
    if not population:
        raise InvalidInput(f"no population known for province {code}", code="bad_scenario")
    return newest.installs / population
