"""Targets: a rate to reach by a date (an area's share of population or of smartphone subscribers, a unit's
share of staff), and progress against them: where it stands, what is still needed per day, on track or behind.

On track means at or above the straight line from the rate when the target was set to the target on its date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.campaign import units
from bluezone.campaign.activity import day_end
from bluezone.campaign.ranking import Denominator
from bluezone.campaign.service import area_figures
from bluezone.clock import EPOCH, local_day
from bluezone.errors import InvalidInput, NotFound
from bluezone.geography.areas import find_area
from bluezone.store.models import Target, Unit, UnitReport

BASES = ("population", "smartphones", "staff")


@dataclass(frozen=True)
class Progress:
    subject: str
    name: str
    basis: str
    target_percent: float
    by: date
    count: int | None  # installs now
    denominator: int | None
    rate_percent: float | None
    start_rate_percent: float | None
    still_needed: int | None  # installs to add to reach the target
    needed_per_day: float | None
    on_track: bool | None  # None: no figures yet


def set_target(
    session: Session, *, subject: str, basis: str, rate_percent: float, by: date, now: int
) -> Target:
    """Set (or replace) the target of `area:CODE` or `unit:ID` for one basis."""
    kind, _, ident = subject.partition(":")
    if basis not in BASES:
        raise InvalidInput(f"basis must be one of {', '.join(BASES)}", code="bad_target")
    if kind == "area":
        find_area(ident)
        if basis == "staff":
            raise InvalidInput("an area's target is a share of population or smartphones", code="bad_target")
    elif kind == "unit":
        if units.unit_named(session, ident) is None:
            raise NotFound(f"no unit {ident}", code="unknown_unit")
        if basis != "staff":
            raise InvalidInput("a unit's target is a share of its staff", code="bad_target")
    else:
        raise InvalidInput("subject is area:CODE or unit:ID", code="bad_target")
    if not 0 < rate_percent <= 100:
        raise InvalidInput("the target rate is a percentage above 0 and at most 100", code="bad_target")
    today = local_day(now)
    by_day = (by - EPOCH).days
    if by_day <= today:
        raise InvalidInput("the target date must be in the future", code="bad_target")
    existing = session.scalar(select(Target).where(Target.subject == subject, Target.basis == basis))
    target = existing or Target(subject=subject, basis=basis, created_at=now)
    target.rate_percent, target.start_day, target.by_day = rate_percent, today, by_day
    session.add(target)
    session.flush()
    return target


def progress(session: Session, target: Target, now: int) -> Progress:
    today = local_day(now)
    kind, _, ident = target.subject.partition(":")
    if kind == "unit":
        name, now_figures, start_figures = _unit_figures(session, int(ident), target.start_day)
    else:
        by = Denominator(target.basis)
        name, now_figures = area_figures(session, ident, as_of=now, by=by)
        _, start_figures = area_figures(session, ident, as_of=day_end(target.start_day), by=by)
    count, denominator = now_figures
    rate = None if not denominator or count is None else 100 * count / denominator
    start_count, start_denominator = start_figures
    start_rate = (
        None if not start_denominator or start_count is None else 100 * start_count / start_denominator
    )
    still, per_day, on_track = None, None, None
    if rate is not None and denominator:
        still = max(0, math.ceil(target.rate_percent / 100 * denominator) - (count or 0))
        days_left = max(target.by_day - today, 1)
        per_day = still / days_left
        begin = start_rate if start_rate is not None else rate
        span = max(target.by_day - target.start_day, 1)
        expected = begin + (target.rate_percent - begin) * min(max(today - target.start_day, 0) / span, 1.0)
        on_track = rate >= expected - 1e-9
    return Progress(
        subject=target.subject,
        name=name,
        basis=target.basis,
        target_percent=target.rate_percent,
        by=EPOCH + timedelta(days=target.by_day),
        count=count,
        denominator=denominator,
        rate_percent=rate,
        start_rate_percent=start_rate,
        still_needed=still,
        needed_per_day=per_day,
        on_track=on_track,
    )


def _unit_figures(
    session: Session, unit_id: int, start_day: int
) -> tuple[str, tuple[int | None, int | None], tuple[int | None, int | None]]:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"no unit {unit_id}", code="unknown_unit")
    reports = list(
        session.scalars(
            select(UnitReport).where(UnitReport.unit_id == unit_id).order_by(UnitReport.as_of_day)
        )
    )
    latest = reports[-1] if reports else None
    at_start = [r for r in reports if r.as_of_day <= start_day]
    first = at_start[-1] if at_start else None
    return (
        unit.name,
        (None, None) if latest is None else (latest.installed, latest.staff),
        (None, None) if first is None else (first.installed, first.staff),
    )


def all_progress(session: Session, now: int) -> list[Progress]:
    return [progress(session, t, now) for t in session.scalars(select(Target).order_by(Target.subject))]
