"""Rankings from stored counts: the snapshot at a moment, counts rolled up to the level asked for,
denominators, and each area's rank in the previous snapshot."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.campaign.areas import Level, Structure, census_2019, level_of, registry
from bluezone.campaign.imports import VIETNAM
from bluezone.campaign.ranking import Entry, RankRow, rank
from bluezone.errors import InvalidInput, NotFound
from bluezone.store.models import CampaignCount


class Denominator(StrEnum):
    POPULATION = "population"
    SMARTPHONES = "smartphones"


def snapshots(session: Session) -> list[tuple[int, Structure]]:
    """Every moment with counts, oldest first."""
    rows = session.execute(
        select(CampaignCount.as_of, CampaignCount.structure).distinct().order_by(CampaignCount.as_of)
    )
    return [(int(as_of), Structure(structure)) for as_of, structure in rows]


def _entries(
    session: Session, as_of: int, structure: Structure, *, level: Level, parent: str | None, by: Denominator
) -> list[Entry]:
    areas = registry(structure)
    wanted = {a.code: a for a in areas.at_level(level, parent)}
    rows = session.scalars(
        select(CampaignCount).where(CampaignCount.as_of == as_of, CampaignCount.structure == structure.value)
    )
    own: dict[str, CampaignCount] = {}
    installs: dict[str, int] = {}
    phones: dict[str, int] = {}
    for row in rows:
        if row.area_code in wanted:
            own[row.area_code] = row
            continue
        if level_of(row.area_code) is level:
            continue
        above = [code for code in areas.ancestors(areas.get(row.area_code)) if code in wanted]
        if above:  # a lower area's count rolls up into the wanted area above it
            installs[above[0]] = installs.get(above[0], 0) + row.installs
            if row.smartphones is not None:
                phones[above[0]] = phones.get(above[0], 0) + row.smartphones
    entries = []
    for code, area in wanted.items():
        if code in own:
            count, smartphones = own[code].installs, own[code].smartphones
        elif code in installs:
            count, smartphones = installs[code], phones.get(code)
        else:
            continue
        if by is Denominator.SMARTPHONES:
            denominator = smartphones
        else:
            denominator = (
                census_2019().get(code) if level is Level.PROVINCE and structure is Structure.OLD else None
            )
        entries.append(Entry(code, area.name, count, denominator))
    return entries


def ranking(
    session: Session,
    *,
    as_of: int | None,
    level: str = "province",
    parent: str | None = None,
    by: str = "population",
) -> tuple[int, list[RankRow]]:
    """(the snapshot used, its ranking). The snapshot is the newest at or before `as_of`."""
    try:
        chosen_level, chosen_by = Level(level), Denominator(by)
    except ValueError:
        raise InvalidInput(
            "level is province, district or commune; by is population or smartphones", code="bad_ranking"
        ) from None
    moments = [(t, s) for t, s in snapshots(session) if as_of is None or t <= as_of]
    if not moments:
        raise NotFound("no counts at or before that time", code="no_counts")
    moment, structure = moments[-1]
    if chosen_level is Level.DISTRICT and structure is Structure.NEW:
        raise InvalidInput("the 2025 structure has no districts", code="bad_ranking")
    current = _entries(session, moment, structure, level=chosen_level, parent=parent, by=chosen_by)
    earlier = [(t, s) for t, s in moments[:-1] if s is structure]
    previous = None
    if earlier:
        before = rank(
            _entries(session, earlier[-1][0], structure, level=chosen_level, parent=parent, by=chosen_by)
        )
        previous = {row.area_code: row.rank for row in before if row.rank is not None}
    return moment, rank(current, previous)


def describe(moment: int) -> str:
    return datetime.fromtimestamp(moment, tz=VIETNAM).strftime("%H:%M %d/%m/%Y")


def area_figures(
    session: Session, code: str, *, as_of: int, by: Denominator
) -> tuple[str, tuple[int | None, int | None]]:
    """(name, (installs, denominator)) of one area in the newest snapshot at or before `as_of`."""
    moments = [(t, s) for t, s in snapshots(session) if t <= as_of]
    for moment, structure in reversed(moments):
        areas = registry(structure)
        try:
            area = areas.get(code)
        except InvalidInput:
            continue  # a code of the other structure
        entries = _entries(session, moment, structure, level=area.level, parent=area.parent, by=by)
        for entry in entries:
            if entry.area_code == code:
                return area.name, (entry.installs, entry.denominator)
        return area.name, (None, None)
    for structure in Structure:
        try:
            return registry(structure).get(code).name, (None, None)
        except InvalidInput:
            continue
    raise NotFound(f"no area {code}", code="unknown_area")


def trend(session: Session, code: str, *, by: Denominator) -> list[tuple[int, float | None, int]]:
    """(snapshot, rate %, installs) of one area over every snapshot of its structure, oldest first."""
    points = []
    for moment, structure in snapshots(session):
        try:
            registry(structure).get(code)
        except InvalidInput:
            continue
        _, (installs, denominator) = area_figures(session, code, as_of=moment, by=by)
        if installs is not None:
            points.append((moment, 100 * installs / denominator if denominator else None, installs))
    return points
