"""The disease: who is infected when, when symptoms start, how infectious each day, and transmission
during encounters (more likely the closer and the longer).

Infectiousness follows the day since symptom onset (peaking at onset, from 2.5 days before to 8 after);
asymptomatic people have no onset of their own but the same clock, at half the infectiousness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.sim import noise
from bluezone.sim.scenario import EpidemicSettings

DAY = 86_400.0
NEVER = np.inf
PROFILE_SD_DAYS = 2.5
INCUBATION_LOG_SD = 0.4
LATENT_MIN_DAYS = 1.0  # assumed (docs/parameters.md)
DETECTABLE_AFTER_DAYS = 2.0  # a test finds the virus from about two days after infection…
DETECTABLE_FOR_DAYS = 20.0  # …for about three weeks

TRANSMISSION = 7  # the purpose in the addressed noise
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Infections:
    """Per person; times in seconds since the epoch, NEVER when it did not happen.

    What the disease would do to each person (incubation, symptoms) is drawn once when the run starts,
    so that the same person infected at the same time runs the same course in every run of the town.
    """

    incubation_s: F64
    symptomatic: Bools  # would have symptoms if infected
    infected_at: F64
    onset_at: F64  # symptom onset, or the would-be onset for asymptomatic people
    infected_by: npt.NDArray[np.int32]  # −1 for seeds and the uninfected
    setting: npt.NDArray[np.int8]  # where the infection happened, −1 for seeds

    @classmethod
    def draw(cls, n: int, settings: EpidemicSettings, rng: np.random.Generator) -> Infections:
        mean_log = np.log(settings.incubation_days) - INCUBATION_LOG_SD**2 / 2
        return cls(
            incubation_s=rng.lognormal(mean_log, INCUBATION_LOG_SD, n) * DAY,
            symptomatic=rng.random(n) >= settings.asymptomatic_share,
            infected_at=np.full(n, NEVER),
            onset_at=np.full(n, NEVER),
            infected_by=np.full(n, -1, np.int32),
            setting=np.full(n, -1, np.int8),
        )

    def infect(
        self, who: npt.NDArray[np.intp], *, at: F64, by: npt.NDArray[np.int32], setting: npt.NDArray[np.int8]
    ) -> None:
        self.infected_at[who] = at
        self.onset_at[who] = at + self.incubation_s[who]
        self.infected_by[who] = by
        self.setting[who] = setting

    def infectiousness(self, who: npt.NDArray[np.intp], at: F64, settings: EpidemicSettings) -> F64:
        """Relative infectiousness (1 at a symptomatic person's onset) of each `who` at time `at`."""
        days = (at - self.onset_at[who]) / DAY
        inside = (
            (days >= -settings.infectious_days_before_onset)
            & (days <= settings.infectious_days_after_onset)
            & (at - self.infected_at[who] >= LATENT_MIN_DAYS * DAY)  # nobody infects on their first day
        )
        scale = np.where(self.symptomatic[who], 1.0, settings.asymptomatic_infectiousness)
        with np.errstate(invalid="ignore"):
            return np.where(inside, scale * np.exp(-0.5 * (days / PROFILE_SD_DAYS) ** 2), 0.0)

    def detectable(self, who: npt.NDArray[np.intp], at: F64) -> Bools:
        since = (at - self.infected_at[who]) / DAY
        return (since >= DETECTABLE_AFTER_DAYS) & (since <= DETECTABLE_FOR_DAYS)


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
    seed: int,
) -> Bools:
    """For each (infectious, susceptible, time, distance) step: did it transmit? The chance is addressed
    by the pair and the moment, so a run without the app sees the same outcome of the same contact."""
    hazard = settings.transmissibility * infections.infectiousness(infectious, at, settings)
    chance = 1.0 - np.exp(-hazard * closeness_weight(distance_m))
    return noise.uniform(seed, TRANSMISSION, infectious, susceptible, at.astype(np.int64)) < chance
