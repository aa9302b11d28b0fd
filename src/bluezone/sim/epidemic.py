"""The disease: who is infected when, when symptoms start, how infectious each day, and transmission
during encounters (more likely the closer and the longer).

Infectiousness follows the day since symptom onset (peaking at onset, from 2.5 days before to 8 after);
asymptomatic people have no onset of their own but the same clock, at half the infectiousness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.sim.scenario import EpidemicSettings

DAY = 86_400.0
NEVER = np.inf
PROFILE_SD_DAYS = 2.5
INCUBATION_LOG_SD = 0.4
DETECTABLE_AFTER_DAYS = 2.0  # a test finds the virus from about two days after infection…
DETECTABLE_FOR_DAYS = 20.0  # …for about three weeks

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Infections:
    """Per person; times in seconds since the run started, NEVER when it did not happen."""

    infected_at: F64
    onset_at: F64  # symptom onset, or the would-be onset for asymptomatic people
    symptomatic: Bools
    infected_by: npt.NDArray[np.int32]  # −1 for seeds and the uninfected
    setting: npt.NDArray[np.int8]  # where the infection happened, −1 for seeds

    @classmethod
    def none(cls, n: int) -> Infections:
        return cls(
            np.full(n, NEVER),
            np.full(n, NEVER),
            np.zeros(n, bool),
            np.full(n, -1, np.int32),
            np.full(n, -1, np.int8),
        )

    def infect(
        self,
        who: npt.NDArray[np.intp],
        *,
        at: F64,
        by: npt.NDArray[np.int32],
        setting: npt.NDArray[np.int8],
        settings: EpidemicSettings,
        rng: np.random.Generator,
    ) -> None:
        mean_log = np.log(settings.incubation_days) - INCUBATION_LOG_SD**2 / 2
        self.infected_at[who] = at
        self.onset_at[who] = at + rng.lognormal(mean_log, INCUBATION_LOG_SD, len(who)) * DAY
        self.symptomatic[who] = rng.random(len(who)) >= settings.asymptomatic_share
        self.infected_by[who] = by
        self.setting[who] = setting

    def infectiousness(self, who: npt.NDArray[np.intp], at: F64, settings: EpidemicSettings) -> F64:
        """Relative infectiousness (1 at a symptomatic person's onset) of each `who` at time `at`."""
        days = (at - self.onset_at[who]) / DAY
        inside = (days >= -settings.infectious_days_before_onset) & (
            days <= settings.infectious_days_after_onset
        )
        scale = np.where(self.symptomatic[who], 1.0, settings.asymptomatic_infectiousness)
        with np.errstate(invalid="ignore"):
            return np.where(inside, scale * np.exp(-0.5 * (days / PROFILE_SD_DAYS) ** 2), 0.0)

    def detectable(self, who: npt.NDArray[np.intp], at: F64) -> Bools:
        since = (at - self.infected_at[who]) / DAY
        return (since >= DETECTABLE_AFTER_DAYS) & (since <= DETECTABLE_FOR_DAYS)

    def infected(self) -> Bools:
        return np.isfinite(self.infected_at)


def closeness_weight(distance_m: F64 | npt.NDArray[np.float32]) -> F64:
    """Exposure relative to 1 m: droplets and aerosol thin out with the square of the distance."""
    return np.minimum(1.0, 1.0 / np.maximum(np.asarray(distance_m, np.float64), 0.1) ** 2)


def transmissions(
    infectious: npt.NDArray[np.intp],
    susceptible: npt.NDArray[np.intp],
    *,
    at: F64,
    distance_m: npt.NDArray[np.float32],
    infections: Infections,
    settings: EpidemicSettings,
    rng: np.random.Generator,
) -> Bools:
    """For each (infectious, susceptible, time, distance) step: did it transmit?"""
    hazard = settings.transmissibility * infections.infectiousness(infectious, at, settings)
    chance = 1.0 - np.exp(-hazard * closeness_weight(distance_m))
    return rng.random(len(chance)) < chance
