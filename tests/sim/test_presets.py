"""The strains the package ships: each still reproduces the figures it was calibrated to, and the default
scenario is the 2020 strain."""

from __future__ import annotations

from pathlib import Path

import pytest

from bluezone.errors import InvalidInput
from bluezone.sim.calibration import measure
from bluezone.sim.scenario import PRESETS, Scenario, load_scenario

# What each preset was fitted to (docs/parameters.md): R0, the household attack rate, and how many seeds'
# mean the fit read.
TARGETS = {
    # Ferretti et al. 2020 and early estimates (2–3); Madewell et al. 2020, JAMA Netw Open 3(12):e2031756
    "ancestral-2020": (2.5, 0.166, 6),
    # Liu & Rocklöv 2021, J Travel Med 28(7):taab124; Madewell et al. 2022, JAMA Netw Open 5(4):e229317
    "delta-2021": (5.08, 0.297, 4),
}


def test_every_preset_loads_by_name() -> None:
    assert set(TARGETS) == set(PRESETS)
    for name in PRESETS:
        assert load_scenario(Path(name)).run.days >= 19
    with pytest.raises(InvalidInput, match="the presets are ancestral-2020, delta-2021"):
        load_scenario(Path("omicron-2022"))


def test_the_default_disease_is_the_2020_strain() -> None:
    preset = load_scenario(Path("ancestral-2020")).epidemic.model_dump()
    for key, value in Scenario().epidemic.model_dump().items():
        assert preset[key] == pytest.approx(value, rel=1e-4), key


def test_delta_is_faster_than_the_2020_strain() -> None:
    delta, ancestral = load_scenario(Path("delta-2021")).epidemic, Scenario().epidemic
    assert delta.incubation_days < ancestral.incubation_days
    assert delta.transmissibility > ancestral.transmissibility


@pytest.mark.slow
@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_still_reproduces_its_targets(name: str) -> None:
    r0, household, seeds = TARGETS[name]
    measured = measure(load_scenario(Path(name)), seeds=seeds)
    assert measured["R0"] == pytest.approx(r0, rel=0.1)
    assert measured["household_attack_rate"] == pytest.approx(household, abs=0.025)
