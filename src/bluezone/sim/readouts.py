"""What an epidemiologist reads off a run, from its transmission tree: the reproduction number of the first
cases, the doubling time, the generation interval, who transmits (before symptoms, without symptoms), the
household attack rate and how many close contacts infected people have a day.

Each is measured on the run as it happened (with the response the scenario sets: testing, isolation,
quarantine); `summarise` reads them from the run without the app, where the app changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from bluezone.sim.contacts import Setting
from bluezone.sim.epidemic import DAY, NEVER
from bluezone.sim.state import Outcome

EARLY_DAYS = 5  # R0 from the people infected in the run's first days, while nearly everyone is susceptible…
FOLLOW_DAYS = 14  # …followed long enough for their infectious periods to end (8 days after onset at most)
GROWTH_MIN_DAILY = 3  # days with fewer new infections say too little about growth
GROWTH_MAX_SHARE = 0.1  # growth slows once a tenth of the town has been infected: fit before that
HOME = (Setting.HOME, Setting.HOME_NIGHT)


@dataclass(frozen=True)
class EpidemicReadout:
    R0: float | None  # mean secondary infections of the people infected in the run's first 5 days
    doubling_days: float | None  # of daily new infections, fitted while under a tenth of the town is infected
    generation_interval_days: float | None  # mean time from an infector's infection to their infectee's
    presymptomatic_share: float | None  # of transmissions, by people who had symptoms later
    asymptomatic_source_share: float | None  # of transmissions, by people who never had symptoms
    household_attack_rate: float | None  # of the other members of a household whose first case is at home
    close_contacts_per_person_day: float | None  # ≤ 2 m for ≥ 15 min, per infected person and day

    def as_json(self) -> dict[str, float | None]:
        return {k: None if v is None else round(v, 3) for k, v in asdict(self).items()}


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def readout(outcome: Outcome) -> EpidemicReadout:
    infections = outcome.infections
    infected = np.flatnonzero(np.isfinite(infections.infected_at))
    children = infected[infections.infected_by[infected] >= 0]
    parents = infections.infected_by[children]
    offspring = np.bincount(parents, minlength=len(infections.infected_at))
    t0 = outcome.day_starts[0]
    early = infected[
        (infections.infected_at[infected] >= t0) & (infections.infected_at[infected] < t0 + EARLY_DAYS * DAY)
    ]
    followed = len(outcome.day_starts) >= EARLY_DAYS + FOLLOW_DAYS

    before_onset = infections.infected_at[children] < infections.onset_at[parents]
    symptomatic = infections.symptomatic[parents]
    generation = (infections.infected_at[children] - infections.infected_at[parents]) / DAY
    return EpidemicReadout(
        R0=float(offspring[early].mean()) if len(early) and followed else None,
        doubling_days=_doubling_days(outcome),
        generation_interval_days=float(generation.mean()) if len(generation) else None,
        presymptomatic_share=_ratio(int((symptomatic & before_onset).sum()), len(children)),
        asymptomatic_source_share=_ratio(int((~symptomatic).sum()), len(children)),
        household_attack_rate=_household_attack_rate(outcome),
        close_contacts_per_person_day=_close_contacts_per_infected_day(outcome),
    )


def _doubling_days(outcome: Outcome) -> float | None:
    """ln 2 over the slope of log daily infections, on the days of exponential growth."""
    daily = np.array([f.infections for f in outcome.days], dtype=np.float64)
    so_far = np.cumsum(daily) + outcome.seeds
    growing = (daily >= GROWTH_MIN_DAILY) & (so_far <= GROWTH_MAX_SHARE * len(outcome.population))
    days = np.flatnonzero(growing)
    if len(days) < 4:
        return None
    slope = np.polyfit(days, np.log(daily[days]), 1)[0]
    return float(np.log(2) / slope) if slope > 0 else None


def _household_attack_rate(outcome: Outcome) -> float | None:
    """Infections at home over the other members of the households where someone was infected first (the
    secondary attack rate, pooled; households whose first case was a day-0 case count too)."""
    infections, household = outcome.infections, outcome.population.household
    infected = np.flatnonzero(np.isfinite(infections.infected_at))
    if not len(infected):
        return None
    sizes = np.bincount(household)
    reached = np.unique(household[infected])
    at_home = np.isin(infections.setting[infected], HOME)
    return _ratio(int(at_home.sum()), int((sizes[reached] - 1).sum()))


def _close_contacts_per_infected_day(outcome: Outcome) -> float | None:
    """The run records close contacts of infected people only (the ground truth for the alerts): each
    (person, contact, day) counted on the infected person's side, over the days they were infected."""
    pairs = outcome.close_pairs
    if not len(pairs):
        return None
    infected_at = outcome.infections.infected_at
    day_end = outcome.day_starts[pairs[:, 2]] + DAY
    sides = sum(int((infected_at[pairs[:, side]] < day_end).sum()) for side in (0, 1))
    first_day = np.floor((infected_at - outcome.day_starts[0]) / DAY)
    days_infected = np.clip(len(outcome.day_starts) - np.maximum(first_day, 0), 0, None)
    person_days = float(days_infected[np.isfinite(infected_at) & (infected_at < NEVER)].sum())
    return _ratio(sides, person_days)
