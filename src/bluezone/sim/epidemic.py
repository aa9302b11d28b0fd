"""The disease: who is infected when, when symptoms start, how infectious each day, and transmission
during encounters (more likely the closer and the longer, and to adults more than to children).

Infectiousness follows the day since symptom onset (peaking at onset, from 2.5 days before to 8 after);
people who never have symptoms have no onset of their own but the same clock, at a third of the
infectiousness. Sources of every value: docs/parameters.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.sim import noise
from bluezone.sim.contacts import Setting
from bluezone.sim.scenario import EpidemicSettings

DAY = 86_400.0
NEVER = np.inf
PROFILE_SD_DAYS = 2.5
INCUBATION_LOG_SD = 0.4
LATENT_MIN_DAYS = 1.0  # assumed (docs/parameters.md)
# By 10-year band of age (0–9 … 70+). Susceptibility relative to adults: Davies et al. 2020, Nat Med 26:1205
# (posterior means). The share with symptoms rises with age from 21 % (10–19) to 69 % (70+) in the same
# paper; between those two figures it is taken as linear (assumed), and it only shapes how the scenario's
# asymptomatic share is spread over ages.
SUSCEPTIBILITY_BY_BAND = np.array([0.40, 0.38, 0.79, 0.86, 0.80, 0.82, 0.88, 0.74])
SYMPTOMATIC_BY_BAND = np.array([0.21, 0.21, 0.29, 0.37, 0.45, 0.53, 0.61, 0.69])
# How much one mask cuts transmission outside the home (assumed: between the small effect of the Bangladesh
# trial, Abaluck et al. 2022, Science 375:eabi9069, and the large one of Chu et al. 2020, Lancet 395:1973).
MASK_EFFICACY = 0.3
# A PCR test's chance of finding an infection, by days since infection: Kucirka et al. 2020, Ann Intern Med
# 173:262 (false negatives 100 % on day 1, 67 % on day 4, 38 % at onset on day 5, 20 % on day 8, 66 % on
# day 21), straight lines between.
SENSITIVITY_DAYS = np.array([0.0, 1.0, 4.0, 5.0, 8.0, 21.0])
SENSITIVITY = np.array([0.0, 0.0, 0.33, 0.62, 0.80, 0.34])

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
    susceptibility: F64  # relative to an adult's, by age
    infected_at: F64
    onset_at: F64  # symptom onset, or the would-be onset for asymptomatic people
    infected_by: npt.NDArray[np.int32]  # −1 for seeds and the uninfected
    setting: npt.NDArray[np.int8]  # where the infection happened, −1 for seeds

    @classmethod
    def draw(
        cls, age: npt.NDArray[np.int16], settings: EpidemicSettings, rng: np.random.Generator
    ) -> Infections:
        n = len(age)
        mean_log = np.log(settings.incubation_days) - INCUBATION_LOG_SD**2 / 2
        band = np.minimum(age // 10, len(SUSCEPTIBILITY_BY_BAND) - 1)
        return cls(
            incubation_s=rng.lognormal(mean_log, INCUBATION_LOG_SD, n) * DAY,
            symptomatic=rng.random(n) >= asymptomatic_by_age(band, settings.asymptomatic_share),
            susceptibility=SUSCEPTIBILITY_BY_BAND[band],
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

    def test_positive(self, who: npt.NDArray[np.intp], at: F64, specificity: float, draws: F64) -> Bools:
        """Whether each test of `who` at `at` comes back positive, given uniform `draws`: found as often as
        the test's sensitivity that many days after infection, falsely positive at 1 − specificity."""
        since = (at - self.infected_at[who]) / DAY
        infected = since >= 0
        found = np.interp(np.where(infected, since, 0.0), SENSITIVITY_DAYS, SENSITIVITY)
        return np.where(infected, draws < found, draws < 1 - specificity)


def asymptomatic_by_age(band: npt.NDArray[np.int64], share: float) -> F64:
    """Each person's chance of never having symptoms: the scenario's share over everyone, spread over ages as
    the symptomatic share falls with youth (`SYMPTOMATIC_BY_BAND`)."""
    without = (1 - SYMPTOMATIC_BY_BAND)[band]
    return np.asarray(np.minimum(1.0, share * without / without.mean()), np.float64)


def closeness_weight(distance_m: F64 | npt.NDArray[np.float32]) -> F64:
    """Exposure relative to 1 m: droplets and aerosol thin out with the square of the distance."""
    return np.minimum(1.0, 1.0 / np.maximum(np.asarray(distance_m, np.float64), 0.1) ** 2)


def transmissibility_by_setting(settings: EpidemicSettings, masks: float = 0.0) -> F64:
    """Per `Setting`: at home the household's own (fitted to household attack rates), elsewhere the rest's,
    lowered by the share of people masked (each mask between the two of them cuts it by MASK_EFFICACY)."""
    beta = np.full(len(Setting), settings.transmissibility * (1 - MASK_EFFICACY * masks) ** 2)
    beta[[Setting.HOME, Setting.HOME_NIGHT]] = settings.household_transmissibility
    return beta


def transmissions(
    infectious: npt.NDArray[np.intp],
    susceptible: npt.NDArray[np.intp],
    *,
    at: F64,
    distance_m: npt.NDArray[np.float32],
    setting: npt.NDArray[np.int8],
    infections: Infections,
    settings: EpidemicSettings,
    seed: int,
    masks: float = 0.0,
) -> Bools:
    """For each (infectious, susceptible, time, distance, setting) step: did it transmit? The chance is
    addressed by the pair and the moment, so a run without the app sees the same outcome of the same
    contact."""
    hazard = (
        transmissibility_by_setting(settings, masks)[setting]
        * infections.infectiousness(infectious, at, settings)
        * infections.susceptibility[susceptible]
    )
    chance = 1.0 - np.exp(-hazard * closeness_weight(distance_m))
    return noise.uniform(seed, TRANSMISSION, infectious, susceptible, at.astype(np.int64)) < chance
