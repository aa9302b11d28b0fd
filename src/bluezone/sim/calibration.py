"""Fitting the disease to what was observed: transmissibility outside the home to an R0, a doubling time or a
daily case series (whose growth gives the doubling time), and transmissibility at home to a household attack
rate. The readouts are those of the run without the app, averaged over several seeds; each setting is
bisected on a log scale, as its readout grows (R0, attack rate) or shrinks (doubling time) with it."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bluezone.errors import InvalidInput
from bluezone.sim.engine import Run
from bluezone.sim.readouts import EARLY_DAYS, FOLLOW_DAYS, readout
from bluezone.sim.scenario import SECTIONS, Scenario

SPAN = 8.0  # the search runs from a value/8 to 8× around the scenario's own


@dataclass(frozen=True)
class Target:
    """A readout to fit, the setting fitted to it, and whether the readout grows with the setting."""

    readout: str
    setting: str
    rises: bool


TARGETS = {
    "R0": Target("R0", "epidemic.transmissibility", rises=True),
    "doubling_days": Target("doubling_days", "epidemic.transmissibility", rises=False),
    "household_attack_rate": Target(
        "household_attack_rate", "epidemic.household_transmissibility", rises=True
    ),
}


@dataclass(frozen=True)
class Step:
    target: str
    value: float  # of the target's setting
    measured: float | None  # the mean over the seeds that gave a figure


@dataclass(frozen=True)
class Calibration:
    wanted: dict[str, float]
    steps: list[Step]
    scenario: Scenario  # with the fitted settings
    measured: dict[str, float | None]  # every readout of the fitted scenario, the seeds' mean

    def residual(self, target: str) -> float | None:
        value = self.measured.get(target)
        return None if value is None else value - self.wanted[target]


def _closest(steps: list[Step], wanted: float) -> Step:
    return min(steps, key=lambda s: math.inf if s.measured is None else abs(s.measured - wanted))


def doubling_from_cases(text: str) -> float:
    """The doubling time of a daily case series (CSV: date, cases): ln 2 over the slope of log cases on the
    days with 3 or more."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or {"date", "cases"} - set(rows[0]):
        raise InvalidInput("the case series needs the columns date and cases", code="bad_cases")
    try:
        days = np.array([(date.fromisoformat(r["date"]) - date(1970, 1, 1)).days for r in rows], dtype=float)
        cases = np.array([float(r["cases"]) for r in rows])
    except ValueError as error:
        raise InvalidInput(f"the case series has a bad date or count: {error}", code="bad_cases") from None
    used = cases >= 3
    if used.sum() < 4:
        raise InvalidInput("the case series needs 4 days or more with 3 cases or more", code="bad_cases")
    slope = float(np.polyfit(days[used], np.log(cases[used]), 1)[0])
    if slope <= 0:
        raise InvalidInput(
            "the case series does not grow: there is no doubling time to fit", code="bad_cases"
        )
    return math.log(2) / slope


def _readouts(scenario: Scenario) -> dict[str, float | None]:
    return asdict(readout(Run(scenario, with_app=False, workdir=None).run()))


def _mean_readouts(
    pool: ProcessPoolExecutor, scenario: Scenario, seeds: int, unmitigated: bool
) -> dict[str, float | None]:
    measured = scenario.unmitigated() if unmitigated else scenario
    runs = [measured.with_overrides(**{"run.seed": scenario.run.seed + i}) for i in range(seeds)]
    found = list(pool.map(_readouts, runs))
    means: dict[str, float | None] = {}
    for key in found[0]:
        values = [v for f in found if (v := f[key]) is not None]
        means[key] = float(np.mean(values)) if values else None
    return means


def measure(scenario: Scenario, seeds: int, *, unmitigated: bool = True) -> dict[str, float | None]:
    """The readouts of the run without the app, the mean over `seeds` seeds from the scenario's own."""
    with ProcessPoolExecutor(max_workers=max(1, min(seeds, os.cpu_count() or 1))) as pool:
        return _mean_readouts(pool, scenario, seeds, unmitigated)


def _bisect(
    pool: ProcessPoolExecutor,
    scenario: Scenario,
    target: Target,
    wanted: float,
    *,
    seeds: int,
    steps: int,
    unmitigated: bool,
    tick: Callable[[], None],
) -> tuple[Scenario, list[Step]]:
    """Bisect the target's setting, on a log scale between a value/8 and 8×, until the readout meets it."""
    section, key = target.setting.split(".")
    base = getattr(getattr(scenario, section), key)
    low, high = math.log(base / SPAN), math.log(min(base * SPAN, 1.0))
    done: list[Step] = []
    for _ in range(steps):
        value = math.exp((low + high) / 2)
        trial = scenario.with_overrides(**{target.setting: value})
        measured = _mean_readouts(pool, trial, seeds, unmitigated)[target.readout]
        done.append(Step(target.readout, value, measured))
        # No figure means no growth (doubling) or no household reached: the setting is too low.
        too_high = measured is not None and (measured > wanted) == target.rises
        low, high = (low, math.log(value)) if too_high else (math.log(value), high)
        tick()
    best = _closest(done, wanted)
    return scenario.with_overrides(**{target.setting: best.value}), done


def calibrate(
    scenario: Scenario,
    wanted: dict[str, float],
    *,
    seeds: int = 3,
    steps: int = 8,
    rounds: int | None = None,
    unmitigated: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Fit each wanted readout with its own setting, one after the other, over `rounds` rounds (two when
    several targets pull on one another: the household's transmissibility moves R0 too). `unmitigated`:
    measure the town with no response at all (nobody tested, traced or restricted), as an R0 is defined;
    otherwise with the scenario's (a case series observed under that response)."""
    for name, value in wanted.items():
        if name not in TARGETS:
            raise InvalidInput(f"a target is one of {', '.join(TARGETS)}", code="bad_target")
        if value <= 0:
            raise InvalidInput("a target must be above 0", code="bad_target")
        if name == "household_attack_rate" and value >= 1:
            raise InvalidInput("a household attack rate is a share, below 1", code="bad_target")
    if not wanted:
        raise InvalidInput("give a target to fit", code="bad_target")
    if len({TARGETS[name].setting for name in wanted}) < len(wanted):
        raise InvalidInput("R0 and the doubling time both set transmissibility: give one", code="bad_target")
    if "R0" in wanted and scenario.run.days < EARLY_DAYS + FOLLOW_DAYS:
        raise InvalidInput(f"R0 needs runs of {EARLY_DAYS + FOLLOW_DAYS} days or more", code="bad_target")
    rounds = rounds if rounds is not None else (2 if len(wanted) > 1 else 1)
    total = rounds * len(wanted) * steps
    done: list[Step] = []

    ticks = itertools.count(1)

    def tick() -> None:
        step = next(ticks)
        if progress:
            progress(step, total)

    # The household first: it moves R0 more than transmissibility outside moves the household's attack rate.
    order = sorted(wanted, key=lambda name: name != "household_attack_rate")
    with ProcessPoolExecutor(max_workers=max(1, min(seeds, os.cpu_count() or 1))) as pool:
        for _ in range(rounds):
            for name in order:
                scenario, steps_done = _bisect(
                    pool,
                    scenario,
                    TARGETS[name],
                    wanted[name],
                    seeds=seeds,
                    steps=steps,
                    unmitigated=unmitigated,
                    tick=tick,
                )
                done += steps_done
        measured = _mean_readouts(pool, scenario, seeds, unmitigated)
    return Calibration(wanted, done, scenario, measured)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def scenario_toml(scenario: Scenario, comment: str) -> str:
    """The scenario as a TOML file `bluezone sim run --config` reads (settings left unset are left out)."""
    lines = [f"# {line}" for line in comment.splitlines()]
    tables = [(f"[{name}]", getattr(scenario, name).model_dump()) for name in SECTIONS]
    tables += [("[[interventions]]", i.model_dump()) for i in scenario.interventions]
    for header, values in tables:
        lines += ["", header]
        lines += [f"{key} = {_toml_value(value)}" for key, value in values.items() if value is not None]
    return "\n".join(lines) + "\n"


def write_scenario(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
