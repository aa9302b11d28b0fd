"""What a run keeps: its random streams, each person's state as columns, each day's figures, and the outcome
it leaves behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from bluezone.sim.contacts import STEP_SECONDS
from bluezone.sim.epidemic import DAY, NEVER, Infections
from bluezone.sim.population import Population
from bluezone.sim.scenario import ResponseSettings

F64 = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


class Stream:
    """Independent random streams per purpose and day, so that a run with the app and one without share
    the same town and the same draws wherever their histories agree."""

    POPULATION, CONTACTS, EPIDEMIC, RADIO, KEYS, RESPONSE, TESTS, SEEDS, VENUES = range(9)

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __call__(self, purpose: int, day: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, purpose, day])


@dataclass
class DayFigures:
    day: date
    infections: int = 0
    confirmed: int = 0
    uploads: int = 0
    alerts_f1: int = 0
    alerts_f2: int = 0
    alerts_venue: int = 0
    quarantined: int = 0
    traced: int = 0  # cases a case worker traced
    traced_f1: int = 0  # close contacts they found
    traced_f2: int = 0  # the households of those, told to stay home


@dataclass
class Outcome:
    """Everything a run leaves behind, per person and per day."""

    population: Population
    infections: Infections
    confirmed_at: F64
    first_key_day: F64  # start of the upload window (2 days before onset or test), unix seconds
    uploaded: npt.NDArray[np.bool_]
    alerted_f1_at: F64
    alerted_by: npt.NDArray[np.int32]  # the F0 whose key caused each F1 alert, −1 for none
    alerted_f2_at: F64
    venue_alerted_at: F64
    close_pairs: npt.NDArray[
        np.int64
    ]  # (n, 3): a, b, local day index — true close contacts of infected people
    days: list[DayFigures]
    day_starts: F64
    sighting_rows: int = 0
    seeds: int = 0
    uploads_by_type: dict[str, int] = field(default_factory=dict)
    uploads_by_route: dict[str, int] = field(default_factory=dict)  # case_worker, lab, self_report
    check_ins: int = 0


class Event(IntEnum):
    """What happens at a moment of the day, in time order (a tie goes to the lower kind)."""

    CONFIRMATION = 0  # a person's positive test is confirmed: a code, an upload
    SELF_REPORT = 1  # a person's rapid test is positive: they self-report in the app
    PHONE_CHECK = 2  # every phone downloads the new exports and matches


@dataclass
class People:
    """Each person's state in the run, one column per fact, indexed by person. Times are unix seconds,
    NEVER where it has not happened (quarantine_until: -NEVER)."""

    tested_if_symptomatic: Flags  # drawn once: would get tested after symptoms
    isolates_at_onset: Flags  # drawn once: would stay home once symptoms start
    test_delay: F64  # drawn once: from symptoms (or an alert) to a result
    confirm_plan: F64  # when a positive result is due
    self_report_plan: F64  # when a positive rapid test is self-reported (app users never PCR-tested)
    confirmed_at: F64
    first_key_day: F64  # start of the upload window (2 days before onset or test)
    quarantine_from: F64
    quarantine_until: F64
    uploaded: Flags
    alerted_f1_at: F64
    alerted_by: npt.NDArray[np.int32]  # the F0 whose key caused the F1 alert, −1 for none
    alerted_f2_at: F64
    venue_alerted_at: F64
    app_index: npt.NDArray[np.int32]  # row among app users, -1 without the app
    scan_phase: F64  # seconds into each step at which the phone scans
    emit_db: F64  # true transmit power, not the advertised one
    hear_db: F64  # the receiver's RSSI correction and its error

    @classmethod
    def start(cls, population: Population, response: ResponseSettings, stream: Stream) -> People:
        n = len(population)
        tests = stream(Stream.TESTS)
        tested_if_symptomatic = tests.random(n) < response.test_after_symptoms
        test_delay = tests.exponential(response.test_delay_days, n) * DAY
        isolates_at_onset = tests.random(n) < response.isolate_at_onset
        app_index = np.full(n, -1, np.int32)
        app_index[population.app_users] = np.arange(len(population.app_users), dtype=np.int32)
        handsets = population.handsets
        return cls(
            tested_if_symptomatic=tested_if_symptomatic,
            isolates_at_onset=isolates_at_onset,
            test_delay=test_delay,
            confirm_plan=np.full(n, NEVER),
            self_report_plan=np.full(n, NEVER),
            confirmed_at=np.full(n, NEVER),
            first_key_day=np.full(n, NEVER),
            quarantine_from=np.full(n, NEVER),
            quarantine_until=np.full(n, -NEVER),
            uploaded=np.zeros(n, bool),
            alerted_f1_at=np.full(n, NEVER),
            alerted_by=np.full(n, -1, np.int32),
            alerted_f2_at=np.full(n, NEVER),
            venue_alerted_at=np.full(n, NEVER),
            app_index=app_index,
            scan_phase=stream(Stream.RADIO).uniform(0, STEP_SECONDS, n),
            emit_db=handsets.tx_power + handsets.tx_error_db,
            hear_db=handsets.rssi_correction + handsets.rssi_error_db,
        )
