"""What `bluezone demo` and `bluezone sim` run: the town with the app (real servers) and, on the other
core, the same town and seed without it; or the same town at several adoption levels. Results as one
summary each, the figures the report draws, and the JSON the commands print.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bluezone.sim.engine import Run
from bluezone.sim.epidemic import NEVER
from bluezone.sim.metrics import AlertQuality, alert_quality
from bluezone.sim.readouts import EpidemicReadout, readout
from bluezone.sim.scenario import Scenario
from bluezone.sim.state import Outcome

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Curve:
    """Daily counts of one run, for the report's plots."""

    days: list[str]
    infections: list[int]
    confirmed: list[int]
    uploads: list[int]
    alerts_f1: list[int]
    alerts_f2: list[int]
    alerts_venue: list[int]
    quarantined: list[int]
    traced_f1: list[int]  # close contacts case workers found

    @classmethod
    def of(cls, outcome: Outcome) -> Curve:
        d = outcome.days
        return cls(
            days=[f.day.isoformat() for f in d],
            infections=[f.infections for f in d],
            confirmed=[f.confirmed for f in d],
            uploads=[f.uploads for f in d],
            alerts_f1=[f.alerts_f1 for f in d],
            alerts_f2=[f.alerts_f2 for f in d],
            alerts_venue=[f.alerts_venue for f in d],
            quarantined=[f.quarantined for f in d],
            traced_f1=[f.traced_f1 for f in d],
        )


ADOPTION = "population.adoption"


@dataclass(frozen=True)
class Summary:
    people: int
    days: int
    adoption: float
    seed: int
    f0_confirmed: int
    f0_uploaded: int
    alerts_f1: int
    alerts_f2: int
    alerts_venue: int
    check_ins: int
    close_contact_uploads: int
    upload_share: float | None  # of confirmed cases with the app, the share who uploaded
    infections_with_app: int
    infections_without_app: int | None
    sightings_logged: int
    quality: AlertQuality
    epidemic: (
        EpidemicReadout  # the disease in this town with nobody responding: what published figures describe
    )
    under_response: EpidemicReadout  # the same read from the run without the app (or with it, if alone)
    with_app: Curve
    without_app: Curve | None
    interventions: list[tuple[int, int, str | None]]  # first and last day (from 1), directive if one
    uploads_by_route: dict[str, int] = field(default_factory=dict)  # case_worker, lab, self_report
    traced_cases: int = 0  # cases case workers traced, in the run with the app
    traced_f1: int = 0
    traced_f2: int = 0

    @property
    def infections_averted(self) -> int | None:
        """Infections the app prevented: the same town and seed without it, less with it."""
        if self.infections_without_app is None:
            return None
        return self.infections_without_app - self.infections_with_app

    def as_json(self, report: Path | None) -> dict[str, object]:
        """The documented names first, then the rest of the alert figures."""
        q = self.quality
        return {
            "people": self.people,
            "days": self.days,
            "adoption": self.adoption,
            "f0_confirmed": self.f0_confirmed,
            "f0_uploaded": self.f0_uploaded,
            "uploads_by_route": self.uploads_by_route,
            "alerts_f1": self.alerts_f1,
            "alerts_f2": self.alerts_f2,
            "true_close_contacts": q.true_close_contacts,
            "precision": _round(q.precision),
            "recall": _round(q.recall),
            "f1": _round(q.f1),
            "median_hours_to_alert": _round(q.median_hours_to_alert, 1),
            "infections_with_app": self.infections_with_app,
            "infections_without_app": self.infections_without_app,
            "infections_averted": self.infections_averted,
            "alerts_per_uploading_case": _round(q.alerts_per_uploading_case, 2),
            "alerted_later_positive": _round(q.alerted_later_positive),
            "epidemic": self.epidemic.as_json(),
            "epidemic_under_response": self.under_response.as_json(),
            "report": None if report is None else str(report),
            "recall_app_pairs": _round(q.recall_app_pairs),
            "recall_uploaded_pairs": _round(q.recall_uploaded_pairs),
            "close_contact_uploads": self.close_contact_uploads,
            "traced_cases": self.traced_cases,
            "traced_f1": self.traced_f1,
            "traced_f2": self.traced_f2,
            "alerts_venue": self.alerts_venue,
            "check_ins": self.check_ins,
            "sightings_logged": self.sightings_logged,
            "seed": self.seed,
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def infections_during(outcome: Outcome) -> int:
    """Infections that happened in the run (seeds excluded)."""
    infected_at = outcome.infections.infected_at
    return int((np.isfinite(infected_at) & (infected_at >= outcome.day_starts[0])).sum())


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarise(
    scenario: Scenario, with_app: Outcome, without_app: Outcome | None, disease: EpidemicReadout | None = None
) -> Summary:
    """`disease`: the readout of the town with nobody responding (`unmitigated`); without it, the epidemic
    is read from the run under the response."""
    under_response = readout(with_app if without_app is None else without_app)
    confirmed_with_app = (with_app.confirmed_at < NEVER) & with_app.population.has_app
    return Summary(
        people=scenario.population.people,
        days=scenario.run.days,
        adoption=scenario.population.adoption,
        seed=scenario.run.seed,
        f0_confirmed=int((with_app.confirmed_at < NEVER).sum()),
        f0_uploaded=int(with_app.uploaded.sum()),
        alerts_f1=int((with_app.alerted_f1_at < NEVER).sum()),
        alerts_f2=int((with_app.alerted_f2_at < NEVER).sum()),
        alerts_venue=int((with_app.venue_alerted_at < NEVER).sum()),
        check_ins=with_app.check_ins,
        close_contact_uploads=with_app.uploads_by_type.get("close-contact", 0),
        upload_share=_share(int(with_app.uploaded.sum()), int(confirmed_with_app.sum())),
        infections_with_app=infections_during(with_app),
        infections_without_app=None if without_app is None else infections_during(without_app),
        sightings_logged=with_app.sighting_rows,
        quality=alert_quality(with_app),
        epidemic=disease or under_response,
        under_response=under_response,
        with_app=Curve.of(with_app),
        without_app=None if without_app is None else Curve.of(without_app),
        interventions=[
            (
                i.start_day,
                min(i.end_day or scenario.run.days, scenario.run.days),
                i.directive and i.directive.value,
            )
            for i in scenario.interventions
            if i.start_day <= scenario.run.days
        ],
        uploads_by_route=with_app.uploads_by_route,
        traced_cases=sum(f.traced for f in with_app.days),
        traced_f1=sum(f.traced_f1 for f in with_app.days),
        traced_f2=sum(f.traced_f2 for f in with_app.days),
    )


def _without_app(scenario: Scenario) -> Outcome:
    return Run(scenario, with_app=False, workdir=None).run()


def unmitigated(scenario: Scenario) -> EpidemicReadout:
    """The disease in this town and seed with nobody tested, traced, isolated or restricted."""
    return readout(_without_app(scenario.unmitigated()))


def run_with_and_without(scenario: Scenario, progress: Progress | None = None) -> Summary:
    """The run with the app here; the same town and seed without it, and with no response at all, in a
    second process meanwhile."""
    with (
        ProcessPoolExecutor(max_workers=1) as pool,
        tempfile.TemporaryDirectory(prefix="bluezone-sim-") as work,
    ):
        counterfactual: Future[Outcome] = pool.submit(_without_app, scenario)
        disease = pool.submit(unmitigated, scenario)
        with_app = Run(scenario, with_app=True, workdir=Path(work), progress=progress).run()
        return summarise(scenario, with_app, counterfactual.result(), disease.result())


def _with_app_only(scenario: Scenario) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="bluezone-sim-") as work:
        return Run(scenario, with_app=True, workdir=Path(work)).run()


def sweep(
    scenario: Scenario,
    values: Sequence[float],
    progress: Progress | None = None,
    setting: str = ADOPTION,
) -> list[Summary]:
    """The same town and seed at each value of one setting (adoption unless told), two runs at a time, and
    once without the app: the settings swept shape only the app's run (adoption, the response's routes to
    an upload), so one counterfactual serves every value."""
    runs = [scenario.with_overrides(**{setting: v}) for v in values]
    done = 0
    with ProcessPoolExecutor(max_workers=2) as pool:
        counterfactual: Future[Outcome] = pool.submit(_without_app, scenario)
        disease = pool.submit(unmitigated, scenario)
        futures = [pool.submit(_with_app_only, s) for s in runs]
        results = []
        for run, future in zip(runs, futures, strict=True):
            results.append(summarise(run, future.result(), counterfactual.result(), disease.result()))
            done += 1
            if progress:
                progress(done, len(runs))
    return results


def _both(scenario: Scenario) -> Summary:
    """One seed's run with the app, without it and with no response, one after the other in this process."""
    with tempfile.TemporaryDirectory(prefix="bluezone-sim-") as work:
        with_app = Run(scenario, with_app=True, workdir=Path(work)).run()
    return summarise(scenario, with_app, _without_app(scenario), unmitigated(scenario))


def run_seeds(scenario: Scenario, seeds: int, progress: Progress | None = None) -> list[Summary]:
    """The scenario with `seeds` seeds in a row from its own, each with and without the app, as many at a
    time as there are cores."""
    scenarios = [scenario.with_overrides(**{"run.seed": scenario.run.seed + i}) for i in range(seeds)]
    results: list[Summary] = []
    with ProcessPoolExecutor(max_workers=max(1, min(seeds, os.cpu_count() or 1))) as pool:
        for future in [pool.submit(_both, s) for s in scenarios]:
            results.append(future.result())
            if progress:
                progress(len(results), seeds)
    return results


# Assumed settings (docs/parameters.md) whose effect on the results `bluezone sim sensitivity` measures.
ASSUMED = (
    "response.test_after_symptoms",
    "response.isolate_at_onset",
    "response.upload_consent",
    "response.quarantine_compliance",
    "response.f1_declares",
    "response.tracing_capacity",
    "response.tracing_finds_strangers",
)


@dataclass(frozen=True)
class Sensitivity:
    setting: str
    value: float
    summary: Summary


def sensitivity(
    scenario: Scenario, settings: Sequence[str], factors: Sequence[float], progress: Progress | None = None
) -> list[Sensitivity]:
    """Each setting multiplied by each factor (kept within its bounds), the others as they are: the same town
    and seed, with and without the app, as many runs at a time as there are cores."""
    variants = []
    for setting in settings:
        section, key = setting.split(".")
        base = getattr(getattr(scenario, section), key)
        for factor in factors:
            value = min(base * factor, 1.0) if base <= 1 else base * factor
            variants.append((setting, value, scenario.with_overrides(**{setting: value})))
    found: list[Sensitivity] = []
    with ProcessPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        futures = [pool.submit(_both, s) for _, _, s in variants]
        for (setting, value, _), future in zip(variants, futures, strict=True):
            found.append(Sensitivity(setting, value, future.result()))
            if progress:
                progress(len(found), len(variants))
    return found


def median_run(results: Sequence[Summary]) -> Summary:
    """The run whose infections averted are the median: the one the report draws."""
    ranked = sorted(results, key=lambda r: (r.infections_averted or 0, r.seed))
    return ranked[(len(ranked) - 1) // 2]


def spread(values: Sequence[object]) -> object:
    """Many runs' JSON as one: each number as its median and 90 % interval ({median, low, high}; `runs` says
    how many had a figure when some had none), objects field by field, anything else as the runs' values
    when they differ."""
    first = values[0]
    if isinstance(first, dict):
        return {key: spread([v[key] for v in values]) for key in first}  # type: ignore[index]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers and len(values) > 1 and all(v is None or v in numbers for v in values):
        cut = (
            statistics.quantiles(numbers, n=20, method="inclusive") if len(numbers) > 1 else [numbers[0]] * 2
        )
        middle: dict[str, object] = {
            "median": round(statistics.median(numbers), 4),
            "low": round(cut[0], 4),
            "high": round(cut[-1], 4),
        }
        return middle if len(numbers) == len(values) else {**middle, "runs": len(numbers)}
    return first if all(v == first for v in values) else list(values)


def sweep_rows(
    results: Sequence[Summary], setting: str = ADOPTION, values: Sequence[float] | None = None
) -> list[dict[str, float | None]]:
    """One row a point: the setting's value (adoption unless told), then what the app did there."""
    shown = [r.adoption for r in results] if values is None else values
    return [
        {
            setting.rpartition(".")[2]: value,
            "uploads": sum(r.uploads_by_route.values()) or r.f0_uploaded,
            "uploads_lab": r.uploads_by_route.get("lab", 0),
            "uploads_self_report": r.uploads_by_route.get("self_report", 0),
            "alerts_f1": r.alerts_f1,
            "precision": _round(r.quality.precision),
            "recall": _round(r.quality.recall),
            "f1": _round(r.quality.f1),
            "recall_app_pairs": _round(r.quality.recall_app_pairs),
            "recall_uploaded_pairs": _round(r.quality.recall_uploaded_pairs),
            "infections": r.infections_with_app,
            "infections_averted": r.infections_averted,
            "alerts_per_uploading_case": _round(r.quality.alerts_per_uploading_case, 2),
            "alerted_later_positive": _round(r.quality.alerted_later_positive),
        }
        for r, value in zip(results, shown, strict=True)
    ]
