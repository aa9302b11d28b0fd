"""Who is near whom, when and how far: one day of gatherings turned into encounters between pairs.

A day is 288 steps of 5 minutes (local time). People gathered in one place at one time are in Bluetooth
range of each other: a household at home, a class, a team's room, a market, a café or a bus. Each
encounter has a typical distance for its setting; the distance drifts every 15 minutes as people move.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from bluezone.sim import noise, ragged
from bluezone.sim.population import NO_GROUP, Pairs, Population, pairs_within
from bluezone.sim.scenario import OPEN, Restrictions

STEP_SECONDS = 300
STEPS_PER_DAY = 288
SEGMENT_STEPS = 3  # the distance changes every 15 minutes


class Setting(IntEnum):
    HOME = 0
    HOME_NIGHT = 1  # asleep, phones charging
    SCHOOL = 2
    WORK = 3
    MARKET = 4
    CAFE = 5
    BUS = 6


# Median distance (m) and log-normal spread of an encounter's typical distance; how it drifts per segment.
# Outside the home the medians are fitted (`bluezone sim contacts --fit`) so that the town's close contacts
# by place match Viet Nam's contact diaries (bluezone.sim.diaries); the spreads are assumed.
DISTANCE = {
    Setting.HOME: (2.0, 0.6),
    Setting.HOME_NIGHT: (4.0, 0.5),
    Setting.SCHOOL: (7.54, 0.6),
    Setting.WORK: (7.15, 0.6),
    Setting.MARKET: (5.47, 0.6),
    Setting.CAFE: (5.10, 0.4),
    Setting.BUS: (6.94, 0.5),
}
# An encounter's typical distance by setting and byte sum of its hash (bluezone.sim.noise).
TYPICAL_DISTANCE = np.stack(
    [
        np.exp(np.log(DISTANCE[setting][0]) + DISTANCE[setting][1] * noise.byte_normal_of_sum())
        for setting in Setting
    ]
).astype(np.float32)
DRIFT_SIGMA = 0.25
DISTANCE_RANGE_M = (0.3, 15.0)  # nearer or farther than this, the path-loss model says nothing
# The drift factor of each byte sum (bluezone.sim.noise): a table, so the scan loop takes no exponential.
DRIFT_FACTORS = np.exp(DRIFT_SIGMA * noise.byte_normal_of_sum())
# Community places: share of visits, people per gathering, minutes spent.
PLACES = {Setting.MARKET: (0.4, 10, 45), Setting.CAFE: (0.35, 5, 60), Setting.BUS: (0.25, 14, 30)}
VISITS_PER_DAY = {True: 1.0, False: 1.6}  # weekday, weekend
CLASS_MEETS, AT_WORK = 11, 12  # purposes in the addressed noise


def _steps(start: str, end: str) -> tuple[int, int]:
    (h0, m0), (h1, m1) = (map(int, t.split(":")) for t in (start, end))
    return (h0 * 60 + m0) // 5, (h1 * 60 + m1) // 5


NIGHT = (_steps("00:00", "06:30"), _steps("22:00", "24:00"))
HOME_AWAKE = (_steps("06:30", "07:30"), _steps("17:30", "22:00"))
DAYTIME = _steps("07:30", "17:30")
SCHOOL_HOURS = (_steps("07:30", "11:30"), _steps("13:30", "16:30"))
WORK_HOURS = (_steps("08:00", "12:00"), _steps("13:00", "17:00"))
SATURDAY_WORK = (_steps("08:00", "12:00"),)
COMMUNITY_HOURS = _steps("06:00", "21:00")


@dataclass(frozen=True)
class Draw:
    """Addressed random numbers of one day of one run."""

    seed: int
    day: int

    def byte_sum(self, *coordinates: npt.ArrayLike) -> npt.NDArray[np.int64]:
        return noise.byte_sums(noise.hashed(self.seed, self.day, *coordinates))

    def looked_up(
        self, *coordinates: npt.ArrayLike, table: npt.NDArray[np.float32], out: npt.NDArray[np.float32]
    ) -> None:
        noise.looked_up(self.seed, self.day, *coordinates, table=table, out=out)


@dataclass(frozen=True)
class Encounters:
    """One row per pair and gathering: a < b, steps [start, end) of the local day."""

    a: npt.NDArray[np.int32]
    b: npt.NDArray[np.int32]
    start: npt.NDArray[np.int16]
    end: npt.NDArray[np.int16]
    setting: npt.NDArray[np.int8]
    distance_m: npt.NDArray[np.float32]  # typical distance of this encounter

    def __len__(self) -> int:
        return len(self.a)

    def take(self, rows: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Encounters:
        # A mask keeping few rows is faster turned into indices once (3× at 1 row in 10); one keeping
        # most is faster applied to each column as it is (1.7× at 97 in 100).
        if rows.dtype == np.bool_ and np.count_nonzero(rows) < len(rows) // 2:
            rows = np.flatnonzero(rows)
        return Encounters(
            self.a[rows],
            self.b[rows],
            self.start[rows],
            self.end[rows],
            self.setting[rows],
            self.distance_m[rows],
        )


# A person's bits when pairs are filtered: there at the time, wanted with anyone, wanted with one another.
THERE, ANY_OF, BOTH_OF = np.uint8(1), np.uint8(2), np.uint8(4)


@dataclass(frozen=True)
class Wanted:
    """The encounters a run looks at: those with someone in `any_of` (the infected), or with both in
    `both_of` (app users, whose phones log each other). The rest are not written out at all."""

    any_of: npt.NDArray[np.bool_]
    both_of: npt.NDArray[np.bool_]

    def codes(self) -> npt.NDArray[np.uint8]:
        """Per person: ANY_OF and BOTH_OF bits (THERE is left for being there)."""
        return self.any_of.astype(np.uint8) * ANY_OF | self.both_of.astype(np.uint8) * BOTH_OF


@dataclass(frozen=True)
class PairsMet:
    """Pairs who met in one setting, from `start` to `end` (steps of the local day), before their distance."""

    a: npt.NDArray[np.int32]
    b: npt.NDArray[np.int32]
    start: npt.NDArray[np.int64] | int
    end: npt.NDArray[np.int64] | int
    setting: Setting


@dataclass(frozen=True)
class Visits:
    """One row per person's visit to a community place: which gathering (per setting), when."""

    person: npt.NDArray[np.int32]
    setting: npt.NDArray[np.int8]
    gathering: npt.NDArray[np.int64]
    start: npt.NDArray[np.int16]  # step of the local day
    end: npt.NDArray[np.int16]

    def __len__(self) -> int:
        return len(self.person)

    @classmethod
    def concat(cls, parts: list[Visits]) -> Visits:
        return cls(
            *(
                np.concatenate([getattr(p, name) for p in parts])
                for name in ("person", "setting", "gathering", "start", "end")
            )
        )


@dataclass(frozen=True)
class Steps:
    """Encounters expanded to 5-minute steps, with the distance at each."""

    encounter: npt.NDArray[np.int64]  # row in Encounters
    step: npt.NDArray[np.int16]
    distance_m: npt.NDArray[np.float32]

    def __len__(self) -> int:
        return len(self.encounter)

    def take(self, rows: npt.NDArray[np.bool_]) -> Steps:
        return Steps(self.encounter[rows], self.step[rows], self.distance_m[rows])


def day_encounters(population: Population, **day: Any) -> Encounters:
    """The day's encounters alone (see `day_contacts`)."""
    return day_contacts(population, **day)[0]


def day_contacts(
    population: Population,
    *,
    weekday: int,
    away: npt.NDArray[np.bool_],
    home_only: npt.NDArray[np.bool_],
    seed: int,
    day: int,
    wanted: Wanted | None = None,
    restrictions: Restrictions = OPEN,
) -> tuple[Encounters, Visits]:
    """The day's encounters (those `wanted`, or all), and the visits to community places behind some.
    `away`: isolated people (no contacts); `home_only`: quarantined people; `restrictions`: the classes,
    workplaces and outings closed (the same classes and workers each day, as closures are).
    Who goes where is drawn for everyone before those two are applied, and distances are addressed by
    the encounter (`noise`), so that two runs of one town differ only where people's behaviour does."""
    rng = np.random.default_rng([seed, 1, day])
    draw = Draw(seed, day)
    codes = wanted.codes() if wanted is not None else np.full(len(away), ANY_OF | BOTH_OF, np.uint8)
    here = ~away
    out = here & ~home_only
    school_day, work_day = weekday < 5, weekday < 6
    pupils = out & (population.school_class != NO_GROUP) & school_day
    if restrictions.schools_open < 1:
        pupils &= noise.uniform(seed, CLASS_MEETS, population.school_class) < restrictions.schools_open
    workers = out & (population.team != NO_GROUP) & work_day
    if restrictions.work_open < 1:
        workers &= noise.uniform(seed, AT_WORK, np.arange(len(away))) < restrictions.work_open
    stay_home = here & ~pupils & ~workers

    # Each group's wanted pairs are found once per set of people present, then met at each of its times.
    home = _group_pairs(population.household_pairs, here, codes)
    parts = [PairsMet(*home, start, end, Setting.HOME_NIGHT) for start, end in NIGHT]
    parts += [PairsMet(*home, start, end, Setting.HOME) for start, end in HOME_AWAKE]
    both_home = stay_home[home[0]] & stay_home[home[1]]
    parts.append(PairsMet(home[0][both_home], home[1][both_home], *DAYTIME, Setting.HOME))
    school = _group_pairs(population.class_pairs, pupils, codes)
    parts += [PairsMet(*school, start, end, Setting.SCHOOL) for start, end in SCHOOL_HOURS]
    work = _group_pairs(population.team_pairs, workers, codes)
    work_hours = WORK_HOURS if weekday < 5 else SATURDAY_WORK
    parts += [PairsMet(*work, start, end, Setting.WORK) for start, end in work_hours]
    community, visits = _community(out, population.outings * restrictions.outings, codes, school_day, rng)
    return _assemble(parts + community, draw), visits


def _community(
    out: npt.NDArray[np.bool_],
    outings: npt.NDArray[np.float64],
    codes: npt.NDArray[np.uint8],
    weekday: bool,
    rng: np.random.Generator,
) -> tuple[list[PairsMet], Visits]:
    """Visits to markets, cafés and buses (each person's rate by age: `Population.outings`); visitors of
    one place at one time form a gathering. Everyone's plans are drawn; only those who are out go."""
    visits = rng.poisson(VISITS_PER_DAY[weekday] * outings)
    visitor = np.repeat(np.arange(len(out)), visits)
    kinds = list(PLACES)
    shares = np.array([PLACES[k][0] for k in kinds])
    kind_of = rng.choice(len(kinds), size=len(visitor), p=shares / shares.sum())
    result = []
    visits_of_kind = []
    for k, kind in enumerate(kinds):
        _, size, minutes = PLACES[kind]
        who = visitor[kind_of == k]
        gatherings = max(1, len(who) // size)
        place = rng.integers(0, gatherings, len(who))
        length = minutes // 5
        opens, closes = COMMUNITY_HOURS
        starts = rng.integers(opens, closes - length, gatherings)
        going = out[who]
        who, place = who[going], place[going]
        pairs = _gathering_pairs(who, place, codes)
        result.append(PairsMet(pairs.a, pairs.b, starts[pairs.group], starts[pairs.group] + length, kind))
        visits_of_kind.append(
            Visits(
                person=who.astype(np.int32),
                setting=np.full(len(who), int(kind), np.int8),
                gathering=place.astype(np.int64),
                start=starts[place].astype(np.int16),
                end=(starts[place] + length).astype(np.int16),
            )
        )
    return result, Visits.concat(visits_of_kind)


def _gathering_pairs(
    who: npt.NDArray[np.intp], place: npt.NDArray[np.int64], codes: npt.NDArray[np.uint8]
) -> Pairs:
    """The wanted pairs among each gathering's visitors, formed from the visitors who can be in one: the
    `both_of` people among themselves, and everyone at a gathering with someone in `any_of`."""
    code = codes[who]
    both = (code & BOTH_OF) != 0
    among = pairs_within(who[both], place[both])
    near = np.isin(place, np.unique(place[(code & ANY_OF) != 0]))
    around = pairs_within(who[near], place[near])
    code_a, code_b = codes[around.a], codes[around.b]
    new = (((code_a | code_b) & ANY_OF) != 0) & ((code_a & code_b & BOTH_OF) == 0)  # not among the first
    return Pairs(
        np.concatenate([among.a, around.a[new]]),
        np.concatenate([among.b, around.b[new]]),
        np.concatenate([among.group, around.group[new]]),
    )


def _group_pairs(
    pairs: Pairs, present: npt.NDArray[np.bool_], codes: npt.NDArray[np.uint8]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """The wanted pairs of households, classes or teams whose two members are both there."""
    keep = _wanted(pairs.a, pairs.b, codes | present.view(np.uint8) * THERE)
    return pairs.a[keep], pairs.b[keep]


# Whether a pair is kept, by its two people's codes (8 × a's + b's): both THERE, and either ANY_OF or both
# BOTH_OF.
_KEPT = np.array(
    [bool(x & y & THERE and ((x | y) & ANY_OF or x & y & BOTH_OF)) for x in range(8) for y in range(8)]
)


def _wanted(
    a: npt.NDArray[np.int32], b: npt.NDArray[np.int32], codes: npt.NDArray[np.uint8]
) -> npt.NDArray[np.intp]:
    return np.flatnonzero(_KEPT[(codes[a] << np.uint8(3)) | codes[b]])


def _assemble(parts: list[PairsMet], draw: Draw) -> Encounters:
    """The day's pairs in one table, written once, each with its typical distance."""
    sizes = [len(part.a) for part in parts]
    rows = [slice(stop - size, stop) for size, stop in zip(sizes, itertools.accumulate(sizes), strict=True)]
    n = sum(sizes)
    a, b = np.empty(n, np.int32), np.empty(n, np.int32)
    start, end = np.empty(n, np.int16), np.empty(n, np.int16)
    setting = np.empty(n, np.int8)
    for part, at in zip(parts, rows, strict=True):
        a[at], b[at], start[at], end[at], setting[at] = part.a, part.b, part.start, part.end, part.setting
    distance = np.empty(n, np.float32)
    for part, at in zip(parts, rows, strict=True):
        draw.looked_up(
            a[at], b[at], int(part.setting), start[at], table=TYPICAL_DISTANCE[part.setting], out=distance[at]
        )
    return Encounters(a, b, start, end, setting, distance)


def expand(encounters: Encounters, draw: Draw) -> Steps:
    """Every 5-minute step of every encounter, the distance drifting per 15-minute segment."""
    row, offset = ragged.runs(encounters.end - encounters.start)
    segment = offset // SEGMENT_STEPS
    drift = DRIFT_FACTORS[
        draw.byte_sum(
            encounters.a[row],
            encounters.b[row],
            encounters.setting[row],
            encounters.start[row],
            1000 + segment,
        )
    ]
    distance = np.clip(encounters.distance_m[row] * drift, *DISTANCE_RANGE_M)
    return Steps(row, (encounters.start[row] + offset).astype(np.int16), distance.astype(np.float32))
