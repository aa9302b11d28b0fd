"""Alerts: what the phone tells its user after a day of close contact with a published key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bluezone.clock import local_date, local_time
from bluezone.phone.facilities import Facility
from bluezone.phone.guidance import Countdown
from bluezone.risk.closeness import distance_for_closeness
from bluezone.risk.config import RiskConfig
from bluezone.risk.scoring import DailyRisk, Level
from bluezone.texts import Language, day, number, text
from bluezone.texts import moment as texts_moment


@dataclass(frozen=True)
class Alert:
    level: Level  # F1 or F2
    exposure_date: date  # the contact's date in Viet Nam (a contact at 06:00 there is on that day)
    utc_day: int  # the GAEN day the contact was scored in: what the phone remembers having alerted
    close_minutes: int  # minutes within the close-contact distance (scan-weighted)
    closeness_db: float  # the closest scan's closeness (lower is closer)
    estimated_distance_m: float
    facilities: list[Facility] = field(default_factory=list)
    # From the health authority's signed configuration: instructions replacing the app's, by language,
    # and the isolation the alert starts under the rules in force.
    instructions_by_language: Mapping[str, str] = field(default_factory=dict)
    isolation: Countdown | None = None

    @property
    def kind(self) -> str:
        return "f1" if self.level is Level.F1 else "f2"

    def title(self, language: Language = "vi") -> str:
        return text(f"{self.kind}.title", language)

    def body(self, language: Language = "vi") -> str:
        return text(
            f"{self.kind}.body",
            language,
            date=day(self.exposure_date, language),
            minutes=self.close_minutes,
            distance=distance_label(self.estimated_distance_m, language),
        )

    def instructions(self, language: Language = "vi") -> str:
        return self.instructions_by_language.get(language) or text(f"{self.kind}.instructions", language)

    def render(self, language: Language = "vi", today: date | None = None) -> str:
        """The alert screen as text: title, what happened, what to do (and how long), where to go."""
        lines = [self.title(language), self.body(language), self.instructions(language)]
        if self.isolation is not None:
            lines.append(self.isolation.render(today or self.exposure_date, language))
        if self.facilities:
            lines += [f"• {f.name}, {f.address}, ☎ {f.phone}" for f in self.facilities]
        else:
            lines.append(text("no_facility", language))
        lines.append(text("declare.offer", language))
        return "\n".join(lines)


def distance_label(metres: float, language: Language = "vi") -> str:
    """A rough distance for people: half-metre steps between 1 and 10 m."""
    if metres < 1:
        return text("distance.under_1m", language)
    if metres > 10:
        return text("distance.far", language)
    return text("distance.metres", language, metres=f"{round(metres * 2) / 2:g}")


def alerts_from_risk(risk: DailyRisk, config: RiskConfig, facilities: list[Facility]) -> list[Alert]:
    """One alert per day classified F1 or F2, newest first."""
    alerts = []
    for i in range(len(risk)):
        level = Level(int(risk.level[i]))
        if level not in (Level.F1, Level.F2):
            continue
        closeness = float(risk.min_closeness_db[i])
        alerts.append(
            Alert(
                level=level,
                exposure_date=local_date(float(risk.first_seen[i])),
                utc_day=int(risk.day[i]),
                close_minutes=round(float(risk.close_seconds[i]) / 60),
                closeness_db=round(closeness, 1),
                estimated_distance_m=distance_for_closeness(
                    closeness, config.close_db, config.close_distance_m
                ),
                facilities=facilities,
            )
        )
    return sorted(alerts, key=lambda a: a.utc_day, reverse=True)


def no_exposure_text(keys_checked: int, checked_at: float, language: Language = "vi") -> str:
    moment = texts_moment(local_time(checked_at), language)
    return text("no_exposure", language, keys=number(keys_checked, language), checked=moment)
