"""Fitting transmissibility: the search goes the right way, writes a scenario that runs, and refuses what
cannot be fitted."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bluezone.errors import InvalidInput
from bluezone.sim.calibration import calibrate, doubling_from_cases
from bluezone.sim.scenario import Scenario, load_scenario
from tests.cli.test_cli import run

TOWN = Scenario().with_overrides(**{"population.people": 3000, "run.days": 21})


def test_a_faster_target_fits_a_higher_transmissibility() -> None:
    slow = calibrate(TOWN, {"doubling_days": 8.0}, seeds=1, steps=4)
    fast = calibrate(TOWN, {"doubling_days": 3.0}, seeds=1, steps=4)
    assert fast.scenario.epidemic.transmissibility > slow.scenario.epidemic.transmissibility
    assert fast.scenario.epidemic.transmissibility in {s.value for s in fast.steps}
    assert len(fast.steps) == 4 and fast.residual("doubling_days") is not None


def test_a_higher_household_attack_rate_fits_more_transmission_at_home() -> None:
    low = calibrate(TOWN, {"household_attack_rate": 0.1}, seeds=1, steps=4)
    high = calibrate(TOWN, {"household_attack_rate": 0.3}, seeds=1, steps=4)
    at_home = [c.scenario.epidemic.household_transmissibility for c in (low, high)]
    assert at_home[1] > at_home[0]
    # Transmission outside the home is left as it was.
    assert high.scenario.epidemic.transmissibility == TOWN.epidemic.transmissibility


def test_targets_are_checked_before_any_run() -> None:
    with pytest.raises(InvalidInput, match="give one"):
        calibrate(TOWN, {"R0": 2.5, "doubling_days": 4.0})
    with pytest.raises(InvalidInput, match="one of"):
        calibrate(TOWN, {"generation": 5.0})
    with pytest.raises(InvalidInput, match="above 0"):
        calibrate(TOWN, {"R0": 0.0})
    with pytest.raises(InvalidInput, match="a share, below 1"):
        calibrate(TOWN, {"household_attack_rate": 1.2})


def test_a_case_series_gives_its_doubling_time() -> None:
    cases = "date,cases\n" + "\n".join(f"2020-03-{d + 1:02d},{round(5 * 2 ** (d / 4))}" for d in range(20))
    assert doubling_from_cases(cases) == pytest.approx(4.0, rel=0.05)
    with pytest.raises(InvalidInput, match="does not grow"):
        doubling_from_cases("date,cases\n" + "\n".join(f"2020-03-{d + 1:02d},10" for d in range(9)))
    with pytest.raises(InvalidInput, match="columns date and cases"):
        doubling_from_cases("day,n\n1,2\n")


def test_r0_needs_runs_long_enough_to_see_it() -> None:
    with pytest.raises(InvalidInput, match="19 days"):
        calibrate(TOWN.with_overrides(**{"run.days": 10}), {"R0": 2.5})


def test_the_command_writes_a_scenario_that_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fitted.toml"
    code, printed, err = run(
        capsys, "sim", "calibrate", "--r0", "2.5", "--people", "3000", "--seeds", "1", "--steps", "3",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(printed)
    fitted = load_scenario(out)  # bluezone sim run --config reads it
    fitted_value = result["fitted"]["epidemic.transmissibility"]
    assert math.isclose(fitted.epidemic.transmissibility, fitted_value, rel_tol=1e-3)
    assert fitted.population.people == 3000 and len(result["steps"]) == 3
    assert set(result["measured"]) >= {"R0", "generation_interval_days", "household_attack_rate"}
    code, _, err = run(capsys, "sim", "calibrate", "--r0", "2", "--doubling", "4")
    assert code == 2 and "give one of" in err
