"""Scenario files: every section present, unknown keys and impossible values refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bluezone.errors import InvalidInput
from bluezone.sim.scenario import Scenario, load_scenario

COMPLETE = """
[run]
days = 10
seed = 7
[population]
people = 3000
adoption = 0.5
[epidemic]
[response]
quarantine_compliance = 0.9
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_complete_file_loads_with_defaults_for_what_it_leaves_out(tmp_path: Path) -> None:
    scenario = load_scenario(_file(tmp_path, COMPLETE))
    assert scenario.run.days == 10 and scenario.population.people == 3000
    assert scenario.response.quarantine_compliance == 0.9
    assert scenario.epidemic == Scenario().epidemic


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("adoption = 0.5", "adoption = 1.4"),
            "population.adoption: Input should be less than or equal to 1",
        ),
        (("days = 10", "days = -3"), "run.days: Input should be greater than or equal to 1"),
        (("[epidemic]", "[epidemic]\nvirulence = 2"), "epidemic.virulence: unknown setting"),
        (("[epidemic]\n", ""), "missing section [epidemic]"),
        (("people = 3000", "people = 'many'"), "population.people: Input should be a valid integer"),
        (("[run]", "[run"), "is not valid TOML"),
    ],
)
def test_bad_files_are_refused_naming_the_setting(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _file(tmp_path, COMPLETE.replace(*change))
    with pytest.raises(InvalidInput) as refused:
        load_scenario(path)
    assert message in refused.value.message
    assert "\n" not in refused.value.message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_scenario(tmp_path / "nope.toml")


def test_overrides_are_checked_like_the_file() -> None:
    assert Scenario().with_overrides(**{"population.adoption": 0.6, "run.days": None}).run.days == 21
    with pytest.raises(InvalidInput, match=r"population\.adoption"):
        Scenario().with_overrides(**{"population.adoption": 1.4})
