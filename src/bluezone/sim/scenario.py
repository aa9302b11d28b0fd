"""What a simulation runs: the population, the epidemic, the response, and how long, from TOML or code.

Every section must be present in a scenario file (an empty table takes the defaults); unknown keys and
impossible values are refused with one line naming the setting.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bluezone.errors import InvalidInput


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunSettings(Section):
    days: int = Field(default=21, ge=1, le=120, description="Days simulated")
    seed: int = Field(default=2020, ge=0, description="The same seed gives the same run")
    start: date = Field(default=date(2026, 3, 2), description="First simulated day (a Monday is usual)")


class PopulationSettings(Section):
    people: int = Field(default=20_000, ge=100, le=5_000_000)
    adoption: float = Field(default=0.4, ge=0.0, le=1.0, description="Share of all people running the app")
    household_clustering: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="0: app users spread at random; 1: households and workplace teams adopt together",
    )
    adoption_province: str | None = Field(
        default=None,
        pattern=r"^\d{2}$",
        description="Take adoption from this province's install rate in `campaign_counts` instead",
    )
    campaign_counts: Path | None = Field(
        default=None, description="A campaign counts CSV (as `bluezone campaign import-counts` reads)"
    )
    seed_prevalence: float = Field(
        default=0.001, gt=0, le=0.1, description="Share of people infected in the week before day 1"
    )
    seed_infections: int | None = Field(
        default=None, ge=1, description="How many people that is, instead of the share (a town of any size)"
    )

    @property
    def seeds(self) -> int:
        """People infected before the run: a share of the town, so that towns of every size start alike."""
        if self.seed_infections is not None:
            return min(self.seed_infections, self.people)
        return max(1, round(self.seed_prevalence * self.people))


class EpidemicSettings(Section):
    transmissibility: float = Field(
        default=0.0035, gt=0, le=1, description="Infection chance per 5 minutes within 1 m of someone at peak"
    )
    asymptomatic_share: float = Field(default=0.35, ge=0, le=1)
    asymptomatic_infectiousness: float = Field(default=0.5, ge=0, le=1)
    incubation_days: float = Field(default=5.5, gt=1, le=14, description="Mean infection → symptom onset")
    infectious_days_before_onset: float = Field(default=2.5, ge=0, le=5)
    infectious_days_after_onset: float = Field(default=8.0, gt=0, le=21)


class ResponseSettings(Section):
    test_after_symptoms: float = Field(
        default=0.7, ge=0, le=1, description="Share of symptomatic people tested"
    )
    test_delay_days: float = Field(default=1.5, ge=0, le=14, description="Mean delay from onset to the test")
    result_hours: float = Field(default=24, ge=0, le=168, description="Test → confirmed (F0)")
    upload_consent: float = Field(default=0.7, ge=0, le=1, description="Share of F0s with the app who upload")
    quarantine_compliance: float = Field(default=0.8, ge=0, le=1, description="Alerted F1s who stay home")
    quarantine_days: int = Field(default=14, ge=1, le=28)
    f1_test: float = Field(default=0.9, ge=0, le=1, description="Share of alerted F1s tested")
    f1_declares: float = Field(
        default=0.5, ge=0, le=1, description="F1s who declare and publish as close contacts"
    )
    manual_household_tracing: bool = Field(
        default=True, description="Case workers quarantine and test households"
    )
    venue_check_in: float = Field(
        default=0.5, ge=0, le=1, description="Share of app users' market and café visits checked in by QR"
    )
    check_every_hours: int = Field(
        default=4, ge=1, le=24, description="How often phones download new exports"
    )
    risk_preset: str = Field(default="bluezone", description="Risk configuration the phones run")


class Scenario(Section):
    run: RunSettings = RunSettings()
    population: PopulationSettings = PopulationSettings()
    epidemic: EpidemicSettings = EpidemicSettings()
    response: ResponseSettings = ResponseSettings()

    def with_overrides(self, **values: Any) -> Scenario:
        """A copy with `section.key` overrides, e.g. {"population.adoption": 0.6}; None values are skipped."""
        sections = {
            name: getattr(self, name).model_dump() for name in ("run", "population", "epidemic", "response")
        }
        for dotted, value in values.items():
            if value is None:
                continue
            section, key = dotted.split(".")
            sections[section][key] = value
        return _validated(sections, "option")


SECTIONS = ("run", "population", "epidemic", "response")


def load_scenario(path: Path) -> Scenario:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"scenario file {path} does not exist", code="bad_scenario") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"scenario file {path} is not valid TOML: {error}", code="bad_scenario") from None
    missing = [name for name in SECTIONS if name not in data]
    if missing:
        raise InvalidInput(f"{path}: missing section [{missing[0]}]", code="bad_scenario")
    return _validated(data, str(path))


def _validated(data: dict[str, Any], where: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        setting = ".".join(str(part) for part in first["loc"])
        message = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
        raise InvalidInput(f"{where}: {setting}: {message}", code="bad_scenario") from None
