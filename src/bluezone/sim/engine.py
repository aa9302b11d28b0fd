"""One simulated run: a town lives day by day; the disease spreads in its encounters; confirmed cases
(F0) get codes from the real server and upload from the app; phones download the signed exports, match
them against their logs with the core and alert; alerted F1s stay home, get tested, and may publish as
close contacts so that their own contacts get F2 alerts.

Ground truth is kept beside it: who was within 2 m of whom for 15 minutes or more in a day, and who
infected whom. Days run in local time (UTC+7); keys and intervals in UTC, as on real phones.

Why one module of this size: it is the day's order of events (contacts, scans, infections, confirmations,
uploads, checks, alerts), each a method over the same run; what the run keeps is in state.py.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from bluezone.clock import ManualClock, day_start, local_date
from bluezone.geography import areas
from bluezone.phone.client import ServerError
from bluezone.protocol.backend import default_backend
from bluezone.protocol.intervals import DAY_SECONDS, ROLLING_PERIOD
from bluezone.protocol.matching import DiagnosisKeys
from bluezone.risk.presets import preset
from bluezone.risk.scoring import Level, daily_risk
from bluezone.risk.windows import ScanInstances, windows_from_scans
from bluezone.sim import noise
from bluezone.sim.authority import LocalAuthority
from bluezone.sim.carrier import number_of
from bluezone.sim.contacts import (
    STEP_SECONDS,
    STEPS_PER_DAY,
    Draw,
    Encounters,
    Wanted,
    day_contacts,
    expand,
)
from bluezone.sim.epidemic import DAY, NEVER, Infections, transmissions
from bluezone.sim.identifiers import DayIds, derive_day
from bluezone.sim.population import NO_GROUP, build_population
from bluezone.sim.radio import Channel
from bluezone.sim.scans import Radio, cut_short
from bluezone.sim.scenario import ManualTracing, Scenario
from bluezone.sim.sightings import DayLog, HeardScans
from bluezone.sim.state import DayFigures, Event, Outcome, People, Stream
from bluezone.sim.venues import TownVenues

CLOSE_M, CLOSE_MINUTES = 2.0, 15
TOWN_PROVINCE = "48"  # the town's venues are in Đà Nẵng's communes
LOG_DAYS = 15  # sightings are kept 14 days, plus today
TEST_LUCK = 13  # the purpose in the addressed noise
SELF_TEST_LUCK = 14
ROUTE_LUCK = 15
TRACE_DAYS = 16  # case workers ask about the two weeks before a case's symptoms or test, and the days since

F64 = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]
T = TypeVar("T")


class Run:
    def __init__(
        self, scenario: Scenario, *, with_app: bool, workdir: Path | None, progress: Progress | None = None
    ) -> None:
        if with_app and workdir is None:
            raise ValueError("a run with the app needs a directory for its server")
        self.scenario, self.with_app, self.workdir = scenario, with_app, workdir
        self.progress = progress or (lambda done, total: None)
        self.stream = Stream(scenario.run.seed)
        self.population = build_population(scenario.population, self.stream(Stream.POPULATION))
        self.backend = default_backend()
        self.channel = Channel()
        self.risk = preset(scenario.response.risk_preset)
        self.t0 = float(day_start(scenario.run.start))
        self.infections = Infections.draw(
            self.population.age, scenario.epidemic, self.stream(Stream.EPIDEMIC)
        )
        self.people = People.start(self.population, scenario.response, self.stream)
        self.venues: TownVenues | None = None
        self.ids: dict[int, DayIds] = {}
        self._deriving: dict[int, Future[DayIds]] = {}
        self._background: ThreadPoolExecutor | None = None
        self.logs: dict[int, DayLog] = {}
        self.close_pairs: list[npt.NDArray[np.int64]] = []
        self.tracing_queue: list[int] = []  # confirmed cases waiting for a case worker
        self.key_owner: dict[bytes, int] = {}  # each uploaded key → who uploaded it
        self.days: list[DayFigures] = []
        self.scans_of_dropped_logs = 0  # logs older than LOG_DAYS are let go
        self.authority: LocalAuthority | None = None

    # ------------------------------------------------------------------ the run

    def run(self) -> Outcome:
        with ThreadPoolExecutor(1, thread_name_prefix="bluezone-sim") as background:
            self._background = background
            try:
                return self._run()
            finally:
                self._background = None

    def _run(self) -> Outcome:
        self._seed_infections()
        clock = ManualClock(self.t0)
        if self.with_app:
            assert self.workdir is not None
            with LocalAuthority(self.workdir, clock) as authority:
                self.authority = authority
                towns = areas.registry(areas.structure_on(self.scenario.run.start))
                communes = [a.code for a in towns.at_level(areas.Level.COMMUNE, TOWN_PROVINCE)]
                self.venues = TownVenues(
                    len(self.population), communes, authority.register_venues, self.stream(Stream.VENUES)
                )
                self._days(clock)
                uploads_by_type = {
                    t: sum(1 for u in authority.uploads if u.test_type == t)
                    for t in ("confirmed", "close-contact", "self-report")
                }
                uploads_by_route = authority.uploads_by_route()
        else:
            self._days(clock)
            uploads_by_type, uploads_by_route = {}, {}
        return Outcome(
            population=self.population,
            infections=self.infections,
            confirmed_at=self.people.confirmed_at,
            first_key_day=self.people.first_key_day,
            uploaded=self.people.uploaded,
            alerted_f1_at=self.people.alerted_f1_at,
            alerted_by=self.people.alerted_by,
            alerted_f2_at=self.people.alerted_f2_at,
            venue_alerted_at=self.people.venue_alerted_at,
            close_pairs=np.concatenate(self.close_pairs) if self.close_pairs else np.zeros((0, 3), np.int64),
            days=self.days,
            day_starts=self.t0 + np.arange(self.scenario.run.days, dtype=np.float64) * DAY,
            sighting_rows=self.scans_of_dropped_logs + sum(len(log) for log in self.logs.values()),
            seeds=self.scenario.population.seeds,
            uploads_by_type=uploads_by_type,
            uploads_by_route=uploads_by_route,
            check_ins=0 if self.venues is None else self.venues.check_ins,
        )

    def _days(self, clock: ManualClock) -> None:
        total = self.scenario.run.days
        for day in range(total):
            self._day(day, clock)
            self.progress(day + 1, total)

    def _seed_infections(self) -> None:
        rng = self.stream(Stream.SEEDS)
        n = len(self.population)
        who = rng.choice(n, size=self.scenario.population.seeds, replace=False)
        # Seeds were infected over the week before the run, so some are already infectious.
        at = self.t0 - rng.uniform(0, 7 * DAY, len(who))
        self._infect(who, at, np.full(len(who), -1, np.int32), np.full(len(who), -1, np.int8))

    def _infect(
        self,
        who: npt.NDArray[np.intp],
        at: F64,
        by: npt.NDArray[np.int32],
        setting: npt.NDArray[np.int8],
    ) -> None:
        self.infections.infect(who, at=at, by=by, setting=setting)
        symptomatic = self.infections.symptomatic[who]
        tested = who[symptomatic & self.people.tested_if_symptomatic[who]]
        self._test(tested, self.infections.onset_at[tested] + self.people.test_delay[tested])
        response = self.scenario.response
        if self.with_app and response.self_report > 0:
            untested = who[
                symptomatic & ~self.people.tested_if_symptomatic[who] & self.population.has_app[who]
            ]
            luck = noise.uniform(self.stream.seed, SELF_TEST_LUCK, untested)
            reporting = untested[luck < response.self_report * response.rapid_test_sensitivity]
            self.people.self_report_plan[reporting] = (
                self.infections.onset_at[reporting] + self.people.test_delay[reporting]
            )

    # ------------------------------------------------------------------ one day

    def _day(self, day: int, clock: ManualClock) -> None:
        start = self.t0 + day * DAY
        end = start + DAY
        figures = DayFigures(self.scenario.run.start + timedelta(days=day))
        self.days.append(figures)
        if self.with_app:
            self._ensure_ids(start, end)
        away = self.people.confirm_plan < start
        quarantined = (self.people.quarantine_from <= start) & (start < self.people.quarantine_until)
        # Who stays home after their symptoms began, from the next day, for as long as a quarantine.
        onset = self.infections.onset_at
        isolating = self.people.isolates_at_onset & self.infections.symptomatic & (onset < start)
        isolating &= start < onset + self.scenario.response.quarantine_days * DAY
        home_only = (quarantined | isolating) & ~away
        figures.quarantined = int(home_only.sum())
        weekday = (self.scenario.run.start + timedelta(days=day)).weekday()
        restrictions = self.scenario.restrictions_on(day)
        infected = self.infections.infected_at < end
        app = self.population.has_app
        encounters, visits = day_contacts(
            self.population,
            weekday=weekday,
            away=away,
            home_only=home_only,
            seed=self.stream.seed,
            day=day,
            wanted=Wanted(any_of=infected, both_of=app if self.with_app else np.zeros_like(app)),
            restrictions=restrictions,
        )
        involved = infected[encounters.a] | infected[encounters.b]
        app_pair = (
            (app[encounters.a] & app[encounters.b]) if self.with_app else np.zeros(len(encounters), bool)
        )
        chosen = encounters.take(involved)
        steps = expand(chosen, Draw(self.stream.seed, day))
        when = start + steps.step.astype(np.float64) * STEP_SECONDS + STEP_SECONDS / 2
        a, b = chosen.a[steps.encounter], chosen.b[steps.encounter]
        isolates_at = self.people.confirm_plan
        present = when < np.minimum(isolates_at[a], isolates_at[b])  # isolated mid-day
        involved_step = present & (infected[a] | infected[b])

        self._record_close_pairs(day, a[involved_step], b[involved_step], steps.distance_m[involved_step])
        figures.infections = self._transmit(
            chosen,
            steps.encounter[involved_step],
            when[involved_step],
            steps.distance_m[involved_step],
            masks=restrictions.masks,
        )
        if self.with_app:
            self._log_scans(day, encounters.take(app_pair), start)
        if self.venues is not None:
            self.venues.check_in(
                day,
                visits,
                has_app=self.population.has_app,
                share=self.scenario.response.venue_check_in,
                day_start=start,
                rng=self.stream(Stream.VENUES, day),
            )
        self._events(day, start, end, clock, figures)

    def _ensure_ids(self, start: float, end: float) -> None:
        first, last = int(start // DAY_SECONDS), int((end - 1) // DAY_SECONDS)
        for utc_day in range(first, last + 2):  # the next day's keys are derived while this one runs
            if utc_day not in self.ids and utc_day not in self._deriving:
                self._deriving[utc_day] = self._in_background(self._derive_ids, utc_day)
        for utc_day in range(first, last + 1):
            if utc_day not in self.ids:
                self.ids[utc_day] = self._deriving.pop(utc_day).result()
        oldest = int(start // DAY_SECONDS) - LOG_DAYS - 1
        for utc_day in [d for d in self.ids if d < oldest]:
            del self.ids[utc_day]

    def _derive_ids(self, utc_day: int) -> DayIds:
        users = self.population.app_users
        tx = self.population.handsets.tx_power[users]
        return derive_day(utc_day, len(users), tx, self.stream(Stream.KEYS, utc_day), self.backend)

    def _in_background(self, work: Callable[..., T], *args: object) -> Future[T]:
        """Work that releases the GIL (the core's crypto, the log's index), done beside the main loop."""
        assert self._background is not None, "only while the run runs"
        return self._background.submit(work, *args)

    def _record_close_pairs(
        self, day: int, a: npt.NDArray[np.int32], b: npt.NDArray[np.int32], distance: npt.NDArray[np.float32]
    ) -> None:
        """Pairs within 2 m for 15 minutes or more today (summed over the day's encounters)."""
        close = distance <= CLOSE_M
        n = len(self.population)
        pair = a[close].astype(np.int64) * n + b[close]
        pairs, steps = np.unique(pair, return_counts=True)
        enough = pairs[steps * STEP_SECONDS >= CLOSE_MINUTES * 60]
        self.close_pairs.append(np.column_stack([enough // n, enough % n, np.full(len(enough), day)]))

    def _transmit(
        self,
        encounters: Encounters,
        row: npt.NDArray[np.int64],
        when: F64,
        distance: npt.NDArray[np.float32],
        *,
        masks: float,
    ) -> int:
        a, b = encounters.a[row].astype(np.intp), encounters.b[row].astype(np.intp)
        source = np.concatenate([a, b])
        target = np.concatenate([b, a])
        at = np.concatenate([when, when])
        setting = np.concatenate([encounters.setting[row]] * 2)
        dist = np.concatenate([distance, distance])
        inf = self.infections
        could = (inf.infected_at[source] < at) & ~(inf.infected_at[target] < NEVER)
        source, target, at, setting, dist = (
            source[could],
            target[could],
            at[could],
            setting[could],
            dist[could],
        )
        hit = transmissions(
            source,
            target,
            at=at,
            distance_m=dist,
            setting=setting,
            infections=inf,
            settings=self.scenario.epidemic,
            seed=self.stream.seed,
            masks=masks,
        )
        source, target, at, setting = source[hit], target[hit], at[hit], setting[hit]
        order = np.lexsort((at, target))
        first = order[np.r_[True, target[order][1:] != target[order][:-1]]] if len(order) else order
        self._infect(target[first], at[first], source[first].astype(np.int32), setting[first])
        return len(first)

    def _log_scans(self, day: int, encounters: Encounters, start: float) -> None:
        """Every scan of the day between app users, up to the moment one of the two was isolated."""
        isolated_today = self.people.confirm_plan < start + DAY
        cut_rows = np.flatnonzero(isolated_today[encounters.a] | isolated_today[encounters.b])
        a, b = encounters.a[cut_rows], encounters.b[cut_rows]
        cut = np.minimum(self.people.confirm_plan[a], self.people.confirm_plan[b])
        # A step counts while its middle comes before the cut, as for the steps of `expand`.
        last = np.ceil((cut - start - STEP_SECONDS / 2) / STEP_SECONDS)
        end = np.full(len(encounters), STEPS_PER_DAY, np.int16)
        end[cut_rows] = np.clip(last, 0, STEPS_PER_DAY)
        radio = Radio(
            self.channel,
            emit_db=self.people.emit_db,
            hear_db=self.people.hear_db,
            seed=self.stream.seed,
            day=day,
        )
        self.logs[day] = DayLog(
            cut_short(encounters, end),
            radio,
            day_start=start,
            ids=self.ids,
            app_index=self.people.app_index,
            scan_phase=self.people.scan_phase,
            backend=self.backend,
            prepare=self._in_background,
        )
        for old in [d for d in self.logs if d <= day - LOG_DAYS]:
            self.scans_of_dropped_logs += len(self.logs.pop(old))

    # ------------------------------------------------------------------ events of the day

    def _events(self, day: int, start: float, end: float, clock: ManualClock, figures: DayFigures) -> None:
        """Confirmations and phone checks, in time order."""
        rng = self.stream(Stream.RESPONSE, day)
        due = np.flatnonzero((self.people.confirm_plan >= start) & (self.people.confirm_plan < end))
        events: list[tuple[float, Event, int]] = [
            (float(self.people.confirm_plan[p]), Event.CONFIRMATION, int(p)) for p in due
        ]
        plan = self.people.self_report_plan
        events += [
            (float(plan[p]), Event.SELF_REPORT, int(p))
            for p in np.flatnonzero((plan >= start) & (plan < end))
        ]
        if self.with_app:
            every = self.scenario.response.check_every_hours * 3600
            events += [(start + k * every, Event.PHONE_CHECK, -1) for k in range(1, int(DAY // every) + 1)]
        heapq.heapify(events)
        while events:
            at, kind, person = heapq.heappop(events)
            clock.set(at)
            if kind is Event.CONFIRMATION:
                self._confirm(person, at, day, rng, figures)
            elif kind is Event.SELF_REPORT:
                self._self_report(person, at, figures)
            else:
                self._check(at, day, rng, figures)
        self._trace(day, end, rng, figures)

    def _confirm(
        self, person: int, at: float, day: int, rng: np.random.Generator, figures: DayFigures
    ) -> None:
        if self.people.confirmed_at[person] < NEVER:
            return
        self.people.confirmed_at[person] = at
        figures.confirmed += 1
        onset = self.infections.onset_at[person]
        symptomatic = bool(self.infections.symptomatic[person]) and onset <= at
        self.people.first_key_day[person] = (onset if symptomatic else at) - 2 * DAY
        tracing = self.scenario.response.manual_tracing
        if tracing is not ManualTracing.NONE:
            household = np.flatnonzero(self.population.household == self.population.household[person])
            self._quarantine(household[household != person], at, compliance=1.0, rng=rng)
            self._test_found(household[household != person], at, rng)
        if tracing in (ManualTracing.F1, ManualTracing.F1_F2):
            self.tracing_queue.append(person)
        route = self._route(person) if self.with_app and self.population.has_app[person] else None
        if route is not None:
            self._upload(
                person,
                at,
                test_type="confirmed",
                onset=onset if symptomatic else None,
                rng=rng,
                figures=figures,
                route=route,
            )

    def _route(self, person: int) -> str | None:
        """How a confirmed app user's upload is authorised: by the lab's result in the app, by a case
        worker's code, or not at all (nobody reached them). Each person's luck is their own, so a sweep's
        points differ only where the setting does (whom the lab reaches at 0.5 it reaches at 1 too)."""
        response = self.scenario.response
        luck = noise.uniform(self.stream.seed, ROUTE_LUCK, np.array([person, person]), np.array([0, 1]))
        if luck[0] < response.lab_delivery:
            return "lab"
        return "case_worker" if luck[1] < response.code_reach else None

    def _self_report(self, person: int, at: float, figures: DayFigures) -> None:
        """A positive rapid test reported in the app: the code comes by text to the person's number."""
        assert self.authority is not None
        if self.people.confirm_plan[person] <= at:
            return  # confirmed by a PCR test meanwhile: that route uploads
        onset = local_date(self.infections.onset_at[person])
        self.people.first_key_day[person] = self.infections.onset_at[person] - 2 * DAY
        try:
            code = self.authority.self_report(number_of(person), local_date(at))
            teks = self._teks_of(person, at)
            self.authority.upload(code, teks, max(onset, local_date(at) - timedelta(days=12)), "self-report")
        except ServerError:
            return
        self.key_owner.update({tek: person for _, tek in teks})
        figures.uploads += 1

    def _upload(
        self,
        person: int,
        at: float,
        *,
        test_type: str,
        onset: float | None,
        rng: np.random.Generator,
        figures: DayFigures,
        route: str = "case_worker",
    ) -> None:
        assert self.authority is not None
        when = local_date(at)
        onset_date = None if onset is None else local_date(onset)
        if onset_date is not None and (when - onset_date).days > 13:
            onset_date = None  # too long ago to say: the case worker gives the test date instead
        if route == "case_worker":
            code = self.authority.issue_code(
                test_type, symptom_date=onset_date, test_date=None if onset_date else when
            )
        consent = self.scenario.response.upload_consent if test_type == "confirmed" else 1.0
        if rng.random() >= consent:
            return
        since = max(onset_date or when, when - timedelta(days=12))  # the phone adds the 2 days before
        stays = (
            self.venues.shared_by(person, self.people.first_key_day[person])
            if self.venues is not None and test_type == "confirmed"
            else []
        )
        teks = self._teks_of(person, at)
        try:
            if route == "lab":
                sampled = local_date(at - self.scenario.response.result_hours * 3600)
                self.authority.lab_upload(teks, since, sampled, stays)
            else:
                self.authority.upload(code, teks, since, test_type, stays)
        except ServerError:
            return
        self.key_owner.update({tek: person for _, tek in teks})  # to tell whose key caused an alert
        figures.uploads += 1
        if test_type == "confirmed":
            self.people.uploaded[person] = True

    def _teks_of(self, person: int, at: float) -> list[tuple[int, bytes]]:
        row = int(self.people.app_index[person])
        today = int(at // DAY_SECONDS)
        return [
            (utc_day * ROLLING_PERIOD, ids.teks[row].tobytes())
            for utc_day, ids in sorted(self.ids.items())
            if utc_day <= today
        ]

    def _quarantine(
        self, people: npt.NDArray[np.intp], at: float, *, compliance: float, rng: np.random.Generator
    ) -> None:
        """Those who comply stay home from the next day for the quarantine's length."""
        staying = people[rng.random(len(people)) < compliance]
        next_day = self.t0 + (np.floor((at - self.t0) / DAY) + 1) * DAY
        until = next_day + self.scenario.response.quarantine_days * DAY
        self.people.quarantine_from[staying] = np.minimum(self.people.quarantine_from[staying], next_day)
        self.people.quarantine_until[staying] = np.maximum(self.people.quarantine_until[staying], until)

    def _test_found(self, people: npt.NDArray[np.intp], at: float, rng: np.random.Generator) -> None:
        """An F1 (or a household member) found at `at` is tested on each of the response's test days."""
        tested = people[rng.random(len(people)) < self.scenario.response.f1_test]
        for days in self.scenario.response.f1_test_days:
            self._test(tested, np.full(len(tested), at + days * DAY))

    def _test(self, people: npt.NDArray[np.intp], test_at: F64) -> None:
        """Tests of `people` at `test_at`: a positive one plans the confirmation when its result comes. Each
        test's luck is addressed by the person and the moment, so the runs with and without the app agree.
        The test reads the infection as known now (someone infected after this moment tests negative)."""
        draws = noise.uniform(self.stream.seed, TEST_LUCK, people, test_at.astype(np.int64))
        positive = self.infections.test_positive(
            people, test_at, self.scenario.response.test_specificity, draws
        )
        confirm = test_at[positive] + self.scenario.response.result_hours * 3600
        who = people[positive]
        np.minimum.at(self.people.confirm_plan, who, confirm)

    def _trace(self, day: int, end: float, rng: np.random.Generator, figures: DayFigures) -> None:
        """Case workers trace as many of the waiting cases as they can today (first confirmed, first
        traced): the close contacts they find quarantine and are tested (F1), and with F1/F2 tracing the
        F1s' households stay home too (F2)."""
        response = self.scenario.response
        capacity = round(response.tracing_capacity * len(self.population) / 100_000)
        cases = np.array(self.tracing_queue[:capacity], dtype=np.intp)
        del self.tracing_queue[:capacity]
        figures.traced = len(cases)
        if not len(cases):
            return
        recent = [p for p in self.close_pairs[-TRACE_DAYS:] if len(p)]
        pairs = np.concatenate(recent) if recent else np.zeros((0, 3), np.int64)
        from_day = np.full(len(self.population), np.iinfo(np.int64).max)
        from_day[cases] = np.floor((self.people.first_key_day[cases] - self.t0) / DAY).astype(np.int64)
        found = []
        for case_side, other_side in ((0, 1), (1, 0)):
            rows = pairs[pairs[:, 2] >= from_day[pairs[:, case_side]]]
            found.append(np.column_stack([rows[:, case_side], rows[:, other_side]]))
        case, contact = np.concatenate(found).T
        pop = self.population
        known = (
            (pop.household[case] == pop.household[contact])
            | ((pop.school_class[case] == pop.school_class[contact]) & (pop.school_class[case] != NO_GROUP))
            | ((pop.team[case] == pop.team[contact]) & (pop.team[case] != NO_GROUP))
        )
        chance = np.where(known, response.tracing_finds_known, response.tracing_finds_strangers)
        f1 = np.unique(contact[rng.random(len(contact)) < chance])
        f1 = f1[~(self.people.confirm_plan[f1] < end)]  # not those already confirmed
        figures.traced_f1 += len(f1)
        self._quarantine(f1, end, compliance=response.quarantine_compliance, rng=rng)
        self._test_found(f1, end, rng)
        if response.manual_tracing is ManualTracing.F1_F2:
            f2 = np.flatnonzero(np.isin(pop.household, pop.household[f1]))
            f2 = f2[~np.isin(f2, f1)]
            figures.traced_f2 += len(f2)
            self._quarantine(f2, end, compliance=response.quarantine_compliance, rng=rng)

    def _check(self, at: float, day: int, rng: np.random.Generator, figures: DayFigures) -> None:
        """Every phone downloads what is new, verifies it, matches it against its log and alerts."""
        assert self.authority is not None
        self.authority.export()
        for batch in self.authority.download():
            keys = DiagnosisKeys.from_keys(batch)
            heard = HeardScans.concat([log.match(keys, before=at) for log in self.logs.values()])
            if len(heard) == 0:
                continue
            self._alert(keys, heard, at, rng, figures)
        if self.venues is not None:
            at_venue = self.venues.alerted_by(self.authority.venue_reports())
            fresh = at_venue[
                ~(self.people.venue_alerted_at[at_venue] < NEVER)
                & ~(self.people.confirmed_at[at_venue] < NEVER)
            ]
            self.people.venue_alerted_at[fresh] = at
            figures.alerts_venue += len(fresh)

    def _alert(
        self, keys: DiagnosisKeys, heard: HeardScans, at: float, rng: np.random.Generator, figures: DayFigures
    ) -> None:
        correction = self.population.handsets.rssi_correction[heard.receiver].astype(np.float64)
        tx = heard.tx_power.astype(np.float64)
        scans = ScanInstances.sorted(
            phone=heard.receiver,
            key=heard.key,
            time=heard.time,
            min_db=tx - (heard.max_rssi + correction),
            mean_db=tx - (heard.mean_rssi + correction),
            packets=heard.packets,
        )
        risk = daily_risk(windows_from_scans(scans, self.risk), keys, self.risk, today=int(at // DAY_SECONDS))
        f1_rows = np.flatnonzero(risk.level == Level.F1)
        f1, first_row = np.unique(risk.phone[f1_rows], return_index=True)
        cause = risk.strongest_key[f1_rows[first_row]]
        new = ~(self.people.alerted_f1_at[f1] < NEVER)
        f1, cause = f1[new], cause[new]
        self.people.alerted_by[f1] = [self.key_owner.get(keys.key_data[k].tobytes(), -1) for k in cause]
        f2 = np.unique(risk.phone[risk.level == Level.F2])
        f2 = f2[~(self.people.alerted_f2_at[f2] < NEVER) & ~(self.people.alerted_f1_at[f2] < NEVER)]
        self.people.alerted_f1_at[f1] = at
        self.people.alerted_f2_at[f2] = at
        figures.alerts_f1 += len(f1)
        figures.alerts_f2 += len(f2)
        response = self.scenario.response
        self._quarantine(f1, at, compliance=response.quarantine_compliance, rng=rng)
        self._test_found(f1, at, rng)
        exposure_day = {
            int(p): int(d)
            for p, d in zip(risk.phone[risk.level == Level.F1], risk.day[risk.level == Level.F1], strict=True)
        }
        for person in f1[rng.random(len(f1)) < response.f1_declares]:
            if self.people.confirm_plan[person] <= at:
                continue
            exposed = exposure_day[int(person)] * DAY_SECONDS
            self._upload(int(person), at, test_type="close-contact", onset=exposed, rng=rng, figures=figures)
