"""What a simulation runs: the population, the epidemic, the response, and how long, from TOML or code.

Every section must be present in a scenario file (an empty table takes the defaults); unknown keys and
impossible values are refused with one line naming the setting.
"""

from __future__ import annotations

import tomllib
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bluezone.errors import InvalidInput


def share(default: float, description: str) -> Any:
    """A share of people or of activity: 0 to 1."""
    return Field(default=default, ge=0, le=1, description=description)


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
    """The 2020 (ancestral) strain by default: the `ancestral-2020` preset's values (docs/parameters.md)."""

    transmissibility: float = Field(
        default=0.024491,
        gt=0,
        le=1,
        description="Infection chance per 5 minutes within 1 m of someone at peak",
    )
    household_transmissibility: float = Field(
        default=0.00221, gt=0, le=1, description="The same at home (fitted to household attack rates)"
    )
    asymptomatic_share: float = share(0.20, "Share of infections that never have symptoms (all ages)")
    asymptomatic_infectiousness: float = share(0.35, "Their infectiousness relative to people with symptoms")
    incubation_days: float = Field(default=5.5, gt=1, le=14, description="Mean infection → symptom onset")
    infectious_days_before_onset: float = Field(default=2.3, ge=0, le=5)
    infectious_days_after_onset: float = Field(default=8.0, gt=0, le=21)


class ManualTracing(StrEnum):
    NONE = "none"
    HOUSEHOLD = "household"  # the case's household quarantined and tested
    F1 = "f1"  # and the close contacts the case worker finds
    F1_F2 = "f1-f2"  # and the households of those F1s quarantined as F2s


class ResponseSettings(Section):
    test_after_symptoms: float = share(0.7, "Share of symptomatic people tested")
    test_delay_days: float = Field(default=1.5, ge=0, le=14, description="Mean delay from onset to the test")
    result_hours: float = Field(default=24, ge=0, le=168, description="Test → confirmed (F0)")
    test_specificity: float = Field(
        default=0.999, ge=0.9, le=1, description="Share of uninfected people a test finds negative"
    )
    isolate_at_onset: float = share(0.5, "Share of people with symptoms who stay home from the next day")
    upload_consent: float = share(0.7, "Share of F0s with the app who upload")
    code_reach: float = share(
        1.0,
        "Share of confirmed app users without a lab result in the app whom a case worker reaches with a code",
    )
    lab_delivery: float = share(
        0.0, "Share of positive tests whose form the phone registered: the result gives the upload, no call"
    )
    self_report: float = share(
        0.0, "Share of symptomatic app users never PCR-tested who take a rapid test and self-report it"
    )
    rapid_test_sensitivity: float = share(0.72, "Rapid antigen tests in people with symptoms (Dinnes 2021)")
    quarantine_compliance: float = share(0.8, "Alerted F1s who stay home")
    quarantine_days: int = Field(default=14, ge=1, le=28)
    f1_test: float = share(0.9, "Share of F1s tested")
    f1_test_days: list[float] = Field(
        default=[0.5, 7.0, 13.0],
        min_length=1,
        max_length=5,
        description="When an F1 is tested, in days after being found",
    )
    f1_declares: float = share(0.5, "F1s who declare and publish as close contacts")
    manual_tracing: ManualTracing = Field(
        default=ManualTracing.F1_F2, description="What case workers do for each confirmed case"
    )
    tracing_capacity: float = Field(
        default=20.0, ge=0, description="Cases case workers can trace a day, per 100,000 people"
    )
    tracing_finds_known: float = share(
        0.9, "Share of a case's close contacts in its household, class or team found"
    )
    tracing_finds_strangers: float = share(0.1, "Share of its other close contacts found")
    venue_check_in: float = share(0.5, "Share of app users' market and café visits checked in by QR")
    check_every_hours: int = Field(
        default=4, ge=1, le=24, description="How often phones download new exports"
    )
    risk_preset: str = Field(default="bluezone", description="Risk configuration the phones run")


class Directive(StrEnum):
    """Viet Nam's 2020 directives (Prime Minister's Chỉ thị), as presets of the restrictions below."""

    D15 = "15"  # 15/CT-TTg, 27 March 2020: no gatherings over 20, non-essential services closed
    D16 = "16"  # 16/CT-TTg, 31 March 2020: nationwide isolation, out for essentials only
    D19 = "19"  # 19/CT-TTg, 24 April 2020: reopening, with distancing and masks kept


class Restrictions(Section):
    """How much of ordinary life goes on: 1 is all of it."""

    schools_open: float = share(1.0, "Share of classes meeting")
    work_open: float = share(1.0, "Share of workers at their workplace")
    outings: float = share(1.0, "Share of market, café and bus visits made")
    masks: float = share(0.0, "Share of people masked outside the home")

    def combined(self, other: Restrictions) -> Restrictions:
        """Both at once: the stricter of each."""
        return Restrictions(
            schools_open=min(self.schools_open, other.schools_open),
            work_open=min(self.work_open, other.work_open),
            outings=min(self.outings, other.outings),
            masks=max(self.masks, other.masks),
        )


OPEN = Restrictions()
# What each directive did to ordinary life. The directives' texts name what closes; how much of each
# activity went on is assumed (docs/parameters.md).
DIRECTIVES = {
    Directive.D15: Restrictions(schools_open=0.0, work_open=0.8, outings=0.6, masks=0.8),
    Directive.D16: Restrictions(schools_open=0.0, work_open=0.3, outings=0.3, masks=0.9),
    Directive.D19: Restrictions(schools_open=1.0, work_open=0.9, outings=0.8, masks=0.8),
}


class Intervention(Section):
    """Restrictions from one day of the run to another: a directive, or shares given one by one (a share
    given overrides the directive's)."""

    start_day: int = Field(ge=1, description="First day, 1 being the run's first")
    end_day: int | None = Field(default=None, ge=1, description="Last day; none: to the run's end")
    directive: Directive | None = None
    schools_open: float | None = Field(default=None, ge=0, le=1)
    work_open: float | None = Field(default=None, ge=0, le=1)
    outings: float | None = Field(default=None, ge=0, le=1)
    masks: float | None = Field(default=None, ge=0, le=1)

    @property
    def restrictions(self) -> Restrictions:
        base = DIRECTIVES[self.directive] if self.directive else OPEN
        given = {
            k: v for k, v in self.model_dump(include=set(Restrictions.model_fields)).items() if v is not None
        }
        return base.model_copy(update=given)

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Intervention:
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError("end_day comes before start_day")
        return self

    def covers(self, day: int) -> bool:
        """`day` counts from 1."""
        return self.start_day <= day and (self.end_day is None or day <= self.end_day)


class Scenario(Section):
    run: RunSettings = RunSettings()
    population: PopulationSettings = PopulationSettings()
    epidemic: EpidemicSettings = EpidemicSettings()
    response: ResponseSettings = ResponseSettings()
    interventions: list[Intervention] = []

    def restrictions_on(self, day: int) -> Restrictions:
        """What holds on the run's `day` (from 0): every intervention covering it, the stricter of each."""
        found = OPEN
        for intervention in self.interventions:
            if intervention.covers(day + 1):
                found = found.combined(intervention.restrictions)
        return found

    def unmitigated(self) -> Scenario:
        """The same town and disease with no response: nobody tested, traced, isolated or restricted."""
        bare = self.with_overrides(
            **{
                "response.test_after_symptoms": 0.0,
                "response.isolate_at_onset": 0.0,
                "response.manual_tracing": ManualTracing.NONE,
            }
        )
        return bare.model_copy(update={"interventions": []})

    def with_overrides(self, **values: Any) -> Scenario:
        """A copy with `section.key` overrides, e.g. {"population.adoption": 0.6}; None values are skipped."""
        sections: dict[str, Any] = {name: getattr(self, name).model_dump() for name in SECTIONS}
        sections["interventions"] = [i.model_dump() for i in self.interventions]
        for dotted, value in values.items():
            if value is None:
                continue
            section, key = dotted.split(".")
            sections[section][key] = value
        return _validated(sections, "option")


SECTIONS = ("run", "population", "epidemic", "response")


# Strains, each a whole scenario whose transmission `bluezone sim calibrate` fitted to the strain's R0 and
# household attack rate (docs/parameters.md); the defaults above are the first.
PRESETS = ("ancestral-2020", "delta-2021")


def preset_text(name: str) -> str:
    return resources.files("bluezone.sim").joinpath("data", f"{name}.toml").read_text(encoding="utf-8")


def load_scenario(path: Path) -> Scenario:
    """A scenario file, or a preset by name when no such file exists."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if str(path) not in PRESETS:
            raise InvalidInput(
                f"scenario file {path} does not exist (the presets are {', '.join(PRESETS)})",
                code="bad_scenario",
            ) from None
        text = preset_text(str(path))
    try:
        data = tomllib.loads(text)
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
