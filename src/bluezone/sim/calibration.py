"""Fitting the disease's transmissibility to what was observed: an R0, a doubling time, or a daily case
series (whose growth gives the doubling time). The readouts are those of the run without the app, averaged
over several seeds; the fit bisects on log β, as both grow (R0) or shrink (doubling time) with it."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bluezone.errors import InvalidInput
from bluezone.sim.engine import Run
from bluezone.sim.readouts import EARLY_DAYS, FOLLOW_DAYS, readout
from bluezone.sim.scenario import Scenario

SPAN = 8.0  # the search runs from β/8 to 8β around the scenario's own
TARGETS = ("R0", "doubling_days")


@dataclass(frozen=True)
class Step:
    transmissibility: float
    measured: float | None  # the mean over the seeds that gave a figure


@dataclass(frozen=True)
class Calibration:
    target: str
    wanted: float
    steps: list[Step]
    scenario: Scenario  # with the fitted transmissibility

    @property
    def fitted(self) -> Step:
        return min(
            self.steps, key=lambda s: math.inf if s.measured is None else abs(s.measured - self.wanted)
        )

    @property
    def residual(self) -> float | None:
        return None if self.fitted.measured is None else self.fitted.measured - self.wanted


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


def _measure(scenario: Scenario, target: str) -> float | None:
    value = getattr(readout(Run(scenario, with_app=False, workdir=None).run()), target)
    return None if value is None else float(value)


def calibrate(
    scenario: Scenario,
    target: str,
    wanted: float,
    *,
    seeds: int = 3,
    steps: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Bisect log β between β/8 and 8β until the seeds' mean readout meets `wanted` (`steps` halvings)."""
    if target not in TARGETS:
        raise InvalidInput(f"the target is one of {', '.join(TARGETS)}", code="bad_target")
    if wanted <= 0:
        raise InvalidInput("the target must be above 0", code="bad_target")
    if target == "R0" and scenario.run.days < EARLY_DAYS + FOLLOW_DAYS:
        raise InvalidInput(f"R0 needs runs of {EARLY_DAYS + FOLLOW_DAYS} days or more", code="bad_target")
    rises = target == "R0"  # R0 grows with β; the doubling time shrinks
    base = scenario.epidemic.transmissibility
    low, high = math.log(base / SPAN), math.log(min(base * SPAN, 1.0))
    done: list[Step] = []
    with ProcessPoolExecutor(max_workers=max(1, min(seeds, os.cpu_count() or 1))) as pool:
        for step in range(steps):
            beta = math.exp((low + high) / 2)
            runs = [
                scenario.with_overrides(
                    **{"epidemic.transmissibility": beta, "run.seed": scenario.run.seed + i}
                )
                for i in range(seeds)
            ]
            found = [v for v in pool.map(_measure, runs, [target] * seeds) if v is not None]
            measured = float(np.mean(found)) if found else None
            done.append(Step(beta, measured))
            # No doubling time means no growth: β too low. (R0 always has a figure: the run is long enough.)
            too_high = measured is not None and (measured > wanted) == rises
            low, high = (low, math.log(beta)) if too_high else (math.log(beta), high)
            if progress:
                progress(step + 1, steps)
    fitted = _closest(done, wanted)
    return Calibration(
        target,
        wanted,
        done,
        scenario.with_overrides(**{"epidemic.transmissibility": fitted.transmissibility}),
    )


def scenario_toml(scenario: Scenario, comment: str) -> str:
    """The scenario as a TOML file `bluezone sim run --config` reads (settings left unset are left out)."""
    lines = [f"# {line}" for line in comment.splitlines()]
    for section in ("run", "population", "epidemic", "response"):
        lines += ["", f"[{section}]"]
        for key, value in getattr(scenario, section).model_dump().items():
            if value is None:
                continue
            if isinstance(value, bool):
                shown = "true" if value else "false"
            elif isinstance(value, int | float):
                shown = repr(value)
            elif isinstance(value, date):
                shown = value.isoformat()
            else:
                shown = json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string
            lines.append(f"{key} = {shown}")
    return "\n".join(lines) + "\n"


def write_scenario(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
