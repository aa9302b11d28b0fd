"""The phone's companion between alerts: the health authority's signed configuration applied to the risk
rules and the alert screens, the isolation countdown an alert starts under the rules in force, and the
epidemic level where the user lives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bluezone.errors import InvalidInput
from bluezone.geography.areas import area_name, find_area, registry
from bluezone.protocol.app_config import AppConfig, Isolation
from bluezone.protocol.area_levels import LocalLevel, level_for
from bluezone.protocol.exposure_key import ReportType
from bluezone.risk.config import RiskConfig
from bluezone.risk.scoring import Level
from bluezone.texts import Language, day, number, text


def follow(config: AppConfig, risk: RiskConfig) -> RiskConfig:
    """The risk rules with the configuration's F1 minutes and self-report weight."""
    weights = {**risk.report_type_weights, ReportType.SELF_REPORT: config.self_report_weight}
    return replace(risk, high_risk_seconds=config.f1_minutes * 60, report_type_weights=weights)


@dataclass(frozen=True)
class Countdown:
    """An F1's isolation, or an F2's days of watching their health: days 1 to N after the contact (day 0),
    as Viet Nam counted them ("14 days from the contact"); test days are counted the same way."""

    level: Level
    contact: date
    last_day: date  # the last day of it
    test_days: tuple[date, ...]
    at_home: bool

    def days_left(self, today: date) -> int:
        """Days still to go, today included (the contact's own day is not one); 0 when it is over."""
        total = (self.last_day - self.contact).days
        return max(0, min(total, (self.last_day - today).days + 1))

    def render(self, today: date, language: Language = "vi") -> str:
        left = self.days_left(today)
        if left == 0:
            return text("isolation.over", language, date=day(self.last_day, language))
        kind = "f1" if self.level is Level.F1 else "f2"
        where = "home" if self.at_home or self.level is Level.F2 else "facility"
        lines = [text(f"isolation.{kind}.{where}", language, days=left, date=day(self.last_day, language))]
        upcoming = [d for d in self.test_days if d >= today]
        if upcoming:
            tests = ", ".join(day(d, language) for d in upcoming)
            lines.append(text("isolation.tests", language, dates=tests))
        return "\n".join(lines)


def countdown(level: Level, contact: date, rules: Isolation) -> Countdown | None:
    """What an alert of this level on this contact date asks, under the rules; None when it asks nothing."""
    days = rules.f1_days if level is Level.F1 else rules.f2_days
    if days == 0:
        return None
    tests = tuple(contact + timedelta(days=d) for d in rules.f1_test_days) if level is Level.F1 else ()
    return Countdown(level, contact, contact + timedelta(days=days), tests, rules.f1_at_home)


def local_level(levels: Mapping[str, LocalLevel], commune_code: str | None) -> LocalLevel | None:
    """The epidemic level where the user lives: their commune's, else its district's or province's."""
    if not commune_code:
        return None
    try:
        structure, area = find_area(commune_code)
    except InvalidInput:
        return None
    return level_for(levels, [area.code, *registry(structure).ancestors(area)])


def local_level_text(found: LocalLevel | None, language: Language = "vi") -> str:
    if found is None:
        return text("level.unknown", language)
    cases = (
        ""
        if found.cases_7d is None
        else text("level.cases", language, cases=number(found.cases_7d, language))
    )
    return text(
        "level.shown",
        language,
        area=area_name(found.area_code),
        level=found.level,
        meaning=text(f"level.{found.level}", language),
        cases=cases,
    ).strip()
